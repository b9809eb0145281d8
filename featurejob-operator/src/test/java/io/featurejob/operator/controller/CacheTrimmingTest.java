package io.featurejob.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheTrimmingTest {
  @Test
  void podKeepsWhatTheOperatorReadsAndDropsTheRest() {
    Pod pod = new PodBuilder()
        .withNewMetadata().withName("d").withNamespace("ml").withUid("u").withResourceVersion("7")
        .withLabels(Map.of("featurejob.io/job", "j")).withAnnotations(Map.of("featurejob.io/window-start", "w",
            CacheTrimming.LAST_APPLIED, "{}"))
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
        .addNewOwnerReference().withKind("FeatureJob").withName("j").withUid("ju").withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withNodeName("n1").addNewContainer().withName("spark").withImage("i")
        .withArgs(List.of("--conf", "x=y")).endContainer().endSpec()
        .withNewStatus().withPhase("Pending").withReason("r").withMessage("m").withStartTime("t")
        .withHostIP("10.0.0.1").withPodIP("10.1.0.1").withQosClass("Burstable")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable").endCondition()
        .addNewContainerStatus().withName("spark").withNewState().withNewWaiting().withReason("ContainerCreating")
        .endWaiting().endState().endContainerStatus()
        .endStatus().build();
    Pod original = Serialization.clone(pod);

    Pod trimmed = CacheTrimming.pod(pod);

    assertNull(trimmed.getMetadata().getManagedFields());
    assertEquals(Map.of("featurejob.io/window-start", "w"), trimmed.getMetadata().getAnnotations());
    assertEquals(original.getMetadata().getLabels(), trimmed.getMetadata().getLabels());
    assertEquals(original.getMetadata().getOwnerReferences(), trimmed.getMetadata().getOwnerReferences());
    assertEquals("u", trimmed.getMetadata().getUid());
    assertEquals("7", trimmed.getMetadata().getResourceVersion());
    assertEquals("n1", trimmed.getSpec().getNodeName());
    assertTrue(trimmed.getSpec().getContainers().isEmpty(), "no containers, args, volumes");
    assertEquals(original.getStatus().getConditions(), trimmed.getStatus().getConditions());
    assertEquals(original.getStatus().getContainerStatuses(), trimmed.getStatus().getContainerStatuses());
    assertEquals("Pending", trimmed.getStatus().getPhase());
    assertEquals("r", trimmed.getStatus().getReason());
    assertEquals("m", trimmed.getStatus().getMessage());
    assertEquals("t", trimmed.getStatus().getStartTime());
    assertNull(trimmed.getStatus().getHostIP());
    assertNull(trimmed.getStatus().getQosClass());
  }

  @Test
  void jobKeepsSpecStatusAndItsOwnAnnotations() {
    FeatureJob job = ReconcileTriggersTest.job();
    job.setSpec(new FeatureJobSpec());
    job.getSpec().schedule = "@daily";
    job.getSpec().featureView = "trips";
    job.getMetadata().setAnnotations(Map.of("featurejob.io/unblock", "t1", CacheTrimming.LAST_APPLIED, "{\"spec\":{}}"));
    job.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").build()));
    FeatureJob original = Serialization.clone(job);

    FeatureJob trimmed = CacheTrimming.metadata(job);

    assertNull(trimmed.getMetadata().getManagedFields());
    assertEquals(Map.of("featurejob.io/unblock", "t1"), trimmed.getMetadata().getAnnotations());
    assertEquals(Serialization.asJson(original.getSpec()), Serialization.asJson(trimmed.getSpec()));
  }

  @Test
  void storeKeepsTrimmedObjectsUnderTheInformersKeys() {
    ItemStore<Pod> store = CacheTrimming.store(CacheTrimming::pod);
    Pod pod = new PodBuilder().withNewMetadata().withName("d").withNamespace("ml")
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("m").build()).endMetadata()
        .withNewSpec().addNewContainer().withName("c").endContainer().endSpec().build();
    String key = store.getKey(pod);
    assertEquals("ml/d", key);
    store.put(key, pod);
    assertNull(store.get("ml/d").getMetadata().getManagedFields());
    assertTrue(store.get("ml/d").getSpec().getContainers().isEmpty());
    assertEquals(1, store.size());
    store.remove(key);
    assertEquals(0, store.size());
  }
}

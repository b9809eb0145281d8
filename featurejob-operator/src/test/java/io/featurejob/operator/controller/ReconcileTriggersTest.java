package io.featurejob.operator.controller;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Phase;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ReconcileTriggersTest {
  final ReconcileTriggers triggers = new ReconcileTriggers();

  static FeatureJob job() {
    FeatureJob job = new FeatureJob();
    job.setMetadata(new ObjectMetaBuilder().withName("trips").withNamespace("ml").withGeneration(3L)
        .withLabels(Map.of("team", "mobility")).withAnnotations(Map.of("note", "x"))
        .withFinalizers(List.of("featurejobs.featurejob.io/finalizer")).withResourceVersion("10").build());
    FeatureJobStatus status = new FeatureJobStatus();
    status.phase = Phase.PermanentlyFailed;
    job.setStatus(status);
    return job;
  }

  boolean triggers(Consumer<FeatureJob> change) {
    FeatureJob old = job();
    FeatureJob changed = job();
    changed.getMetadata().setResourceVersion("11");
    change.accept(changed);
    return triggers.accept(changed, old);
  }

  @Test
  void theUnblockAnnotationTriggersAlthoughTheGenerationStaysTheSame() {
    assertTrue(triggers(j -> j.getMetadata().setAnnotations(Map.of("note", "x", "featurejob.io/unblock", "1700000000"))));
    FeatureJob once = job();
    once.getMetadata().setAnnotations(Map.of("featurejob.io/unblock", "1"));
    FeatureJob again = job();
    again.getMetadata().setAnnotations(Map.of("featurejob.io/unblock", "2"));
    assertTrue(triggers.accept(again, once), "a new value unblocks again");
    assertFalse(triggers.accept(once, once), "the same value is no new request");
  }

  @Test
  void theRunNowAnnotationTriggersAlthoughTheGenerationStaysTheSame() {
    assertTrue(triggers(j -> j.getMetadata().setAnnotations(Map.of("featurejob.io/run-now", "manual-1"))));
    FeatureJob once = job();
    once.getMetadata().setAnnotations(Map.of("featurejob.io/run-now", "1"));
    FeatureJob again = job();
    again.getMetadata().setAnnotations(Map.of("featurejob.io/run-now", "2"));
    assertTrue(triggers.accept(again, once), "a new value runs again");
    assertFalse(triggers.accept(once, once), "the same value is no new request");
  }

  @Test
  void specLabelsFinalizersAndDeletionTrigger() {
    assertTrue(triggers(j -> j.getMetadata().setGeneration(4L)));
    assertTrue(triggers(j -> j.getMetadata().setLabels(Map.of("team", "routing"))));
    assertTrue(triggers(j -> j.getMetadata().setFinalizers(List.of())));
    assertTrue(triggers(j -> j.getMetadata().setDeletionTimestamp("2025-03-01T10:00:00Z")));
  }

  @Test
  void theOperatorsOwnStatusWritesAndOtherAnnotationsDoNot() {
    assertFalse(triggers(j -> j.getStatus().phase = Phase.Idle));
    assertFalse(triggers(j -> j.getMetadata().setAnnotations(Map.of("note", "y"))));
  }

  @Test
  void theReconcilerUsesItInsteadOfGenerationAwareness() {
    ControllerConfiguration config = FeatureJobReconciler.class.getAnnotation(ControllerConfiguration.class);
    assertFalse(config.generationAwareEventProcessing());
    assertTrue(config.informer().onUpdateFilter() == ReconcileTriggers.class);
  }
}

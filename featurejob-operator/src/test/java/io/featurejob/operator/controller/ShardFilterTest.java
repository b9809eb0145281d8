package io.featurejob.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.policy.ShardAssignment;
import io.featurejob.operator.spark.PodNames;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardFilterTest {
  // 81 characters, more than a label value's 63: its pods' label is the name cut, plus a hash
  static final String LONG_NAME = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

  @ParameterizedTest
  @ValueSource(strings = {"daily-features", "hourly-clicks", "x", LONG_NAME})
  void everyJobAndItsPodsBelongToExactlyOneShard(String name) {
    for (int count : new int[] {2, 3}) {
      FeatureJob job = job("ml", name);
      List<Pod> pods = List.of(driver("ml", name), executor("ml", name), ownedOnly("ml", name));
      List<ShardFilter> shards = IntStream.range(0, count).mapToObj(i -> new ShardFilter(i, count)).toList();

      List<ShardFilter> owners = shards.stream().filter(s -> s.ownsJob(job)).toList();
      assertEquals(1, owners.size(), name + " in " + count + " shards: " + owners);
      assertEquals(ShardAssignment.shardOf("ml", PodNames.jobLabelValue(name), count), owners.get(0).index());
      for (Pod pod : pods) {
        assertEquals(owners, shards.stream().filter(s -> s.ownsPod(pod)).toList(),
            pod.getMetadata().getName() + " follows its job");
      }
    }
  }

  @Test
  void onePodNamingNoJobBelongsToNoShardOfSeveral() {
    Pod stray = new PodBuilder().withNewMetadata().withName("stray").withNamespace("ml")
        .withLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)).endMetadata().build();
    assertFalse(new ShardFilter(0, 2).ownsPod(stray));
    assertFalse(new ShardFilter(1, 2).ownsPod(stray));
    assertTrue(ShardFilter.ALL.ownsPod(stray), "one shard: everything, as before sharding");
  }

  @Test
  void oneShardOwnsEverything() {
    assertTrue(ShardFilter.ALL.all());
    assertTrue(ShardFilter.ALL.ownsJob(job("any", "thing")));
    assertTrue(ShardFilter.ALL.ownsPod(executor("any", "thing")));
  }

  /** Another shard's objects are held as stubs: identity (and a pod's job label) only, never their content. */
  @Test
  void aShardsCacheHoldsOtherShardsObjectsAsStubs() {
    ShardFilter shard = new ShardFilter(0, 2);
    ItemStore<FeatureJob> jobs = CacheTrimming.store(CacheTrimming::metadata, shard::ownsJob, CacheTrimming::jobStub);
    ItemStore<Pod> pods = CacheTrimming.store(CacheTrimming::pod, shard::ownsPod, CacheTrimming::podStub);
    int owned = 0;
    for (int i = 0; i < 50; i++) {
      FeatureJob job = job("ml", "job-" + i);
      job.getMetadata().setResourceVersion("7");
      job.getMetadata().setLabels(Map.of("team", "a"));
      job.setSpec(new io.featurejob.operator.api.FeatureJobSpec());
      Pod pod = driver("ml", "job-" + i);
      pod.setSpec(new io.fabric8.kubernetes.api.model.PodSpec());
      pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Pending").build());
      boolean mine = shard.ownsJob(job);
      jobs.put(jobs.getKey(job), job);
      pods.put(pods.getKey(pod), pod);
      FeatureJob cachedJob = jobs.get("ml/job-" + i);
      Pod cachedPod = pods.get(pods.getKey(pod));
      assertEquals("7", cachedJob.getMetadata().getResourceVersion());
      assertEquals("job-" + i, cachedPod.getMetadata().getLabels().get(Labels.JOB), "the job label stays");
      if (mine) {
        owned++;
        assertEquals(Map.of("team", "a"), cachedJob.getMetadata().getLabels());
        assertEquals("Pending", cachedPod.getStatus().getPhase());
      } else {
        assertNull(cachedJob.getSpec(), "another shard's job: a stub");
        assertEquals(Map.of(), cachedJob.getMetadata().getLabels(), "no labels");
        assertNull(cachedPod.getStatus(), "another shard's pod: a stub");
        assertEquals(List.of(), cachedPod.getMetadata().getOwnerReferences());
        assertEquals(Map.of(Labels.JOB, "job-" + i), cachedPod.getMetadata().getLabels());
        assertFalse(shard.ownsPod(cachedPod) || shard.ownsJob(cachedJob), "a stub is still another shard's");
      }
    }
    assertTrue(owned > 10 && owned < 40, owned + " of 50");
  }

  static FeatureJob job(String namespace, String name) {
    FeatureJob job = new FeatureJob();
    job.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    return job;
  }

  private static Pod driver(String namespace, String job) {
    return new PodBuilder().withNewMetadata().withName(PodNames.driverPod(job, "r1", 1)).withNamespace(namespace)
        .withLabels(Map.of(Labels.JOB, PodNames.jobLabelValue(job), Labels.SPARK_ROLE, Labels.ROLE_DRIVER))
        .addNewOwnerReference().withKind("FeatureJob").withName(job).withUid("u").endOwnerReference()
        .endMetadata().build();
  }

  private static Pod executor(String namespace, String job) {
    return new PodBuilder().withNewMetadata().withName("exec-1").withNamespace(namespace)
        .withLabels(Map.of(Labels.JOB, PodNames.jobLabelValue(job), Labels.SPARK_ROLE, Labels.ROLE_EXECUTOR))
        .addNewOwnerReference().withKind("Pod").withName("driver").withUid("d").endOwnerReference()
        .endMetadata().build();
  }

  private static Pod ownedOnly(String namespace, String job) {
    return new PodBuilder().withNewMetadata().withName("unlabelled").withNamespace(namespace)
        .addNewOwnerReference().withKind("FeatureJob").withName(job).withUid("u").endOwnerReference()
        .endMetadata().build();
  }
}

package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.policy.ShardAssignment;
import io.featurejob.operator.testing.TestJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two operator shards (each its own process, FEATUREJOB_SHARD_COUNT=2, leader election on) on one namespace:
 * every FeatureJob is handled by exactly the shard {@link ShardAssignment} names, none by both, none by
 * neither. Who did what comes from the API server's own records: each process sends its name as User-Agent,
 * which the API server keeps as the field manager of the pods it creates, the status it writes and the events
 * it records; and from each process's /metrics.
 */
@Tag("cluster")
class ShardingOnControlPlaneTest {
  static final int SHARDS = 2;
  static final int JOBS_PER_SHARD = 3;
  static final String LEASE = "featurejob-shards";
  /** After every job succeeded: how long the attribution must keep holding (the jobs stay quiet then). */
  static final Duration WINDOW = Duration.ofSeconds(10);
  static final Path WORK = Path.of("target", "shards");

  private ClusterHarness h;
  private final List<OperatorProcess> shards = new ArrayList<>();

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    shards.forEach(OperatorProcess::close);
  }

  @Test
  void everyJobIsHandledByExactlyOneShard() throws Exception {
    h = ClusterHarness.prepared("shards");
    h.grantLeases();
    for (int i = 0; i < SHARDS; i++) {
      shards.add(OperatorProcess.start("shard-" + i, h, Map.of(
          "FEATUREJOB_SHARD_COUNT", Integer.toString(SHARDS), "FEATUREJOB_SHARD_INDEX", Integer.toString(i),
          "FEATUREJOB_LEADER_ELECTION", "true", "FEATUREJOB_LEADER_ELECTION_NAMESPACE", h.namespace,
          "FEATUREJOB_LEADER_ELECTION_LEASE_NAME", LEASE), WORK.resolve(h.namespace)));
    }
    for (OperatorProcess shard : shards) {
      assertTrue(shard.awaitReady(), shard.name + " exited:\n" + shard.logText());
    }

    // JOBS_PER_SHARD jobs for each shard (the namespace is random, so the names are chosen for it): each fails
    // once, then succeeds, so each shard launches, classifies, retries and records events for its own.
    Map<String, String> expected = new TreeMap<>(); // job -> the process that must handle it
    int[] perShard = new int[SHARDS];
    for (int n = 0; expected.size() < SHARDS * JOBS_PER_SHARD; n++) {
      String job = "job-" + n;
      int shard = ShardAssignment.shardOf(h.namespace, job, SHARDS);
      if (perShard[shard] < JOBS_PER_SHARD) {
        perShard[shard]++;
        expected.put(job, "shard-" + shard);
      }
    }
    for (String job : expected.keySet()) {
      AtomicInteger runs = new AtomicInteger();
      h.kubelet.script(job, (driver, cluster) -> runs.incrementAndGet() == 1
          ? DriverBehaviour.failAfter(Duration.ofMillis(300), 1, TestJobs.TRACEBACK)
          : DriverBehaviour.succeedAfter(Duration.ofMillis(300)));
      h.create(ClusterJobs.job(job, "1s", "2s", 3, 10));
    }

    await("every job succeeded, after one failure").atMost(Duration.ofMinutes(3)).pollInterval(ClusterHarness.POLL)
        .until(() -> expected.keySet().stream().allMatch(j -> h.status(j) != null && h.status(j).lastSuccessTime != null));

    // Over a window of evaluations, not once: a shard that also handled another's jobs would show up as a
    // second writer whenever it acted.
    await("each job written by its own shard only").during(WINDOW).atMost(WINDOW.plusSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertEquals(expected, writers(expected.keySet())));

    for (int i = 0; i < SHARDS; i++) {
      OperatorProcess shard = shards.get(i);
      Lease lease = h.admin.leases().inNamespace(h.namespace).withName(LEASE + "-shard-" + i).get();
      assertTrue(lease.getSpec().getHolderIdentity().startsWith(shard.name + "_"), "each shard leads its own Lease: "
          + lease.getSpec().getHolderIdentity());
      Set<String> own = expected.entrySet().stream().filter(e -> e.getValue().equals(shard.name))
          .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
      String metrics = shard.metrics();
      assertEquals(own, jobsIn(metrics, "featurejob_info{", i), shard.name + ": featurejob_info of its jobs only");
      assertEquals(own, jobsIn(metrics, "featurejob_runs_total{", i), shard.name + " counts runs of its jobs only");
    }
  }

  /**
   * job -> the operator process(es) that created its pods, wrote its status or recorded its events, by the
   * field managers the API server keeps; a job nobody handled maps to "".
   */
  private Map<String, String> writers(Set<String> jobs) {
    Map<String, String> out = new TreeMap<>();
    for (String job : jobs) {
      List<HasMetadata> objects = new ArrayList<>();
      objects.add(h.job(job));
      objects.addAll(h.podsOf(job));
      objects.addAll(h.events(job));
      out.put(job, objects.stream()
          .flatMap(o -> o.getMetadata().getManagedFields() == null ? Stream.empty()
              : o.getMetadata().getManagedFields().stream())
          .map(ManagedFieldsEntry::getManager).filter(m -> m.startsWith("shard-"))
          .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(",")));
    }
    return out;
  }

  /** The jobs with a series of {@code metric} in this scrape; every such series must carry shard="index". */
  private Set<String> jobsIn(String metrics, String metric, int index) {
    Set<String> jobs = new TreeSet<>();
    for (String line : metrics.split("\n")) {
      if (line.startsWith(metric)) {
        assertTrue(line.contains("shard=\"" + index + "\""), line);
        String name = line.replaceFirst(".*[{,]featurejob=\"([^\"]*)\".*", "$1");
        jobs.add(name);
      }
    }
    return jobs;
  }
}

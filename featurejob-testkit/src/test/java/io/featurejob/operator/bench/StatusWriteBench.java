package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What one write costs the API server ({@code BENCH_MIX=status-writes make bench}): kube-apiserver's and etcd's
 * CPU per FeatureJob status write, by the number of history entries the status carries, and per pod create +
 * delete, each measured alone on the otherwise idle control plane (its idle CPU subtracted).
 *
 * <p>What is written is the operator's own output: the operator runs one storm job (no node, so every
 * attempt fails CapacityUnavailable after its 10 s schedulingTimeout) until the job's history is full, and
 * the bench keeps that status (taken while the job backs off) and the first pod the operator created. The operator is then stopped and the
 * bench re-writes that status (its history cut to 0, 5, 10, 20 entries; nextRunTime changed each time so
 * every write reaches etcd), and creates and deletes copies of that pod.
 *
 * <p>-Dbench.writes (1000): writes per row; -Dbench.apiserverPid, -Dbench.etcdPid (hack/bench.sh).
 */
@Tag("bench")
class StatusWriteBench {
  static final int WRITES = Integer.getInteger("bench.writes", 1000);
  static final List<Integer> HISTORY_ENTRIES = List.of(0, 5, 10, 20);
  static final Duration FILL_TIMEOUT = Duration.ofMinutes(15); // 20 attempts of 10 s + 5-20 s: about 10 min seen
  static final Duration IDLE = Duration.ofSeconds(10);

  @Test
  void statusWrites() throws Exception {
    try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build()) {
      String namespace = "bench-status-" + UUID.randomUUID().toString().substring(0, 5);
      StormBench.prepareNamespace(admin, namespace);
      FeatureJob job = StormBench.job("writes");
      job.getSpec().historyLimit = HISTORY_ENTRIES.get(HISTORY_ENTRIES.size() - 1);
      admin.resource(job).inNamespace(namespace).create();

      AtomicReference<Pod> firstPod = new AtomicReference<>();
      FeatureJob written = runUntilFullHistory(admin, namespace, job, pod -> firstPod.compareAndSet(null, pod));
      assertNotNull(firstPod.get(), "the operator created a pod");

      StringBuilder out = new StringBuilder(String.format("status writes: one storm job's status as the operator"
          + " wrote it (history %d entries, %d attempts), re-written %d times per row on the idle control plane;"
          + " kube-apiserver's idle CPU subtracted; load average %s%n%n| write | object bytes (JSON) | kube-apiserver"
          + " ms CPU per write | etcd ms CPU per write | latency ms |%n|---|---|---|---|---|%n",
          written.getStatus().history.size(), written.getStatus().history.get(0).attempt, WRITES,
          StormBench.loadAverage()));
      double idlePerSecond = idleCpuPerSecond();
      for (int entries : HISTORY_ENTRIES) {
        FeatureJob copy = copyWithHistory(admin, namespace, written, entries);
        Cost cost = measure(idlePerSecond, i -> {
          copy.getStatus().nextRunTime = Instant.ofEpochSecond(1_800_000_000L + i).toString();
          FeatureJob stored = admin.resource(copy).inNamespace(namespace).updateStatus();
          copy.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
          assertEquals(entries, stored.getStatus().history.size(), "history entries stored");
        });
        row(out, String.format("PUT featurejobs/status, %d history entries", entries), bytes(copy), cost);
      }
      Pod pod = firstPod.get();
      Cost podCost = measure(idlePerSecond, i -> {
        Pod p = podCopy(pod, "bench-pod-" + i);
        admin.resource(p).inNamespace(namespace).create();
        admin.pods().inNamespace(namespace).withName(p.getMetadata().getName()).withGracePeriod(0).delete();
      });
      row(out, "POST pods + DELETE pods (kube-scheduler's work on the pod included)", bytes(podCopy(pod, "p")),
          podCost);
      out.append(String.format("%nidle: kube-apiserver %.1f ms CPU per second with nothing written%n",
          idlePerSecond * 1000));
      System.out.print(out);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "bench.txt"), out, StandardCharsets.UTF_8);
      admin.namespaces().withName(namespace).delete();
    }
  }

  /**
   * Runs the operator (in this JVM, on {@code namespace} only) on {@code job}, created there already, until the
   * job's history holds its spec.historyLimit entries and it is backing off (no attempt in flight); returns the job as
   * the operator wrote it. {@code podAdded} sees each pod the operator creates.
   */
  static FeatureJob runUntilFullHistory(KubernetesClient admin, String namespace, FeatureJob job,
      Consumer<Pod> podAdded) throws Exception {
    SharedIndexInformer<Pod> pods = admin.pods().inNamespace(namespace).withLabel(Labels.JOB).inform(
        StormBench.onAdd(podAdded));
    FeatureJobOperator operator = FeatureJobOperator.start(admin,
        OperatorConfig.load(StormBench.operatorEnv(namespace, 1, 4)), Clock.systemUTC(), false);
    try {
      Instant deadline = Instant.now().plus(FILL_TIMEOUT);
      while (Instant.now().isBefore(deadline)) {
        // As stored: the API server defaults historyLimit.
        FeatureJob j = admin.resources(FeatureJob.class).inNamespace(namespace).withName(job.getMetadata().getName())
            .get();
        FeatureJobStatus s = j.getStatus();
        if (s != null && s.history != null && s.history.size() >= j.getSpec().historyLimit
            && s.phase == Phase.BackingOff) {
          return j;
        }
        Thread.sleep(2000);
      }
      throw new AssertionError("the job's history was not full in " + FILL_TIMEOUT);
    } finally {
      operator.close();
      pods.close();
    }
  }

  /** A new FeatureJob with {@code written}'s spec and status, the history cut to its newest {@code entries}. */
  static FeatureJob copyWithHistory(KubernetesClient admin, String namespace, FeatureJob written, int entries) {
    FeatureJob copy = Serialization.clone(written);
    copy.setMetadata(new ObjectMetaBuilder().withName("writes-" + entries)
        .withLabels(written.getMetadata().getLabels()).build());
    copy.setStatus(null);
    FeatureJob created = admin.resource(copy).inNamespace(namespace).create();
    created.setStatus(Serialization.clone(written).getStatus());
    created.getStatus().history = new ArrayList<>(created.getStatus().history.subList(0, entries));
    return created;
  }

  static Pod podCopy(Pod pod, String name) {
    Pod p = Serialization.clone(pod);
    p.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(pod.getMetadata().getLabels())
        .withAnnotations(pod.getMetadata().getAnnotations()).build());
    p.setStatus(null);
    p.getSpec().setNodeName(null);
    return p;
  }

  static int bytes(Object o) {
    return Serialization.asJson(o).getBytes(StandardCharsets.UTF_8).length;
  }

  record Cost(double apiserverMs, double etcdMs, double latencyMs) {}

  interface Write {
    void run(int i) throws Exception;
  }

  /** kube-apiserver's CPU seconds per wall second with nothing written (watches, leases, its own loops). */
  static double idleCpuPerSecond() throws Exception {
    double before = StormBench.cpuSeconds(StormBench.APISERVER_PID);
    Thread.sleep(IDLE.toMillis());
    return (StormBench.cpuSeconds(StormBench.APISERVER_PID) - before) / IDLE.toSeconds();
  }

  static Cost measure(double idlePerSecond, Write write) throws Exception {
    write.run(-1); // warm: the first write of a kind pays for caches and connections
    double api = StormBench.cpuSeconds(StormBench.APISERVER_PID);
    double etcd = StormBench.cpuSeconds(StormBench.ETCD_PID);
    long t0 = System.nanoTime();
    for (int i = 0; i < WRITES; i++) {
      write.run(i);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    api = StormBench.cpuSeconds(StormBench.APISERVER_PID) - api - idlePerSecond * seconds;
    etcd = StormBench.cpuSeconds(StormBench.ETCD_PID) - etcd;
    return new Cost(api * 1000 / WRITES, etcd * 1000 / WRITES, seconds * 1000 / WRITES);
  }

  static void row(StringBuilder out, String what, int bytes, Cost c) {
    out.append(String.format("| %s | %d | %.2f | %.2f | %.1f |%n", what, bytes, c.apiserverMs(), c.etcdMs(),
        c.latencyMs()));
  }
}

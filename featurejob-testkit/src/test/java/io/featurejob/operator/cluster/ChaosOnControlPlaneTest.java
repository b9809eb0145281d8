package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.testing.TestJobs;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionEvaluationListener;
import org.awaitility.core.EvaluatedCondition;
import org.awaitility.core.TimeoutEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fault injection on the real control plane: in each scenario a storm of jobs that fail and retry (created
 * in waves, so every fault lands among running and retrying attempts), one kind of fault at random points,
 * then an audit from the API server's own records ({@link ChaosAudit}). The scenarios: the operator stopped
 * and started, kube-apiserver restarted, etcd paused past the clients' request timeouts, a proxy answering
 * a share of the operator's requests with 429/500/timeouts (plus bursts where it answers all of them so),
 * and the leader paused past its lease while a standby takes over. {@code make chaos} runs big storms
 * (-Dfeaturejob.chaos.*) and prints one table; {@code make e2e} runs the small defaults.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosOnControlPlaneTest {
  static final int JOBS = Integer.getInteger("featurejob.chaos.jobs", 4);
  static final int RESTARTS = Integer.getInteger("featurejob.chaos.restarts", 3);
  static final int APISERVER_RESTARTS = Integer.getInteger("featurejob.chaos.apiserverRestarts", 1);
  static final int ETCD_PAUSES = Integer.getInteger("featurejob.chaos.etcdPauses", 1);
  /** Longer than fabric8's request timeout (10 s), the operator's and the kubelet's. */
  static final Duration ETCD_PAUSE = Duration.ofSeconds(Integer.getInteger("featurejob.chaos.etcdPauseSeconds", 15));
  static final double PROXY_SHARE = Double.parseDouble(System.getProperty("featurejob.chaos.proxyShare", "0.2"));
  static final int PROXY_BURSTS = Integer.getInteger("featurejob.chaos.proxyBursts", 1);
  /** Longer than fabric8's own retries of 429/5xx (10 retries, 100 ms doubling to 3.2 s: ~20 s). */
  static final Duration PROXY_BURST = Duration.ofSeconds(Integer.getInteger("featurejob.chaos.proxyBurstSeconds", 30));
  static final int LEADER_PAUSES = Integer.getInteger("featurejob.chaos.leaderPauses", 1);
  static final long SEED = Long.getLong("featurejob.chaos.seed", 1);
  /** The storm's drivers fail with the example traceback, which classifies as UserCodeError. */
  static final FailureClass SCRIPTED = FailureClass.UserCodeError;
  static final String LEASE = "featurejob-chaos";
  static final Duration SETTLE = Duration.ofMinutes(5);
  static final Path WORK = Path.of("target", "chaos");

  private static final List<ChaosAudit.Row> ROWS = new ArrayList<>();

  private ClusterHarness h;
  private FaultProxy proxy;
  private final List<OperatorProcess> replicas = new ArrayList<>();

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.inject(0); // the operator removes its finalizers through it
    }
    if (h != null) {
      h.close();
    }
    replicas.forEach(OperatorProcess::close);
    if (proxy != null) {
      proxy.close();
    }
  }

  @AfterAll
  static void printTable() {
    String table = ChaosAudit.table(ROWS);
    System.out.println("chaos (jobs " + JOBS + ", seed " + SEED + "):\n" + table);
    ChaosAudit.write(WORK.resolve("table.md"), table);
  }

  /**
   * The operator (its own process) killed with SIGKILL at random points of its work and started again, as a
   * node's OOM killer or a force-deleted pod does: no shutdown hook, requests cut mid-flight.
   */
  @Test
  @Order(1)
  void operatorKilledAtRandomPoints() throws Exception {
    h = ClusterHarness.prepared("chaos");
    Random random = new Random(SEED);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger exitedAtStart = new AtomicInteger();
    readyReplica(started, exitedAtStart);
    Storm storm = new Storm(random);
    storm.run(RESTARTS, e -> {
      OperatorProcess killed = replicas.remove(0);
      killed.kill();
      readyReplica(started, exitedAtStart); // the storm's next pause places the next kill in its work
    });
    record("operator SIGKILLed and restarted x" + RESTARTS, storm, RESTARTS + " kills"
        + (exitedAtStart.get() > 0 ? ", " + exitedAtStart + " exits at start-up" : ""));
  }

  @Test
  @Order(2)
  void apiServerRestartedMidStorm() throws Exception {
    LocalControlPlane plane = localControlPlane();
    h = ClusterHarness.start("chaos-apiserver");
    Storm storm = new Storm(new Random(SEED + 1));
    storm.run(APISERVER_RESTARTS, e -> plane.restartApiServer());
    record("kube-apiserver restarted x" + APISERVER_RESTARTS, storm, APISERVER_RESTARTS + " restarts");
  }

  @Test
  @Order(3)
  void etcdPausedPastRequestTimeouts() throws Exception {
    LocalControlPlane plane = localControlPlane();
    h = ClusterHarness.start("chaos-etcd");
    Storm storm = new Storm(new Random(SEED + 2));
    storm.run(ETCD_PAUSES, e -> {
      plane.pauseEtcd();
      try {
        Thread.sleep(ETCD_PAUSE.toMillis());
      } finally {
        plane.resumeEtcd();
      }
    });
    record("etcd paused " + ETCD_PAUSE.toSeconds() + " s x" + ETCD_PAUSES, storm,
        ETCD_PAUSES + " pauses");
  }

  /**
   * 429, 500 and timeouts on {@code PROXY_SHARE} of the operator's requests for the whole storm, and bursts
   * where every request fails so, long enough to exhaust the HTTP client's own retries: the operator must
   * treat them as transient (retry without counting a failure, no ConfigError, no ReconcileError) and
   * settle the storm within minutes of the last burst, not at JOSDK's 10 h default interval.
   */
  @Test
  @Order(4)
  void faultsOnAShareOfTheOperatorsRequests() throws Exception {
    LocalControlPlane plane = localControlPlane();
    h = ClusterHarness.prepared("chaos-proxy");
    proxy = FaultProxy.start(plane.pki(), WORK.resolve("proxy"), URI.create(h.admin.getConfiguration().getMasterUrl()),
        SEED + 3);
    h.routeOperatorThrough(proxy.url());
    h.startOperator(); // faults from the first reconcile on, not during start-up (that exits: informers)
    proxy.inject(PROXY_SHARE);
    Storm storm = new Storm(new Random(SEED + 3));
    storm.run(PROXY_BURSTS, e -> {
      proxy.inject(1);
      Thread.sleep(PROXY_BURST.toMillis());
      proxy.inject(PROXY_SHARE);
    });
    assertTrue(proxy.injectedTotal() > 0 && proxy.forwarded() > 0, "the proxy carried the operator's requests");
    record("proxy: 429/500/timeout on " + Math.round(PROXY_SHARE * 100) + "% + " + PROXY_BURSTS + " bursts of "
        + PROXY_BURST.toSeconds() + " s", storm, "429: " + proxy.injected(FaultProxy.Fault.TOO_MANY_REQUESTS)
        + ", 500: " + proxy.injected(FaultProxy.Fault.INTERNAL_ERROR) + ", timeout: "
        + proxy.injected(FaultProxy.Fault.TIMEOUT) + " of " + (proxy.forwarded() + proxy.injectedTotal()));
  }

  /**
   * Two replicas (processes) with leader election; the leader is frozen with SIGSTOP until the standby holds
   * the Lease and works, then SIGCONT: the old leader must step down (exit, to be restarted as a standby) and
   * none of its writes after the takeover may have been accepted (the API server's field managers say who
   * wrote what last, and when).
   */
  @Test
  @Order(5)
  void leaderPausedPastItsLeaseWhileAStandbyTakesOver() throws Exception {
    h = ClusterHarness.prepared("chaos-leader");
    h.grantLeases();
    AtomicInteger started = new AtomicInteger();
    OperatorProcess first = replica(started);
    await("the first replica leads").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> holder().startsWith(first.name + "_"));
    replica(started);
    Map<String, Instant> takeovers = new HashMap<>();
    Random random = new Random(SEED + 4);
    Storm storm = new Storm(random);
    storm.run(LEADER_PAUSES, e -> {
      String holder = holder();
      OperatorProcess leader = replicas.stream().filter(r -> holder.startsWith(r.name + "_")).findFirst().orElseThrow();
      OperatorProcess standby = replicas.stream().filter(r -> r != leader).findFirst().orElseThrow();
      leader.pause();
      await(standby.name + " takes over").atMost(Duration.ofSeconds(90)).pollInterval(ClusterHarness.POLL)
          .until(() -> holder().startsWith(standby.name + "_"));
      takeovers.put(leader.name, lease().getSpec().getAcquireTime().toInstant());
      Thread.sleep(1000 + random.nextInt(4000)); // the new leader works while the old one is frozen
      leader.resume();
      if (!leader.exited(Duration.ofSeconds(60))) {
        throw new AssertionError(leader.name + " steps down after SIGCONT:\n" + leader.logText() + "\n"
            + leader.threadDump());
      }
      // FreezeGuard when it wakes first after the thaw (before any request), else the Lease elector
      assertTrue(leader.logText().contains("frozen for") || leader.logText().contains("lost the Lease"),
          leader.name + " says why it exits");
      replicas.remove(leader);
      replica(started); // Kubernetes restarts the container: a new standby
    });
    List<HasMetadata> written = new ArrayList<>(storm.jobs.stream().map(h::job).toList());
    written.addAll(h.admin.pods().inNamespace(h.namespace).list().getItems());
    written.add(lease());
    int stale = ChaosAudit.staleWrites(written, takeovers);
    record("leader paused past its lease x" + LEADER_PAUSES, storm, LEADER_PAUSES + " pauses", stale);
  }

  // ------------------------------------------------------------------ the storm

  /** What one fault event does (e = 0, 1, ...). */
  interface Fault {
    void inject(int e) throws Exception;
  }

  /** Jobs that fail 1-3 times (the example traceback), then succeed; back-offs of 1-2 s. */
  private final class Storm {
    final Random random;
    final List<String> jobs = new ArrayList<>();
    long started;
    long seconds;
    /** From the end of the last fault until every job succeeded: no stall waiting for a far-off resync. */
    long settledAfterFault;

    Storm(Random random) {
      this.random = random;
    }

    /**
     * Before each of the {@code events} faults a wave of new jobs (JOBS in all) and a random pause that places
     * the fault among their runs and retries; then waits until every job succeeded.
     */
    void run(int events, Fault fault) throws Exception {
      started = System.nanoTime();
      for (int e = 0; e < events; e++) {
        int wave = JOBS * (e + 1) / events - JOBS * e / events;
        for (int i = 0; i < wave; i++) {
          add();
        }
        Thread.sleep(500 + random.nextInt(2500)); // places the fault; no assertion follows it
        fault.inject(e);
      }
      long lastFault = System.nanoTime();
      while (jobs.size() < JOBS) {
        add();
      }
      await("every job succeeded").atMost(SETTLE).pollInterval(ClusterHarness.POLL)
          .conditionEvaluationListener(new ConditionEvaluationListener<Boolean>() {
            @Override
            public void conditionEvaluated(EvaluatedCondition<Boolean> condition) {}

            @Override
            public void onTimeout(TimeoutEvent timeout) {
              System.out.println("chaos: not settled: " + unsettled()); // what the timeout alone would not say
            }
          })
          .until(() -> jobs.stream().allMatch(j -> h.status(j) != null && h.status(j).lastSuccessTime != null));
      seconds = (System.nanoTime() - started) / 1_000_000_000L;
      settledAfterFault = (System.nanoTime() - lastFault) / 1_000_000_000L;
    }

    /** Each job without a success yet: its phase, attempt and failures so far. */
    private List<String> unsettled() {
      List<String> out = new ArrayList<>();
      for (String job : jobs) {
        FeatureJobStatus s = h.status(job);
        if (s == null || s.lastSuccessTime == null) {
          out.add(job + (s == null ? ": no status" : ": " + s.phase + ", attempt "
              + (s.currentAttempt == null ? "none" : s.currentAttempt.attempt + " started " + s.currentAttempt.startTime)
              + ", " + s.consecutiveFailures + " failures, next run " + s.nextRunTime));
        }
      }
      return out;
    }

    private void add() {
      String job = "chaos-" + jobs.size();
      int failures = 1 + jobs.size() % 3;
      AtomicInteger runs = new AtomicInteger();
      DriverScript script = (driver, cluster) -> runs.incrementAndGet() <= failures
          ? DriverBehaviour.failAfter(Duration.ofMillis(200 + random.nextInt(800)), 1, TestJobs.TRACEBACK)
          : DriverBehaviour.succeedAfter(Duration.ofMillis(200 + random.nextInt(800)));
      h.kubelet.script(job, script);
      FeatureJob featureJob = ClusterJobs.job(job, "1s", "2s", 3, 10);
      featureJob.getSpec().historyLimit = 100; // every attempt stays in history for the audit
      h.create(featureJob);
      jobs.add(job);
    }
  }

  private void record(String scenario, Storm storm, String faults) {
    record(scenario, storm, faults, null);
  }

  /**
   * Audits (every job has succeeded and its next run is a year away: the records are quiet), adds the row,
   * fails on any non-zero count. The operator keeps running, to remove its finalizers at clean-up.
   */
  private void record(String scenario, Storm storm, String faults, Integer staleWrites) {
    Map<String, Integer> counts = new LinkedHashMap<>(ChaosAudit.audit(h, storm.jobs, SCRIPTED));
    counts.put(ChaosAudit.STALE_WRITES, staleWrites);
    counts.put(ChaosAudit.ERROR_EVENTS, storm.jobs.stream()
        .mapToInt(j -> h.eventCount(j, EventReason.ReconcileError)).sum());
    ChaosAudit.Row row = new ChaosAudit.Row(scenario, counts, faults, storm.seconds, storm.settledAfterFault);
    ROWS.add(row);
    System.out.println("chaos: " + row);
    assertEquals(Map.of(), row.nonZero(), scenario);
  }

  private LocalControlPlane localControlPlane() {
    var plane = LocalControlPlane.find();
    Assumptions.assumeTrue(plane.isPresent(),
        "needs the local control plane of hack/cluster.sh (make e2e / make chaos), not a cluster of KUBECONFIG");
    return plane.get();
  }

  // ------------------------------------------------------------------ leader election

  /**
   * A replica without leader election, once ready. One that exits before it is ready (its informers could
   * not list in time) is started again, as Kubernetes restarts a container; counted, and its log printed.
   */
  private void readyReplica(AtomicInteger started, AtomicInteger exitedAtStart) {
    for (int tries = 0; tries < 3; tries++) {
      OperatorProcess replica = replica(started, Map.of());
      if (replica.awaitReady()) {
        return;
      }
      exitedAtStart.incrementAndGet();
      replicas.remove(replica);
      System.out.println(replica.name + " exited at start-up:\n" + replica.logText());
    }
    throw new AssertionError("the operator exited at start-up 3 times in a row");
  }

  /** A replica with leader election on a Lease in the test's namespace. */
  private OperatorProcess replica(AtomicInteger started) {
    return replica(started, Map.of("FEATUREJOB_LEADER_ELECTION", "true",
        "FEATUREJOB_LEADER_ELECTION_NAMESPACE", h.namespace, "FEATUREJOB_LEADER_ELECTION_LEASE_NAME", LEASE));
  }

  private OperatorProcess replica(AtomicInteger started, Map<String, String> settings) {
    OperatorProcess replica = OperatorProcess.start("chaos-replica-" + started.incrementAndGet(), h, settings,
        WORK.resolve(h.namespace));
    replicas.add(replica);
    return replica;
  }

  private Lease lease() {
    return h.admin.leases().inNamespace(h.namespace).withName(LEASE).get();
  }

  private String holder() {
    Lease lease = lease();
    String holder = lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    return holder == null ? "" : holder;
  }
}

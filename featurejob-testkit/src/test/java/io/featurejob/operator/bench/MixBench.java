package io.featurejob.operator.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.demo.BenchKubelet;
import io.featurejob.operator.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The success-heavy mix of issue 15 on a real API server (`BENCH_MIX=success make bench`): N FeatureJobs
 * on the fastest schedule there is ({@value #SCHEDULE}), then N CronJobs with the same schedule run by
 * kube-controller-manager's cronjob-controller and job-controller, one side at a time on the same API server.
 *
 * <p>Both sides' pods run on the same node layer ({@link BenchKubelet}): kube-scheduler binds them to one
 * Node, a kubelet in this JVM writes a real kubelet's statuses, the container runs {@link #RUN} and exits 0,
 * or for {@link #FAIL_PERCENT}% of the pods its node shuts down (a transient failure: both retry).
 *
 * <p>Each side: its N objects created, their first pods awaited, a warm-up of -Dbench.warmup seconds, then
 * a window of whole minutes (-Dbench.seconds rounded up) from a tick of the schedule. Figures: pods created
 * in the window, API requests per pod (the operator's from its counting client, the controllers' from the
 * audit log by their ServiceAccounts), schedule lateness (the scheduled instant to the run's first pod at
 * this JVM's watch) for the runs scheduled in the window, memory and CPU. Asserts counts only.
 */
@Tag("bench")
class MixBench {
  static final int JOBS = StormBench.JOBS;
  /** Cron's finest: every minute (the CronJob controller's too). */
  static final String SCHEDULE = "* * * * *";
  static final Duration RUN = Duration.ofSeconds(Long.getLong("bench.runSeconds", 10));
  static final int FAIL_PERCENT = Integer.getInteger("bench.failPercent", 5);
  static final Duration WINDOW = ScheduledRuns.wholeMinutes(StormBench.SECONDS);
  /** How long after the window the first pods of its last tick's runs are waited for. */
  static final Duration STRAGGLERS = Duration.ofMinutes(2);
  /**
   * Finished runs kept, with their pods: the CronJob's successfulJobsHistoryLimit default, and the
   * FeatureJobs' historyLimit (attempts) set to match, so both sides delete old pods in the window.
   */
  static final int HISTORY = 3;
  static final String CRONJOB_CONTROLLER = "system:serviceaccount:kube-system:cronjob-controller";
  /** Deletes the pods of the Jobs the CronJob controller trims from its history (counted in the bench's namespace). */
  static final String GARBAGE_COLLECTOR = "system:serviceaccount:kube-system:generic-garbage-collector";
  /**
   * Status writes per pod: the launch recorded before its pod, then its outcome (success, or a failure and
   * later the retry's launch): 2; a little slack for conflicts.
   */
  static final double MAX_STATUS_PER_POD = 2.2;

  /** One side's figures: the storm's (requests, memory, CPU, load) and the mix's own. */
  static final class Side {
    final StormBench.Figures f = new StormBench.Figures();
    final Latencies lateness = new Latencies();
    final Set<String> jobsRun = ConcurrentHashMap.newKeySet();
    final Map<String, Long> recorded = new ConcurrentHashMap<>();
    final Map<String, Long> byUser = new TreeMap<>();
    volatile Instant from = Instant.MAX;
    volatile Instant to = Instant.MAX;
    long succeeded;
    long failed;
    double cpuKcm = -1;

    boolean inWindow(Instant t) {
      return t != null && !t.isBefore(from) && t.isBefore(to);
    }

    /** A pod of {@code job} arrived at this JVM's watch; {@code scheduled}: its run's instant if it is the run's first pod. */
    void arrived(String job, Instant at, Instant scheduled) {
      if (inWindow(at)) {
        jobsRun.add(job);
      }
      if (inWindow(scheduled)) {
        lateness.add(Duration.between(scheduled, at));
      }
    }

    long expectedRuns() {
      return (long) JOBS * WINDOW.toMinutes();
    }
  }

  @Test
  void successHeavyMix() throws Exception {
    try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build()) {
      BenchKubelet.registerNode(admin);
      try {
        Side operator = operatorRun(admin);
        String so = table(operator, null); // so far: a peer run that fails does not lose this one
        System.out.print(so);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "bench.txt"), so);
        Path audit = StormBench.AUDIT.isEmpty() ? null : Path.of(StormBench.AUDIT);
        Side peer = audit != null && Files.exists(audit) ? cronJobRun(admin, audit) : null;
        String table = table(operator, peer);
        System.out.println(table);
        Files.writeString(Path.of("target", "bench.txt"), table);
        check(operator, peer, table);
      } finally {
        BenchKubelet.removeNode(admin);
      }
    }
  }

  /**
   * Counts that hold whatever the load: every job ran in the window; every failure the node layer made was
   * recorded as a transient class; at most {@link #MAX_STATUS_PER_POD} status writes per pod; each job's
   * executor template written once (transient failures never rewrite it); the peer created pods.
   */
  static void check(Side op, Side peer, String table) {
    if (op.jobsRun.size() < JOBS) {
      throw new AssertionError(op.jobsRun.size() + " of " + JOBS + " FeatureJobs ran in the window\n" + table);
    }
    long notTransient = op.recorded.entrySet().stream().filter(e -> e.getKey().startsWith("failure")
        && !e.getKey().endsWith("(transient)")).mapToLong(Map.Entry::getValue).sum();
    if (notTransient > 0) {
      throw new AssertionError(notTransient + " failures recorded as a non-transient class\n" + table);
    }
    if (op.recorded.getOrDefault("success", 0L) == 0) {
      throw new AssertionError("the operator recorded no success in the window\n" + table);
    }
    double statusPerPod = StormBench.per(op.f.steady.getOrDefault("PUT featurejobs/status", 0L), op.f.attempts);
    if (statusPerPod > MAX_STATUS_PER_POD) {
      throw new AssertionError(String.format("%.2f status writes per pod > %.2f%n%s", statusPerPod,
          MAX_STATUS_PER_POD, table));
    }
    long templateWrites = StormBench.templateWrites(op.f.whole);
    if (templateWrites > JOBS) {
      throw new AssertionError(templateWrites + " template writes for " + JOBS + " jobs > 1 per job\n" + table);
    }
    if (peer != null && peer.f.attempts == 0) {
      throw new AssertionError("the Job controller created no pod in the window: are cronjob-controller and"
          + " job-controller running?\n" + table);
    }
  }

  // ------------------------------------------------------------------------------------------ operator

  Side operatorRun(KubernetesClient admin) throws Exception {
    Side s = new Side();
    String namespace = "bench-mix-op-" + UUID.randomUUID().toString().substring(0, 5);
    StormBench.prepareNamespace(admin, namespace);
    Map<String, Instant> created = new ConcurrentHashMap<>();
    Map<String, Instant> firstPod = new ConcurrentHashMap<>();
    SharedIndexInformer<Pod> pods = admin.pods().inNamespace(namespace).inform(StormBench.onAdd(pod -> {
      String job = label(pod, Labels.JOB);
      if (job != null) {
        Instant now = Instant.now();
        firstPod.putIfAbsent(job, now);
        s.arrived(job, now, ScheduledRuns.featureJobScheduledAt(pod));
      }
    }));
    SharedIndexInformer<FeatureJob> jobs = admin.resources(FeatureJob.class).inNamespace(namespace)
        .inform(onUpdate((before, after) -> recordOutcome(s, before.getStatus(), after.getStatus())));
    BenchKubelet kubelet = new BenchKubelet(admin, namespace, RUN, FAIL_PERCENT).start();
    long heapBefore = StormBench.heapAfterGc();
    long rssBefore = StormBench.rssBytes("self");
    RequestCounter counter = new RequestCounter();
    KubernetesClient counted = new KubernetesClientBuilder().withConfig(admin.getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("bench-requests", counter)).build();
    Map<String, String> env = StormBench.operatorEnv(namespace, 1, StormBench.THREADS.get(0));
    env.put("FEATUREJOB_SHARD_INDEX", "0");
    FeatureJobOperator operator = FeatureJobOperator.start(counted, OperatorConfig.load(env), Clock.systemUTC(), false);
    try {
      s.f.loadStart = StormBench.loadAverage();
      Instant t0 = StormBench.createAll(created, name -> admin.resource(job(name)).inNamespace(namespace).create());
      StormBench.awaitCount(firstPod, t0);
      s.f.cold = counter.snapshot();
      double[] cpu = startWindow(s, kubelet, "self");
      Map<String, Long> atStart = counter.snapshot();
      sleepUntil(s.to);
      Map<String, Long> atEnd = counter.snapshot();
      endWindow(s, kubelet, "self", cpu);
      s.f.whole = atEnd;
      s.f.steady = StormBench.minus(atEnd, atStart);
      s.f.attempts = s.f.steady.getOrDefault("POST pods", 0L);
      awaitStragglers(s);
      long heapWithOperator = StormBench.heapAfterGc(); // just before the close: the two readings differ by it
      s.f.heapDelta = heapWithOperator - heapBefore;
      s.f.rssDelta = StormBench.rssBytes("self") - rssBefore;
      operator.close();
      s.f.operatorHeap = heapWithOperator - StormBench.settledHeapAfterGc();
    } finally {
      operator.close();
      counted.close();
      jobs.close();
      tearDown(admin, namespace, kubelet, pods);
    }
    return s;
  }

  static FeatureJob job(String name) {
    FeatureJob job = TestJobs.job(name, "10s", "6m", 3, 1000); // 10 s: the Job controller's first back-off
    job.getSpec().schedule = SCHEDULE;
    job.getSpec().historyLimit = HISTORY; // pods beyond it are deleted each run, as the CronJob's Jobs are
    return job;
  }

  /** A success or a failure the operator recorded in the window, the failure by its class. */
  static void recordOutcome(Side s, FeatureJobStatus before, FeatureJobStatus after) {
    if (after == null || !s.inWindow(Instant.now())) {
      return;
    }
    if (after.lastSuccessTime != null
        && !after.lastSuccessTime.equals(before == null ? null : before.lastSuccessTime)) {
      s.recorded.merge("success", 1L, Long::sum);
    }
    String failedBefore = before == null || before.lastFailure == null ? null : before.lastFailure.time;
    if (after.lastFailure != null && after.lastFailure.time != null && !after.lastFailure.time.equals(failedBefore)) {
      String key = "failure " + after.lastFailure.failureClass
          + (Boolean.TRUE.equals(after.lastFailure.transientFailure) ? " (transient)" : "");
      s.recorded.merge(key, 1L, Long::sum);
    }
  }

  // ------------------------------------------------------------------------------- CronJob controller

  Side cronJobRun(KubernetesClient admin, Path audit) throws Exception {
    Side s = new Side();
    String namespace = "bench-mix-jc-" + UUID.randomUUID().toString().substring(0, 5);
    StormBench.prepareNamespace(admin, namespace);
    Map<String, Instant> created = new ConcurrentHashMap<>();
    Map<String, Instant> firstPod = new ConcurrentHashMap<>();
    Set<String> runsSeen = ConcurrentHashMap.newKeySet();
    SharedIndexInformer<Pod> pods = admin.pods().inNamespace(namespace).inform(StormBench.onAdd(pod -> {
      String run = label(pod, ScheduledRuns.JOB_NAME);
      Instant scheduled = ScheduledRuns.cronJobScheduledAt(run);
      if (scheduled != null) {
        String job = run.substring(0, run.lastIndexOf('-'));
        Instant now = Instant.now();
        firstPod.putIfAbsent(job, now);
        s.arrived(job, now, runsSeen.add(run) ? scheduled : null);
      }
    }));
    BenchKubelet kubelet = new BenchKubelet(admin, namespace, RUN, FAIL_PERCENT).start();
    long rssBefore = StormBench.rssBytes(StormBench.KCM_PID);
    try {
      s.f.loadStart = StormBench.loadAverage();
      Instant t0 = StormBench.createAll(created,
          name -> admin.batch().v1().cronjobs().inNamespace(namespace).resource(cronJob(name)).create());
      StormBench.awaitCount(firstPod, t0);
      Instant coldEnd = Instant.now();
      double[] cpu = startWindow(s, kubelet, "self");
      sleepUntil(s.to);
      endWindow(s, kubelet, "self", cpu);
      s.f.rssDelta = StormBench.KCM_PID.isEmpty() ? -1 : StormBench.rssBytes(StormBench.KCM_PID) - rssBefore;
      awaitStragglers(s); // also lets requests in flight at the window's end reach the audit log
      s.f.cold = controllers(audit, namespace, t0, coldEnd, null);
      s.f.steady = controllers(audit, namespace, s.from, s.to, s.byUser);
      s.f.attempts = s.f.steady.getOrDefault("POST pods", 0L);
    } finally {
      tearDown(admin, namespace, kubelet, pods);
    }
    return s;
  }

  static CronJob cronJob(String name) {
    Map<String, Quantity> requests = Map.of("cpu", new Quantity("1"), "memory", new Quantity("1408Mi"));
    return new CronJobBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withSchedule(SCHEDULE).withConcurrencyPolicy("Forbid") // one run at a time, as a FeatureJob
        .withNewJobTemplate().withNewSpec().withBackoffLimit(6)
        .withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("featurejob.invalid/bench:0")
        .withNewResources().withRequests(requests).endResources().endContainer()
        .endSpec().endTemplate().endSpec().endJobTemplate().endSpec().build();
  }

  /**
   * The requests of the CronJob controller, the Job controller and (in the bench's namespace) the garbage
   * collector, which deletes the pods of the Jobs the CronJob controller trims from its history; their
   * totals per user go to {@code byUser} when given.
   */
  static Map<String, Long> controllers(Path audit, String namespace, Instant from, Instant to,
      Map<String, Long> byUser) throws Exception {
    Map<String, Long> all = new TreeMap<>();
    for (String user : List.of(CRONJOB_CONTROLLER, StormBench.JOB_CONTROLLER, GARBAGE_COLLECTOR)) {
      Map<String, Long> counts = AuditLog.count(audit, user, user.equals(GARBAGE_COLLECTOR) ? namespace : null,
          from, to);
      counts.forEach((k, v) -> all.merge(k, v, Long::sum));
      if (byUser != null) {
        byUser.put(user.substring(user.lastIndexOf(':') + 1),
            counts.values().stream().mapToLong(Long::longValue).sum());
      }
    }
    return all;
  }

  // ---------------------------------------------------------------------------------------- the window

  /** After the warm-up, waits for the next tick and opens the window there; returns the CPU readings at its start. */
  static double[] startWindow(Side s, BenchKubelet kubelet, String selfPid) throws Exception {
    Thread.sleep(Duration.ofSeconds(StormBench.WARMUP).toMillis());
    Instant from = ScheduledRuns.nextMinute(Instant.now());
    sleepUntil(from);
    s.from = from;
    s.to = from.plus(WINDOW);
    s.succeeded = -kubelet.succeeded();
    s.failed = -kubelet.failed();
    return cpu(selfPid);
  }

  static void endWindow(Side s, BenchKubelet kubelet, String selfPid, double[] atStart) throws Exception {
    double[] atEnd = cpu(selfPid);
    s.f.cpuSelf = atEnd[0] - atStart[0];
    s.f.cpuApiserver = atStart[1] < 0 ? -1 : atEnd[1] - atStart[1];
    s.f.cpuEtcd = atStart[2] < 0 ? -1 : atEnd[2] - atStart[2];
    s.cpuKcm = atStart[3] < 0 ? -1 : atEnd[3] - atStart[3];
    s.succeeded += kubelet.succeeded();
    s.failed += kubelet.failed();
    s.f.loadEnd = StormBench.loadAverage();
  }

  private static double[] cpu(String selfPid) throws Exception {
    return new double[] {StormBench.cpuSeconds(selfPid), StormBench.cpuSeconds(StormBench.APISERVER_PID),
        StormBench.cpuSeconds(StormBench.ETCD_PID), StormBench.cpuSeconds(StormBench.KCM_PID)};
  }

  /** The runs of the window's last ticks may start after it: wait for them (bounded) so lateness includes them. */
  static void awaitStragglers(Side s) throws InterruptedException {
    Instant deadline = s.to.plus(STRAGGLERS);
    while (s.lateness.count() < s.expectedRuns() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    Thread.sleep(2000); // requests in flight at the window's end reach the audit log
  }

  static void sleepUntil(Instant t) throws InterruptedException {
    long millis = Duration.between(Instant.now(), t).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  /**
   * Deletes the namespace, whose running pods the kubelet here confirms for up to a minute. A request that
   * fails (a loaded API server times out) is reported, not thrown: the side's figures are already taken.
   * (A delete of all pods first, with no grace, timed out at 1,000 jobs with load average 25 and lost the
   * CronJob side's table.)
   */
  static void tearDown(KubernetesClient admin, String namespace, BenchKubelet kubelet, SharedIndexInformer<Pod> pods)
      throws InterruptedException {
    pods.close();
    try {
      admin.namespaces().withName(namespace).delete();
      Instant deadline = Instant.now().plusSeconds(60);
      while (admin.namespaces().withName(namespace).get() != null && Instant.now().isBefore(deadline)) {
        Thread.sleep(1000);
      }
    } catch (KubernetesClientException e) {
      System.err.println("tearing down " + namespace + ": " + e.getMessage());
    }
    kubelet.close();
  }

  // -------------------------------------------------------------------------------------------- table

  static String table(Side op, Side peer) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("success-heavy mix: %d jobs on \"%s\", each pod runs %d s, %d%% end in a node shutdown;"
        + " %d s warm-up, then %d min measured from a tick%n", JOBS, SCHEDULE, RUN.toSeconds(), FAIL_PERCENT,
        StormBench.WARMUP, WINDOW.toMinutes()));
    out.append(String.format("load average (1, 5, 15 min): operator run %s -> %s%s%n", op.f.loadStart, op.f.loadEnd,
        peer == null ? "" : "; CronJob run " + peer.f.loadStart + " -> " + peer.f.loadEnd));
    out.append("\n| figure | operator | CronJob + Job controllers | operator / controllers |\n|---|---|---|---|\n");
    row(out, "pods created in the window", op.f.attempts, peer, p -> p.f.attempts, "");
    row(out, "jobs with a pod in the window (of " + JOBS + ")", op.jobsRun.size(), peer, p -> p.jobsRun.size(), "");
    row(out, "runs scheduled in the window that started (of " + op.expectedRuns() + ")", op.lateness.count(), peer,
        p -> p.lateness.count(), "");
    row(out, "pods the node layer ended in the window: exit 0 / node shutdown", op.succeeded + " / " + op.failed,
        peer, p -> p.succeeded + " / " + p.failed, "");
    double opPer = StormBench.per(op.f.total(op.f.steady), op.f.attempts);
    double peerPer = peer == null ? Double.NaN : StormBench.per(peer.f.total(peer.f.steady), peer.f.attempts);
    row(out, "API requests per pod", StormBench.fmt(opPer), peer, p -> StormBench.fmt(peerPer),
        StormBench.ratio(opPer, peerPer));
    row(out, "of which status writes", StormBench.fmt(statusWrites(op)), peer,
        p -> StormBench.fmt(statusWrites(p)), "");
    row(out, "of which events", StormBench.fmt(StormBench.per(op.f.events(), op.f.attempts)), peer,
        p -> StormBench.fmt(StormBench.per(p.f.events(), p.f.attempts)), "");
    row(out, "schedule lateness p50 / p99 (scheduled instant -> first pod at this JVM)", op.lateness.p50p99(), peer,
        p -> p.lateness.p50p99(), StormBench.ratio(op.lateness.seconds(99), peer == null ? Double.NaN
            : peer.lateness.seconds(99)) + (peer == null ? "" : " (p99)"));
    row(out, "outcomes the operator recorded in the window", new TreeMap<>(op.recorded), peer, p -> "—", "");
    row(out, "memory growth: operator heap after GC / RSS (bench JVM); kube-controller-manager RSS",
        StormBench.mib(op.f.heapDelta) + " / " + StormBench.mib(op.f.rssDelta), peer,
        p -> "RSS " + StormBench.mib(p.f.rssDelta), "");
    row(out, "the operator's own heap after GC (running minus stopped)", StormBench.mib(op.f.operatorHeap), peer,
        p -> "—", "");
    row(out, "CPU in the window, cores: bench JVM (operator + node layer) / kube-apiserver / etcd / kube-controller-manager",
        cpuText(op), peer, MixBench::cpuText, "");
    if (peer != null) {
      row(out, "requests in the window by controller", "—", peer, p -> p.byUser.toString(), "");
    }
    out.append("\nnode layer: one Node bound by kube-scheduler, a kubelet in the benchmark JVM writing a real"
        + " kubelet's statuses (BenchKubelet); the same for both sides\n");
    StormBench.breakdown(out, "operator", op.f);
    if (peer != null) {
      StormBench.breakdown(out, "CronJob + Job controllers, garbage collector (audit log)", peer.f);
    }
    return out.toString();
  }

  private static double statusWrites(Side s) {
    long writes = s.f.steady.entrySet().stream().filter(e -> e.getKey().endsWith("/status"))
        .mapToLong(Map.Entry::getValue).sum();
    return StormBench.per(writes, s.f.attempts);
  }

  private static String cpuText(Side s) {
    double seconds = WINDOW.toSeconds();
    return String.format("%s / %s / %s / %s", cores(s.f.cpuSelf, seconds), cores(s.f.cpuApiserver, seconds),
        cores(s.f.cpuEtcd, seconds), cores(s.cpuKcm, seconds));
  }

  private static String cores(double cpuSeconds, double seconds) {
    return cpuSeconds < 0 ? "n/a" : String.format("%.2f", cpuSeconds / seconds);
  }

  private static void row(StringBuilder out, String figure, Object op, Side peer,
      java.util.function.Function<Side, Object> ofPeer, String ratio) {
    StormBench.row(out, figure, op, peer == null ? "n/a" : ofPeer.apply(peer), peer == null ? "" : ratio);
  }

  private static String label(Pod pod, String key) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  static <T> ResourceEventHandler<T> onUpdate(java.util.function.BiConsumer<T, T> updated) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {}

      @Override
      public void onUpdate(T oldObj, T newObj) {
        updated.accept(oldObj, newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }
}

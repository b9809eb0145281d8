package io.featurejob.operator.bench;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.metrics.ScrapedSample;
import io.featurejob.operator.testing.TestJobs;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The spot-shortage storm of issue 15 on a real API server (`make bench`), the operator first and then
 * the Kubernetes Job controller on the same API server.
 *
 * <p>Operator: N FeatureJobs, kube-scheduler but no node, so every attempt stays Unschedulable, fails
 * CapacityUnavailable after its 10 s schedulingTimeout and is retried after its 5-20 s back-off. The
 * operator runs in this JVM on a client that counts its own requests ({@link RequestCounter}).
 *
 * <p>Job controller: N Jobs (backoffLimit high) whose pods this benchmark fails 10 s after they appear
 * (no node: it sets the pod's phase, as a kubelet would), so the controller replaces each failed pod after
 * its own back-off. Its requests come from the API server's audit log, by its ServiceAccount
 * ({@link AuditLog}); its memory is kube-controller-manager's RSS.
 *
 * <p>Both: cold start (N objects created -> their first pods), then a warm-up (the operator's until every job
 * has fallen back to on-demand and its event queue has drained), then the measured window.
 * Prints a table and writes it to target/bench.txt. Asserts counts and ratios only, never seconds (the
 * machine's load decides those).
 *
 * <p>-Dbench.jobs (200), -Dbench.seconds (120, measured), -Dbench.warmup (60), -Dbench.audit (the audit
 * log; without it the Job controller is skipped), -Dbench.kcmPid and -Dbench.schedulerPid (with kube-apiserver's
 * and etcd's: where the machine's CPU went, {@link MachineCpu}), -Dbench.shards (1; "1,2,3" runs the
 * operator storm once per shard count and adds a table of them), -Dbench.operator=process (the operator as
 * its own process in a memory cgroup with the chart's limit, {@link OperatorProcess}; its requests from the
 * audit log; the run fails if it exited or was OOM-killed).
 */
@Tag("bench")
class StormBench {
  static final int JOBS = Integer.getInteger("bench.jobs", 200);
  static final long SECONDS = Long.getLong("bench.seconds", 120);
  static final long WARMUP = Long.getLong("bench.warmup", 60);
  /**
   * The operator's warm-up lasts at least WARMUP and then, at most this long in all, until every job has
   * made its one-time fallback to on-demand (after 2 capacity failures): the window then holds the storm's
   * steady attempts, not each job's transition. At 5,000 and 10,000 jobs a job attempts only every few
   * minutes, so a fixed warm-up ended with most fallbacks still to come.
   */
  static final long WARMUP_MAX = Long.getLong("bench.warmupMax", 900);
  /**
   * ... and until the operator's event queue has drained (featurejob_events_pending 0): its one writer
   * thread goes at the API server's pace, so the events of a cold start of thousands of jobs (first failures,
   * fallbacks) are still being written minutes later, in a window that would count them as the storm's.
   */
  static final String EVENTS_PENDING = "featurejob_events_pending";
  static final String EVENTS_DROPPED = "featurejob_events_dropped_total";
  /** The operator's own account of how late retries started (by its clock): to deciding, to the pod created. */
  static final String RETRY_DELAY = "featurejob_retry_delay_seconds";
  /** JOSDK's controller-level counters: reconciles started and events received (pods, jobs, timers). */
  static final String RECONCILES = "operator_sdk_reconciliations_started_total";
  static final String EVENTS_RECEIVED = "operator_sdk_events_received_total";
  /**
   * Template writes per attempt in the measured window: only a job's first launch writes it (the
   * ConfigMap holds both capacities' templates, so a fallback writes nothing), and a storm's transient
   * failures never put it in doubt, so about none; writing before every attempt is 1. The slack is for
   * first launches that fall in the window when the cold start outlasts its wait.
   */
  static final double MAX_TEMPLATE_WRITES_PER_ATTEMPT = 0.1;
  static final String AUDIT = System.getProperty("bench.audit", "");
  static final String KCM_PID = System.getProperty("bench.kcmPid", "");
  /** Operator shard counts to run one after the other, e.g. "1,2,3"; the first one is compared with the Job controller. */
  static final List<Integer> SHARDS = Arrays.stream(System.getProperty("bench.shards", "1").split(","))
      .map(String::trim).map(Integer::valueOf).toList();
  /**
   * Reconcile threads per operator to run one after the other, e.g. "4,16" (the operator's default is 16):
   * with the CPU columns, whether the operator's threads or the API server limit the storm.
   */
  static final List<Integer> THREADS = Arrays.stream(System.getProperty("bench.threads", "16").split(","))
      .map(String::trim).map(Integer::valueOf).toList();
  /** kube-apiserver's and etcd's PIDs (hack/bench.sh): their CPU in the measured window. */
  static final String APISERVER_PID = System.getProperty("bench.apiserverPid", "");
  static final String ETCD_PID = System.getProperty("bench.etcdPid", "");
  static final String SCHEDULER_PID = System.getProperty("bench.schedulerPid", "");
  /**
   * "jvm" (default): the operator in this JVM on a counting client. "process": the built jar as its own
   * process, as its pod runs it ({@link OperatorProcess}: the image's JAVA_TOOL_OPTIONS, a memory cgroup
   * with the chart's limit, the chart's ServiceAccount), its requests counted from the audit log.
   */
  static final boolean PROCESS = "process".equals(System.getProperty("bench.operator", "jvm"));
  static final String OPERATOR_JAR = System.getProperty("bench.operatorJar", "");
  static final String JAVA_TOOL_OPTIONS = System.getProperty("bench.javaToolOptions", "");
  /** The operator's memory limit in bytes (the chart's limits.memory) and where its cgroups go (hack/bench.sh). */
  static final long MEMORY_LIMIT = Long.getLong("bench.memoryLimit", 512L << 20);
  static final String CGROUP_PREFIX = System.getProperty("bench.cgroupPrefix", "");
  /**
   * The storm's jobs' spec.historyLimit; 0 (default): the product default (20). The API server's CPU per
   * status write grows with the object, and the history is most of it (docs/testing.md, "What one write costs
   * the API server").
   */
  static final int HISTORY_LIMIT = Integer.getInteger("bench.historyLimit", 0);
  /**
   * Every job's history full from the start, as after hours of storm (at 10,000 jobs filling 20 entries each
   * takes about 2 hours here): one storm job runs first, in a namespace of its own with the operator in this
   * JVM, until its history is full and it backs off; the N jobs are then created with no operator running and
   * each given a copy of that status, its pods' names made the job's own. The operator then starts: a restart
   * in the middle of a long storm, so its "cold start" is the time from its start to every job's next pod, and
   * each job's first launch after it may write the template twice (a restarted operator patches the template
   * it finds no record of, then creates it).
   */
  static final boolean FULL_HISTORY = Boolean.getBoolean("bench.fullHistory");
  /** The job whose status {@link #FULL_HISTORY} copies. */
  static final String FULL_HISTORY_SOURCE = "storm-source";
  /** The storm's other writer: kube-scheduler records each failed scheduling (an event, the pod's condition). */
  static final String SCHEDULER = "system:kube-scheduler";
  /** One status write per launch or failure; a little slack for conflicts and repeated deletes. */
  static final double MAX_STATUS_PER_DECISION = 1.1;
  static final Duration SCHEDULING_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Cold start is waited for this long at most; the warm-up starts when it ends. 10,000 jobs took 14 minutes
   * here (857 s): 25 for them.
   */
  static final Duration COLD_START_LIMIT = Duration.ofMinutes(Math.max(15, JOBS / 400));
  static final String JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller";

  /** What one side of the comparison showed. */
  static final class Figures {
    Map<String, Long> steady = Map.of();
    Map<String, Long> cold = Map.of();
    Map<String, Long> whole = Map.of();
    /** kube-scheduler's requests in the window (audit log), per the operator's attempts; empty without it. */
    Map<String, Long> scheduler = Map.of();
    /** The jobs' history entries when the window opened, mean over the jobs (each status write carries them). */
    double historyEntries = Double.NaN;
    /** The operator's events by reason, recorded before the window and in it ({@link EventsInWindow}). */
    Map<String, EventsInWindow.Reason> eventsBefore = Map.of();
    Map<String, EventsInWindow.Reason> eventsInWindow = Map.of();
    /** The operator's event queue when the window opened, and the events it had dropped by then; -1 unknown. */
    double eventsPending = -1;
    double eventsDropped = -1;
    long attempts;
    final Latencies coldStart = new Latencies();
    double coldStartAllSeconds = Double.NaN;
    /** The warm-up as it ran, and how many jobs had fallen back to on-demand when the window opened. */
    double warmupSeconds = Double.NaN;
    int fallenBack = -1;
    final Latencies retryLateness = new Latencies();
    final Latencies failureToStatus = new Latencies();
    /** {@link #RETRY_DELAY} in the window, both steps; null when not scraped (the process had exited). */
    HistogramWindow retryDecided;
    HistogramWindow retryPodCreated;
    /** {@link #RECONCILES} and {@link #EVENTS_RECEIVED} in the window; -1 unknown. */
    double reconciles = -1;
    double eventsReceived = -1;
    long heapDelta = -1;
    long rssDelta = -1;
    /** Heap after GC with the operators running minus after they stopped: theirs, not the benchmark's informers. */
    long operatorHeap = -1;
    long metricsBytes = -1;
    long metricsLines = -1;
    String loadStart = "";
    String loadEnd = "";
    int shards = 1;
    int threads = 4;
    /** CPU seconds in the measured window: this JVM (operator and bench), kube-apiserver, etcd; -1 unknown. */
    double cpuSelf = -1;
    double cpuApiserver = -1;
    double cpuEtcd = -1;
    /** Where the machine's CPU went in the measured window ({@link MachineCpu}); empty when not read. */
    String machineCpu = "";
    /** BENCH_OPERATOR=process: the operator process's and its cgroup's memory at the window's end. */
    OperatorProcess.Memory memory;

    long total(Map<String, Long> requests) {
      return requests.values().stream().mapToLong(Long::longValue).sum();
    }

    long events() {
      return steady.entrySet().stream().filter(e -> e.getKey().endsWith(" events"))
          .mapToLong(Map.Entry::getValue).sum();
    }
  }

  @Test
  void storm() throws Exception {
    try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build()) {
      List<Figures> runs = new ArrayList<>();
      if (PROCESS && (AUDIT.isEmpty() || !Files.exists(Path.of(AUDIT)) || CGROUP_PREFIX.isEmpty()
          || OPERATOR_JAR.isEmpty() || SHARDS.stream().anyMatch(n -> n != 1))) {
        throw new IllegalStateException("BENCH_OPERATOR=process needs the audit log (a cluster hack/bench.sh"
            + " started), -Dbench.cgroupPrefix, -Dbench.operatorJar and one shard");
      }
      for (int shards : SHARDS) {
        for (int threads : THREADS) {
          runs.add(operatorRun(admin, shards, threads));
          System.out.print(shardTable(runs)); // so far: a later run that fails does not lose this one
        }
      }
      Figures operator = runs.get(0);
      Path audit = AUDIT.isEmpty() ? null : Path.of(AUDIT);
      Figures jobs = audit != null && Files.exists(audit) ? jobControllerRun(admin, audit) : null;
      String table = table(operator, jobs) + shardTable(runs);
      System.out.println(table);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "bench.txt"), table);
      for (Figures run : runs) {
        check(run, table);
      }
      if (jobs != null && jobs.attempts == 0) {
        throw new AssertionError("the Job controller created no pod in the window: is job-controller running?\n"
            + table);
      }
    }
  }

  /**
   * Counts and ratios that hold whatever the load (a backlog puts more failures than launches in the window):
   * one status write per decision, a launch or a failure (whose pod is deleted); and each job's template
   * written once. With shards, for all of them together: a job
   * handled by two shards would write its status twice.
   */
  static void check(Figures operator, String table) {
    String who = operator.shards + " shard(s): ";
    OperatorProcess.Memory memory = operator.memory;
    if (memory != null && (memory.exited() || memory.oomKills() > 0)) {
      throw new AssertionError(String.format("%sthe operator process %s (OOM kills in its cgroup: %d)%n%s", who,
          memory.exited() ? "exited with " + memory.exitCode() + " during the run" : "was OOM-killed",
          memory.oomKills(), table));
    }
    if (operator.attempts == 0) {
      throw new AssertionError(who + "no attempt was launched: no storm was measured\n" + table);
    }
    long decisions = operator.attempts + operator.steady.getOrDefault("DELETE pods", 0L);
    double statusPerDecision = per(operator.steady.getOrDefault("PUT featurejobs/status", 0L), decisions);
    if (statusPerDecision > MAX_STATUS_PER_DECISION) {
      throw new AssertionError(String.format("%s%.2f status writes per launch or failure > %.2f%n%s",
          who, statusPerDecision, MAX_STATUS_PER_DECISION, table));
    }
    // The template is written when its content changes, which in the storm is never after the job's first
    // launch: one create per job, each job handled by one shard (the old code wrote it before every
    // attempt, then once per distinct content with a rewrite every 10 minutes).
    long templateWrites = templateWrites(operator.whole);
    int perJob = FULL_HISTORY ? 2 : 1; // a restarted operator patches first, then creates on 404
    if (templateWrites > (long) perJob * JOBS) {
      throw new AssertionError(String.format("%s%d template writes for %d jobs > %d per job%n%s", who, templateWrites,
          JOBS, perJob, table));
    }
    double templatePerAttempt = per(templateWrites(operator.steady), operator.attempts);
    if (templatePerAttempt > MAX_TEMPLATE_WRITES_PER_ATTEMPT) {
      throw new AssertionError(String.format("%s%.2f template writes per attempt in the window > %.2f%n%s",
          who, templatePerAttempt, MAX_TEMPLATE_WRITES_PER_ATTEMPT, table));
    }
  }

  /** A new job's template is a create, a changed one a merge patch ({@code TemplateWrites}). */
  static long templateWrites(Map<String, Long> requests) {
    return requests.getOrDefault("POST configmaps", 0L) + requests.getOrDefault("PATCH configmaps", 0L);
  }

  // ------------------------------------------------------------------------------------------ operator

  /**
   * The storm handled by {@code shards} operators (FEATUREJOB_SHARD_COUNT), all in this JVM on one counting
   * client: requests are their sum, memory the JVM's (so it does not show what one shard's pod would need).
   */
  Figures operatorRun(KubernetesClient admin, int shards, int threads) throws Exception {
    Figures f = new Figures();
    f.shards = shards;
    f.threads = threads;
    String namespace = "bench-op-" + UUID.randomUUID().toString().substring(0, 5);
    prepareNamespace(admin, namespace);
    Map<String, Instant> created = new ConcurrentHashMap<>();
    Map<String, Instant> firstPod = new ConcurrentHashMap<>();
    Map<String, Instant> retryAt = new ConcurrentHashMap<>();
    Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    Set<String> fallenBack = ConcurrentHashMap.newKeySet();
    boolean[] measuring = {false};

    SharedIndexInformer<Pod> pods = admin.pods().inNamespace(namespace).inform(onAdd(pod -> {
      String job = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.JOB);
      if (job == null) {
        return;
      }
      Instant now = Instant.now();
      Instant retry = retryAt.remove(job);
      if (firstPod.putIfAbsent(job, now) == null && created.containsKey(job)) {
        f.coldStart.add(Duration.between(created.get(job), now));
      } else if (measuring[0] && retry != null) {
        f.retryLateness.add(Duration.between(retry, now));
      }
    }));
    SharedIndexInformer<FeatureJob> jobs = admin.resources(FeatureJob.class).inNamespace(namespace)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(FeatureJob job) {}

          @Override
          public void onUpdate(FeatureJob before, FeatureJob after) {
            FeatureJobStatus s = after.getStatus();
            if (s == null) {
              return;
            }
            String name = after.getMetadata().getName();
            Instant now = Instant.now();
            if (s.remediation != null && Boolean.TRUE.equals(s.remediation.onDemandFallback)) {
              fallenBack.add(name);
            }
            if (s.phase == Phase.BackingOff && s.nextRunTime != null) {
              retryAt.put(name, Times.parse(s.nextRunTime));
            }
            if (s.currentAttempt != null && s.currentAttempt.startTime != null) {
              startedAt.put(name, Times.parse(s.currentAttempt.startTime));
            }
            String failedBefore = before.getStatus() == null || before.getStatus().lastFailure == null ? null
                : before.getStatus().lastFailure.time;
            String failedNow = s.lastFailure == null ? null : s.lastFailure.time;
            Instant started = startedAt.get(name);
            if (measuring[0] && failedNow != null && !failedNow.equals(failedBefore) && started != null) {
              f.failureToStatus.add(Duration.between(started.plus(SCHEDULING_TIMEOUT), now));
            }
          }

          @Override
          public void onDelete(FeatureJob job, boolean unknown) {}
        });

    long heapBefore = heapAfterGc();
    long rssBefore = rssBytes("self");
    RequestCounter counter = new RequestCounter();
    KubernetesClient counted = new KubernetesClientBuilder().withConfig(admin.getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("bench-requests", counter)).build();
    Map<String, String> env = operatorEnv(namespace, shards, threads);
    List<FeatureJobOperator> operators = new ArrayList<>();
    OperatorProcess process = null;
    try {
      if (FULL_HISTORY) {
        createWithFullHistory(admin, namespace);
      }
      Instant operatorStart = Instant.now();
      if (FULL_HISTORY) { // before the operator can create a pod: each job's "cold start" counts from here
        jobNames().forEach(name -> created.put(name, operatorStart));
      }
      if (PROCESS) {
        env.put("FEATUREJOB_SHARD_INDEX", "0");
        process = OperatorProcess.start(admin, namespace, env, Path.of(OPERATOR_JAR), JAVA_TOOL_OPTIONS,
            Path.of(CGROUP_PREFIX + "-" + namespace), MEMORY_LIMIT);
      }
      for (int i = 0; process == null && i < shards; i++) {
        env.put("FEATUREJOB_SHARD_INDEX", Integer.toString(i));
        operators.add(FeatureJobOperator.start(counted, OperatorConfig.load(env), Clock.systemUTC(), false));
      }
      OperatorProcess running = process;
      String operatorPid = process == null ? "self" : Long.toString(process.pid());
      f.loadStart = loadAverage();
      Instant t0 = FULL_HISTORY ? operatorStart
          : createAll(created, name -> admin.resource(job(name)).inNamespace(namespace).create());
      f.coldStartAllSeconds = awaitCount(firstPod, t0, () -> running == null || running.alive());
      Instant coldEnd = Instant.now();
      f.cold = counter.snapshot();
      Thread.sleep(Duration.ofSeconds(WARMUP).toMillis());
      Instant warmupEnd = coldEnd.plusSeconds(Math.max(WARMUP, WARMUP_MAX));
      while (fallenBack.size() < JOBS && Instant.now().isBefore(warmupEnd) && (running == null || running.alive())) {
        Thread.sleep(1000);
      }
      List<Integer> ports = process != null ? List.of(process.metricsPort)
          : operators.stream().map(FeatureJobOperator::metricsPort).toList();
      // A scrape at 10,000 jobs is ~10 MB: every 5 s, once every job has fallen back; the last one gives both.
      List<String> scrapes = scrapeAll(ports);
      while (sum(scrapes, EVENTS_PENDING) > 0 && Instant.now().isBefore(warmupEnd)
          && (running == null || running.alive())) {
        Thread.sleep(5000);
        scrapes = scrapeAll(ports);
      }
      List<String> scrapesAtStart = scrapes;
      f.eventsPending = sum(scrapes, EVENTS_PENDING);
      f.eventsDropped = sum(scrapes, EVENTS_DROPPED);
      f.warmupSeconds = Duration.between(coldEnd, Instant.now()).toMillis() / 1000.0;
      f.fallenBack = fallenBack.size();
      // From this JVM's informer, which has every job: a LIST would fetch them all again (~110 MB at 10,000).
      f.historyEntries = jobs.getStore().list().stream()
          .mapToInt(j -> j.getStatus() == null || j.getStatus().history == null ? 0 : j.getStatus().history.size())
          .average().orElse(Double.NaN);
      measuring[0] = true;
      Instant from = Instant.now();
      Map<String, Long> atStart = counter.snapshot();
      Map<String, String> cpuOf = controlPlanePids();
      String operatorCpu = process == null ? "operator and benchmark JVM" : "operator";
      cpuOf.put(operatorCpu, operatorPid);
      if (process != null) {
        cpuOf.put("benchmark JVM", "self");
      }
      MachineCpu.Reading cpuAtStart = MachineCpu.read(cpuOf);
      Thread.sleep(Duration.ofSeconds(SECONDS).toMillis());
      measuring[0] = false;
      Instant to = Instant.now();
      MachineCpu.Reading cpuAtEnd = MachineCpu.read(cpuOf);
      f.machineCpu = MachineCpu.summary(cpuAtStart, cpuAtEnd, Duration.between(from, to).toMillis() / 1000.0);
      f.cpuSelf = MachineCpu.used(cpuAtStart, cpuAtEnd, operatorCpu);
      f.cpuApiserver = MachineCpu.used(cpuAtStart, cpuAtEnd, "kube-apiserver");
      f.cpuEtcd = MachineCpu.used(cpuAtStart, cpuAtEnd, "etcd");
      if (process != null) {
        f.memory = process.memory(); // before anything else: the cgroup's peak, and whether it still runs
        Thread.sleep(2000); // requests in flight at the window's end reach the audit log
        Path audit = Path.of(AUDIT);
        f.cold = AuditLog.count(audit, process.username, Instant.EPOCH, coldEnd);
        f.whole = AuditLog.count(audit, process.username, Instant.EPOCH, to);
        f.steady = AuditLog.count(audit, process.username, from, to);
      } else {
        f.whole = counter.snapshot();
        f.steady = minus(f.whole, atStart);
      }
      f.attempts = f.steady.getOrDefault("POST pods", 0L);
      if (!AUDIT.isEmpty()) {
        f.scheduler = AuditLog.count(Path.of(AUDIT), SCHEDULER, namespace, from, to);
      }
      List<Event> events = admin.v1().events().inNamespace(namespace).list().getItems();
      f.eventsBefore = EventsInWindow.byReason(events, Instant.EPOCH, from);
      f.eventsInWindow = EventsInWindow.byReason(events, from, to);
      f.metricsBytes = 0;
      f.metricsLines = 0;
      List<Integer> metricsPorts = process != null ? (process.alive() ? List.of(process.metricsPort) : List.of())
          : operators.stream().map(FeatureJobOperator::metricsPort).toList();
      List<String> scrapesAtEnd = new ArrayList<>();
      for (int port : metricsPorts) {
        String metrics = scrape(port);
        scrapesAtEnd.add(metrics);
        f.metricsBytes += metrics.getBytes(StandardCharsets.UTF_8).length;
        f.metricsLines += metrics.lines().count();
      }
      if (!scrapesAtEnd.isEmpty()) { // the window's end, a little late: what the retries' delays were
        List<ScrapedSample> before = samples(scrapesAtStart);
        List<ScrapedSample> after = samples(scrapesAtEnd);
        f.retryDecided = HistogramWindow.between(before, after, RETRY_DELAY, Map.of("step", "decided"));
        f.retryPodCreated = HistogramWindow.between(before, after, RETRY_DELAY, Map.of("step", "pod_created"));
        f.reconciles = increase(scrapesAtStart, scrapesAtEnd, RECONCILES);
        f.eventsReceived = increase(scrapesAtStart, scrapesAtEnd, EVENTS_RECEIVED);
      }
      if (process != null) {
        f.loadEnd = loadAverage();
        return f;
      }
      long heapWithOperators = heapAfterGc();
      f.heapDelta = heapWithOperators - heapBefore;
      f.rssDelta = rssBytes("self") - rssBefore;
      f.loadEnd = loadAverage();
      operators.forEach(FeatureJobOperator::close);
      operators.clear();
      f.operatorHeap = heapWithOperators - settledHeapAfterGc();
    } finally {
      operators.forEach(FeatureJobOperator::close);
      if (process != null) {
        process.close();
      }
      counted.close();
      pods.close();
      jobs.close();
      admin.namespaces().withName(namespace).delete();
    }
    return f;
  }

  /** The operator's settings for a run in {@code namespace}: metrics on a free local port, no leader election. */
  static Map<String, String> operatorEnv(String namespace, int shards, int threads) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
    env.put("FEATUREJOB_METRICS_PORT", "0");
    env.put("FEATUREJOB_WATCH_NAMESPACES", namespace);
    env.put("FEATUREJOB_LEADER_ELECTION", "false");
    env.put("FEATUREJOB_SHARD_COUNT", Integer.toString(shards));
    env.put("FEATUREJOB_RECONCILE_THREADS", Integer.toString(threads));
    return env;
  }

  static FeatureJob job(String name) {
    FeatureJob job = TestJobs.job(name, "5s", "20s", 3, 1000);
    job.getSpec().schedule = "@yearly";
    job.getSpec().capacity = new CapacitySpec();
    job.getSpec().capacity.schedulingTimeout = GoDurations.seconds(SCHEDULING_TIMEOUT);
    if (HISTORY_LIMIT > 0) {
      job.getSpec().historyLimit = HISTORY_LIMIT;
    }
    return job;
  }

  // ------------------------------------------------------------------------------------ Job controller

  Figures jobControllerRun(KubernetesClient admin, Path audit) throws Exception {
    Figures f = new Figures();
    String namespace = "bench-jc-" + UUID.randomUUID().toString().substring(0, 5);
    prepareNamespace(admin, namespace);
    Map<String, Instant> created = new ConcurrentHashMap<>();
    Map<String, Instant> firstPod = new ConcurrentHashMap<>();
    ScheduledExecutorService kubelet = Executors.newScheduledThreadPool(2);
    SharedIndexInformer<Pod> pods = admin.pods().inNamespace(namespace).inform(onAdd(pod -> {
      String job = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("job-name");
      if (job == null) {
        return;
      }
      Instant now = Instant.now();
      if (firstPod.putIfAbsent(job, now) == null && created.containsKey(job)) {
        f.coldStart.add(Duration.between(created.get(job), now));
      }
      // What the operator's schedulingTimeout does to its attempts: the pod fails 10 s after it appears.
      kubelet.schedule(() -> fail(admin, namespace, pod.getMetadata().getName()), SCHEDULING_TIMEOUT.toMillis(),
          TimeUnit.MILLISECONDS);
    }));
    long rssBefore = rssBytes(KCM_PID);
    try {
      f.loadStart = loadAverage();
      Instant t0 = createAll(created,
          name -> admin.batch().v1().jobs().inNamespace(namespace).resource(kubernetesJob(name)).create());
      f.coldStartAllSeconds = awaitCount(firstPod, t0);
      f.cold = AuditLog.count(audit, JOB_CONTROLLER, t0, Instant.now());
      Thread.sleep(Duration.ofSeconds(WARMUP).toMillis());
      Instant from = Instant.now();
      Map<String, String> cpuOf = controlPlanePids();
      cpuOf.put("benchmark JVM (its simulated kubelet)", "self");
      MachineCpu.Reading machineAtStart = MachineCpu.read(cpuOf);
      Thread.sleep(Duration.ofSeconds(SECONDS).toMillis());
      Instant to = Instant.now();
      f.machineCpu = MachineCpu.summary(machineAtStart, MachineCpu.read(cpuOf),
          Duration.between(from, to).toMillis() / 1000.0);
      Thread.sleep(2000); // requests in flight at the end reach the log
      f.steady = AuditLog.count(audit, JOB_CONTROLLER, from, to);
      f.attempts = f.steady.getOrDefault("POST pods", 0L);
      f.rssDelta = KCM_PID.isEmpty() ? -1 : rssBytes(KCM_PID) - rssBefore;
      f.loadEnd = loadAverage();
    } finally {
      kubelet.shutdownNow();
      pods.close();
      admin.namespaces().withName(namespace).delete();
    }
    return f;
  }

  static Job kubernetesJob(String name) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withBackoffLimit(10_000).withParallelism(1).withCompletions(1)
        .withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("featurejob.invalid/bench:0").endContainer()
        .endSpec().endTemplate().endSpec().build();
  }

  /** Fails a pending pod as a kubelet would report it (this cluster has no node to run it). */
  static void fail(KubernetesClient admin, String namespace, String pod) {
    try {
      admin.pods().inNamespace(namespace).withName(pod).editStatus(p -> {
        p.getStatus().setPhase("Failed");
        p.getStatus().setReason("BenchFailed");
        p.getStatus().setMessage("failed by the benchmark after " + SCHEDULING_TIMEOUT.toSeconds() + "s");
        return p;
      });
    } catch (KubernetesClientException e) {
      // gone already (the namespace is being deleted)
    }
  }

  // -------------------------------------------------------------------------------------------- table

  String table(Figures op, Figures jc) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("storm: %d jobs; cold start, then a warm-up (%d s, then until every job fell back to"
        + " on-demand, %d s at most), then %d s measured%n", JOBS, WARMUP, WARMUP_MAX, SECONDS));
    out.append(String.format("operator warm-up: %.0f s, %d of %d jobs fallen back to on-demand when the window"
        + " opened; Job controller warm-up: %d s%n", op.warmupSeconds, op.fallenBack, JOBS, WARMUP));
    out.append(String.format("history: historyLimit %s; %.1f entries per job when the window opened (every status"
        + " write carries them)%s%n", HISTORY_LIMIT > 0 ? Integer.toString(HISTORY_LIMIT) : "20 (the default)",
        op.historyEntries, FULL_HISTORY ? "; full from the start (BENCH_FULL_HISTORY): every job created with a copy"
        + " of one storm job's full status, then the operator started, so its cold start is a restart" : ""));
    out.append(String.format("operator events when the window opened: %.0f pending (queued or being written),"
        + " %.0f dropped since the start (queue full)%n", op.eventsPending, op.eventsDropped));
    out.append(String.format("load average (1, 5, 15 min): operator run %s -> %s%s%n", op.loadStart, op.loadEnd,
        jc == null ? "" : "; Job controller run " + jc.loadStart + " -> " + jc.loadEnd));
    if (op.memory != null) {
      out.append(String.format("operator process: JAVA_TOOL_OPTIONS=%s%n", JAVA_TOOL_OPTIONS));
    }
    out.append("\n| figure | operator | Job controller | operator / Job controller |\n|---|---|---|---|\n");
    double opPer = per(op.total(op.steady), op.attempts);
    double jcPer = jc == null ? Double.NaN : per(jc.total(jc.steady), jc.attempts);
    row(out, "attempts (pods created) in the measured window", op.attempts, jc == null ? "n/a" : jc.attempts, "");
    row(out, "API requests per attempt (per pod)", fmt(opPer), jc == null ? "n/a" : fmt(jcPer), ratio(opPer, jcPer));
    double opEv = per(op.events(), op.attempts);
    double jcEv = jc == null ? Double.NaN : per(jc.events(), jc.attempts);
    row(out, "of which events", fmt(opEv), jc == null ? "n/a" : fmt(jcEv), "");
    double opCold = op.coldStartAllSeconds;
    double jcCold = jc == null ? Double.NaN : jc.coldStartAllSeconds;
    row(out, "cold start: " + JOBS + " new objects -> all first pods" + (FULL_HISTORY ? " (operator: a restart,"
        + " from its start)" : ""), coldText(op), jc == null ? "n/a" : coldText(jc),
        FULL_HISTORY ? "n/a" : ratio(opCold, jcCold));
    row(out, "cold start per object p50 / p99", op.coldStart.p50p99(), jc == null ? "n/a" : jc.coldStart.p50p99(), "");
    row(out, "API requests per object during cold start", fmt(per(op.total(op.cold), JOBS)),
        jc == null ? "n/a" : fmt(per(jc.total(jc.cold), JOBS)), "");
    row(out, "retry lateness p50 / p99 (after status nextRunTime)", op.retryLateness.p50p99(), "—", "");
    row(out, "the operator's own account (featurejob_retry_delay_seconds, p50 / p99 as bucket bounds): due -> the"
        + " reconcile that launched it (its timer, then a free reconcile thread)", windowText(op.retryDecided), "—",
        "");
    row(out, "due -> its driver pod created (plus the launch's status write and pod create)",
        windowText(op.retryPodCreated), "—", "");
    row(out, "reconciles per attempt; events received per attempt (JOSDK's counters; a reconcile thread waits on"
        + " each write)", String.format("%s; %s", fmt(perKnown(op.reconciles, op.attempts)),
        fmt(perKnown(op.eventsReceived, op.attempts))), "—", "");
    row(out, "failure recorded after attempt start + schedulingTimeout, p50 / p99", op.failureToStatus.p50p99(),
        "—", "");
    row(out, "ms of CPU per attempt in the window: " + (PROCESS ? "operator" : "operator and benchmark JVM")
        + " / kube-apiserver / etcd", String.format("%s / %s / %s", msPer(op.cpuSelf, op.attempts),
        msPer(op.cpuApiserver, op.attempts), msPer(op.cpuEtcd, op.attempts)), "—", "");
    if (op.memory == null) {
      row(out, "memory growth: operator heap after GC / RSS (bench JVM); kube-controller-manager RSS",
          String.format("%s / %s", mib(op.heapDelta), mib(op.rssDelta)),
          jc == null || jc.rssDelta < 0 ? "n/a" : "RSS " + mib(jc.rssDelta),
          jc == null || jc.rssDelta <= 0 ? "" : fmt((double) op.rssDelta / jc.rssDelta));
      row(out, "the operator's own heap after GC (with it running minus after it stopped; the benchmark's"
          + " informers excluded)", mib(op.operatorHeap), "—", "");
    } else {
      processRows(out, op.memory, jc);
    }
    row(out, "/metrics bytes, lines per job", String.format("%d, %d", op.metricsBytes / JOBS, op.metricsLines / JOBS),
        "—", "");
    out.append(String.format("%nCPU in the measured window, cores (/proc): operator run: %s%n", op.machineCpu));
    if (jc != null) {
      out.append(String.format("Job controller run: %s%n", jc.machineCpu));
    }
    out.append("\nretry lateness: from status nextRunTime (a whole second, the retry's very instant) to the pod's"
        + " arrival at this JVM's watch; failure to status counts from the attempt's startTime, which status"
        + " truncates to the second: it reads up to 1 s high\n");
    breakdown(out, "operator", op);
    if (!op.scheduler.isEmpty()) {
      out.append(String.format("%nkube-scheduler (audit log, %s) on the operator's pods: requests per operator"
          + " attempt (count), measured window%n| request | per attempt | count |%n|---|---|---|%n", SCHEDULER));
      op.scheduler.forEach((k, v) -> out.append(String.format("| %s | %.2f | %d |%n", k, per(v, op.attempts), v)));
    }
    if (jc != null) {
      breakdown(out, "Job controller (audit log, " + JOB_CONTROLLER + ")", jc);
    }
    return out.toString();
  }

  /** The operator process's memory (BENCH_OPERATOR=process), read at the end of the measured window. */
  private static void processRows(StringBuilder out, OperatorProcess.Memory m, Figures jc) {
    row(out, "operator process: the JVM's ergonomics in its cgroup (collector, memory it sees, max heap)",
        String.format("%s, %s, heap %s", m.collector(), mib(m.seenMemory()), mib(m.heapMax())), "—", "");
    row(out, "operator process: cgroup memory peak (cold start to window end) / usage at the end / limit",
        String.format("%s / %s / %s", mib(m.peakUsage()), mib(m.usage()), mib(m.limit())),
        jc == null ? "n/a" : "kube-controller-manager RSS growth " + mib(jc.rssDelta), "");
    row(out, "operator process: VmHWM / VmRSS", String.format("%s / %s", mib(m.vmHwm()), mib(m.vmRss())), "—", "");
    row(out, "operator process: heap after GC, highest of " + m.gcPauses() + " collections / after a full GC at"
        + " the end", String.format("%s / %s", mib(m.maxHeapAfterGc()), mib(m.heapAfterFullGc())), "—", "");
    row(out, "operator process: memory.failcnt / OOM kills / exited during the run",
        String.format("%d / %d / %s", m.failcnt(), m.oomKills(), m.exited() ? "yes (" + m.exitCode() + ")" : "no"),
        "—", "");
  }

  /** One row per shard count: the same storm, the same API server, one after the other. */
  static String shardTable(List<Figures> runs) {
    StringBuilder out = new StringBuilder(String.format("%nruns: %d jobs each, all shards in this JVM; CPU in the"
        + " measured window as cores busy (CPU seconds / %d s)%n", JOBS, SECONDS));
    out.append("| shards | reconcile threads | attempts | API requests per attempt | cold start (all first pods)"
        + " | cold start p50 / p99 | retry lateness p50 / p99 | failure to status p50 / p99"
        + " | CPU: operator's JVM / kube-apiserver / etcd | heap after GC / RSS growth (bench JVM) | operator heap"
        + " | operator process: cgroup peak / VmHWM / heap after full GC (limit), OOM kills, exited | load average |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Figures f : runs) {
      OperatorProcess.Memory m = f.memory;
      out.append(String.format("| %d | %d | %d | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s | %s | %s | %s -> %s |%n",
          f.shards, f.threads, f.attempts, fmt(per(f.total(f.steady), f.attempts)), coldText(f), f.coldStart.p50p99(),
          f.retryLateness.p50p99(), f.failureToStatus.p50p99(), cores(f.cpuSelf), cores(f.cpuApiserver),
          cores(f.cpuEtcd), mib(f.heapDelta), mib(f.rssDelta), mib(f.operatorHeap),
          m == null ? "n/a" : String.format("%s / %s / %s (%s), %d, %s", mib(m.peakUsage()), mib(m.vmHwm()),
              mib(m.heapAfterFullGc()), mib(m.limit()), m.oomKills(), m.exited() ? "yes (" + m.exitCode() + ")" : "no"),
          f.loadStart, f.loadEnd));
    }
    return out.toString();
  }

  private static String windowText(HistogramWindow w) {
    return w == null ? "n/a" : w.summary();
  }

  private static String coldText(Figures f) {
    return Double.isNaN(f.coldStartAllSeconds) ? "not all within the window"
        : String.format("%.1f s (%.0f pods/min)", f.coldStartAllSeconds, JOBS / f.coldStartAllSeconds * 60);
  }

  static void breakdown(StringBuilder out, String who, Figures f) {
    out.append(String.format("%n%s: requests per attempt by verb and resource (count), measured window%n", who));
    out.append("| request | per attempt | count |\n|---|---|---|\n");
    f.steady.forEach((k, v) -> out.append(String.format("| %s | %.2f | %d |%n", k, per(v, f.attempts), v)));
    out.append(String.format("cold start requests: %s%n", f.cold));
    if (!f.eventsBefore.isEmpty() || !f.eventsInWindow.isEmpty()) {
      out.append(String.format("%n%s: event objects by reason and when last recorded (lastTimestamp; a repeat bumps"
          + " its object's count), and the newest message%n| reason | before the window | in it | newest message"
          + " |%n|---|---|---|---|%n", who));
      Set<String> reasons = new TreeSet<>(f.eventsBefore.keySet());
      reasons.addAll(f.eventsInWindow.keySet());
      for (String reason : reasons) {
        EventsInWindow.Reason before = f.eventsBefore.get(reason);
        EventsInWindow.Reason in = f.eventsInWindow.get(reason);
        out.append(String.format("| %s | %d | %d | %s |%n", reason, before == null ? 0 : before.objects(),
            in == null ? 0 : in.objects(), (in != null ? in : before).example()));
      }
    }
  }

  static void row(StringBuilder out, String figure, Object op, Object jc, String ratio) {
    out.append(String.format("| %s | %s | %s | %s |%n", figure, op, jc, ratio));
  }

  /** Bytes as whole MiB; "n/a" for -1 (not measured in this mode; a growth may be below zero). */
  static String mib(long bytes) {
    return bytes == -1 ? "n/a" : (bytes / (1 << 20)) + " MiB";
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%.2f", v);
  }

  static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "" : String.format("%.2f", a / b);
  }

  static double per(long count, long attempts) {
    return attempts == 0 ? Double.NaN : (double) count / attempts;
  }

  /** A scraped count (-1: not scraped) per attempt. */
  static double perKnown(double count, long attempts) {
    return count < 0 || attempts == 0 ? Double.NaN : count / attempts;
  }

  // ------------------------------------------------------------------------------------------ helpers

  /**
   * Creates storm-0 .. storm-(N-1), noting when each was created; returns when the first was. A 409 is a
   * create that succeeded: on a starved API server the client times out, retries, and finds it there.
   */
  static Instant createAll(Map<String, Instant> created, Consumer<String> create) {
    Instant t0 = Instant.now();
    for (String name : jobNames()) {
      created.put(name, Instant.now());
      try {
        create.accept(name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    return t0;
  }

  static List<String> jobNames() {
    return IntStream.range(0, JOBS).mapToObj(i -> "storm-" + i).toList();
  }

  /**
   * {@link #FULL_HISTORY}: one storm job's status once the operator has filled its history (about 4 minutes),
   * then the N jobs created in {@code namespace}, no operator watching it, each with a copy of that status.
   */
  static void createWithFullHistory(KubernetesClient admin, String namespace) throws Exception {
    String sourceNamespace = namespace + "-source";
    prepareNamespace(admin, sourceNamespace);
    FeatureJob source = job(FULL_HISTORY_SOURCE);
    // Retried every second instead of after 5-20 s: the same entries (nothing in status records the back-off
    // but nextRunTime, which is in the past anyway), 4 minutes instead of 10.
    source.getSpec().retryPolicy.initialBackoff = "1s";
    source.getSpec().retryPolicy.maxBackoff = "1s";
    admin.resource(source).inNamespace(sourceNamespace).create();
    String status;
    try {
      status = Serialization.asJson(StatusWriteBench.runUntilFullHistory(admin, sourceNamespace, source, pod -> {})
          .getStatus());
    } finally {
      admin.namespaces().withName(sourceNamespace).delete();
    }
    ExecutorService pool = Executors.newFixedThreadPool(8); // the API server's pace, not one round trip's
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (String name : jobNames()) {
        writes.add(pool.submit(() -> {
          FeatureJob job = admin.resource(job(name)).inNamespace(namespace).create();
          // Its pods' names (history, lastFailure) start with the job's name.
          job.setStatus(Serialization.unmarshal(
              status.replace('"' + FULL_HISTORY_SOURCE + '-', '"' + name + '-'), FeatureJobStatus.class));
          admin.resource(job).inNamespace(namespace).updateStatus();
          return null;
        }));
      }
      for (Future<?> write : writes) {
        write.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Seconds from {@code t0} until every job has its first pod, or NaN when not within {@link #COLD_START_LIMIT}. */
  static double awaitCount(Map<String, Instant> firstPod, Instant t0) throws InterruptedException {
    return awaitCount(firstPod, t0, () -> true);
  }

  /** The same, giving up early once {@code operatorAlive} says the operator process has exited. */
  static double awaitCount(Map<String, Instant> firstPod, Instant t0, BooleanSupplier operatorAlive)
      throws InterruptedException {
    Instant deadline = t0.plus(COLD_START_LIMIT);
    while (firstPod.size() < JOBS && Instant.now().isBefore(deadline) && operatorAlive.getAsBoolean()) {
      Thread.sleep(100);
    }
    if (firstPod.size() < JOBS) {
      return Double.NaN;
    }
    Instant last = firstPod.values().stream().max(Instant::compareTo).orElseThrow();
    return Duration.between(t0, last).toMillis() / 1000.0;
  }

  static <T> ResourceEventHandler<T> onAdd(Consumer<T> added) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        added.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {}

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  /** The namespace with deploy/job-namespace/ applied (the Spark ServiceAccount the driver pods name). */
  static void prepareNamespace(KubernetesClient admin, String namespace) throws Exception {
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    String yaml = Files.readString(Path.of("deploy", "job-namespace", "job-namespace.yaml"))
        .replaceAll("(?m)namespace: featurejob-jobs$", "namespace: " + namespace);
    for (HasMetadata item : admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      admin.resource(item).forceConflicts().serverSideApply();
    }
    try {
      admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
          .withName("default").endMetadata().build()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> before) {
    Map<String, Long> out = new TreeMap<>();
    now.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d > 0) {
        out.put(k, d);
      }
    });
    return out;
  }

  /** The operators' /metrics (one per shard). */
  static List<String> scrapeAll(List<Integer> ports) throws Exception {
    List<String> scrapes = new ArrayList<>();
    for (int port : ports) {
      scrapes.add(scrape(port));
    }
    return scrapes;
  }

  /** The sum of a metric's series over the scrapes; -1 when none has it. */
  static double sum(List<String> scrapes, String metric) {
    double total = -1;
    for (String metrics : scrapes) {
      for (String line : metrics.split("\n")) {
        if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
          total = Math.max(total, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return total;
  }

  static List<ScrapedSample> samples(List<String> scrapes) {
    return scrapes.stream().flatMap(text -> ScrapedSample.parse(text).stream()).toList();
  }

  /** How much a counter grew from one set of scrapes to the next; -1 when the later one lacks it. */
  static double increase(List<String> before, List<String> after, String metric) {
    double end = sum(after, metric);
    return end < 0 ? -1 : end - Math.max(0, sum(before, metric));
  }

  static String scrape(int port) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /**
   * The lowest heap after GC over 10 readings a second apart: the operators' threads and informers stop
   * asynchronously after close, so one reading can still count what they hold.
   */
  static long settledHeapAfterGc() throws InterruptedException {
    long lowest = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      lowest = Math.min(lowest, heapAfterGc());
      Thread.sleep(1000);
    }
    return lowest;
  }

  static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** CPU milliseconds per attempt, "n/a" when the CPU or the attempts are unknown. */
  static String msPer(double cpuSeconds, long attempts) {
    return cpuSeconds < 0 || attempts <= 0 ? "n/a" : String.format("%.1f", cpuSeconds * 1000 / attempts);
  }

  static String cores(double cpuSeconds) {
    return cpuSeconds < 0 ? "n/a" : String.format("%.2f", cpuSeconds / SECONDS);
  }

  /** User + system CPU seconds of process {@code pid} ("self": this JVM) from /proc; -1 when unknown. */
  static double cpuSeconds(String pid) throws Exception {
    return MachineCpu.processSeconds(pid);
  }

  /** The control plane's processes hack/bench.sh named, for {@link MachineCpu} (a PID left empty reads n/a). */
  static Map<String, String> controlPlanePids() {
    Map<String, String> pids = new LinkedHashMap<>();
    pids.put("kube-apiserver", APISERVER_PID);
    pids.put("etcd", ETCD_PID);
    pids.put("kube-scheduler", SCHEDULER_PID);
    pids.put("kube-controller-manager", KCM_PID);
    return pids;
  }

  /** VmRSS of /proc/{pid} ("self" for this JVM), -1 when unknown. */
  static long rssBytes(String pid) throws Exception {
    return ProcStatus.bytes(pid, "VmRSS");
  }

  static String loadAverage() throws Exception {
    String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
    return parts[0] + " " + parts[1] + " " + parts[2];
  }

  /** Go duration text of whole seconds. */
  static final class GoDurations {
    static String seconds(Duration d) {
      return d.toSeconds() + "s";
    }
  }
}

package io.featurejob.operator.demo;

import io.featurejob.operator.api.Labels;
import io.featurejob.operator.observe.ApiErrors;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays kube-scheduler, the kubelets and Spark for the operator's pods on a mock API server.
 *
 * <p>Watches driver pods ({@code app.kubernetes.io/managed-by=featurejob-operator},
 * {@code spark-role=driver}) and drives each through Pending, Running and Succeeded/Failed by
 * writing realistic statuses through the status subresource. When a driver runs it creates its
 * executor pods from the executor pod template, as Spark in client mode does, and deletes them
 * when the driver finishes or is deleted (the mock server has no garbage collector). The job's
 * {@link DriverScript} decides how each driver ends; the job only progresses once all its
 * executors run, so executors stuck Pending keep the driver Running until someone deletes it.
 *
 * <p>All simulation steps run on one thread, in order. Timestamps in statuses come from the
 * injected clock; the delays between steps are real time ({@link KubeletTimings}).
 *
 * <p>{@link #onRealApiServer()} switches the three writes that differ on a real kube-apiserver:
 * binding goes through the pods/binding subresource (spec.nodeName is immutable there), Node
 * status is written through its status subresource, and a deleted pod that was bound to a node is
 * finished with a zero grace period, as the kubelet confirms a deletion once its containers stopped.
 */
public final class SimulatedKubelet implements AutoCloseable {
  /** How long a status write is retried while the API server does not answer (its restart takes seconds). */
  static final Duration STATUS_RETRY = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(SimulatedKubelet.class);

  private final KubernetesClient client;
  private final SimulatedCluster cluster;
  private final Clock clock;
  private final KubeletTimings timings;
  private final ScheduledExecutorService loop;
  private final Map<String, DriverScript> scripts = new ConcurrentHashMap<>();
  private volatile DriverScript defaultScript;
  private final Map<String, SimulatedPod> drivers = new ConcurrentHashMap<>();
  private final Set<SimulatedPod> unschedulable = new LinkedHashSet<>();
  private final Map<String, AtomicInteger> driversCreated = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> executorsCreated = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> ipsPerNode = new ConcurrentHashMap<>();
  private final Runnable capacityListener = () -> submit(this::retryUnschedulable);
  private volatile SharedIndexInformer<Pod> informer;
  private volatile boolean closed;
  private volatile boolean realApiServer;

  public SimulatedKubelet(KubernetesClient client, SimulatedCluster cluster, Clock clock) {
    this(client, cluster, clock, KubeletTimings.defaults());
  }

  public SimulatedKubelet(KubernetesClient client, SimulatedCluster cluster, Clock clock, KubeletTimings timings) {
    this.client = client;
    this.cluster = cluster;
    this.clock = clock;
    this.timings = timings;
    this.defaultScript = DriverScript.always(DriverBehaviour.succeedAfter(timings.defaultRun()));
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "simulated-kubelet");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Talk to a real kube-apiserver (not the CRUD mock): bind through pods/binding, write Node status
   * through its subresource, confirm deletions of bound pods. Call before {@link #start()}.
   */
  public SimulatedKubelet onRealApiServer() {
    this.realApiServer = true;
    return this;
  }

  /** Registers the cluster's nodes and starts watching driver pods; returns this. */
  public SimulatedKubelet start() {
    cluster.registerNodes(client, realApiServer);
    cluster.onCapacityChange(capacityListener);
    // The mock server ignores set-based selectors: equality only.
    informer = client.pods().inAnyNamespace()
        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
        .withLabel(Labels.SPARK_ROLE, Labels.ROLE_DRIVER)
        .inform(new DriverPodHandler(), 0);
    return this;
  }

  /** Installs how drivers of {@code job} (the {@code featurejob.io/job} label) behave from now on. */
  public void script(String job, DriverScript script) {
    scripts.put(job, script);
  }

  /** How drivers of jobs without a script behave; by default they succeed after a second. */
  public void defaultScript(DriverScript script) {
    this.defaultScript = script;
  }

  /** Driver pods of {@code job} ever seen by this kubelet. */
  public int driversCreated(String job) {
    AtomicInteger count = driversCreated.get(job);
    return count == null ? 0 : count.get();
  }

  /** Executor pods created (as Spark) for drivers of {@code job}. */
  public int executorsCreated(String job) {
    AtomicInteger count = executorsCreated.get(job);
    return count == null ? 0 : count.get();
  }

  /** Driver pods currently being simulated (not finished, not deleted). */
  public int activeDrivers() {
    return (int) drivers.values().stream().filter(d -> !d.isOver()).count();
  }

  @Override
  public void close() {
    closed = true;
    cluster.removeCapacityListener(capacityListener);
    if (informer != null) {
      informer.close();
    }
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- informer -> simulation thread

  private final class DriverPodHandler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      submit(() -> admit(pod));
    }

    @Override
    public void onUpdate(Pod oldPod, Pod newPod) {
      // A pod being deleted with finalizers is gone for the kubelet's purposes.
      if (newPod.getMetadata().getDeletionTimestamp() != null) {
        submit(() -> {
          stopOnDeletion(newPod);
          forget(newPod.getMetadata().getUid());
          confirmDeletion(newPod);
        });
      }
    }

    @Override
    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
      submit(() -> forget(pod.getMetadata().getUid()));
    }
  }

  private void submit(Runnable step) {
    if (closed) {
      return;
    }
    try {
      loop.execute(() -> runStep(step));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void later(SimulatedPod owner, Duration delay, Runnable step) {
    if (closed) {
      return;
    }
    try {
      owner.timers.add(loop.schedule(() -> runStep(step), delay.toMillis(), TimeUnit.MILLISECONDS));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void runStep(Runnable step) {
    if (closed) {
      return;
    }
    try {
      step.run();
    } catch (RuntimeException e) {
      if (!closed) {
        log.warn("simulation step failed", e);
      }
    }
  }

  // ---- lifecycle

  private void admit(Pod pod) {
    String uid = pod.getMetadata().getUid();
    if (drivers.containsKey(uid) || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    PodStatus status = pod.getStatus();
    if (status != null && status.getContainerStatuses() != null && !status.getContainerStatuses().isEmpty()) {
      log.info("pod {}/{} already ran before this kubelet started; not simulating it",
          pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      return;
    }
    String job = pod.getMetadata().getLabels().getOrDefault(Labels.JOB, "");
    SimulatedPod driver = new SimulatedPod(pod, job, null, 0);
    drivers.put(uid, driver);
    driversCreated.computeIfAbsent(job, j -> new AtomicInteger()).incrementAndGet();
    later(driver, timings.scheduling(), () -> schedule(driver));
  }

  /**
   * A running driver is being deleted (kubectl delete, the Eviction API, a controller): the kubelet
   * stops its container (SIGTERM, exit 143), Spark's shutdown hook deletes the executors, and the pod
   * is Failed until it goes, keeping the DisruptionTarget condition the API server may have added.
   */
  private void stopOnDeletion(Pod deleting) {
    SimulatedPod driver = drivers.get(deleting.getMetadata().getUid());
    if (driver == null || driver.state != SimulatedPod.State.RUNNING) {
      return;
    }
    Instant at = now();
    String node = driver.facts.node().name();
    recordEvent(driver, PodEvents.killing(driver.pod, node, at));
    deleteExecutors(driver);
    PodCondition disruption = deleting.getStatus() == null || deleting.getStatus().getConditions() == null ? null
        : deleting.getStatus().getConditions().stream()
            .filter(c -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()))
            .findFirst().orElse(null);
    if (writeStatus(driver, PodStatuses.killedOnDeletion(driver.facts, at,
        PodStatuses.driverTerminationMessage(SparkLogs.driverSigterm(at), 143), disruption))) {
      driver.state = SimulatedPod.State.TERMINATED;
    }
  }

  private void forget(String uid) {
    SimulatedPod driver = drivers.get(uid);
    if (driver == null || driver.state == SimulatedPod.State.GONE) {
      return;
    }
    boolean finished = driver.state == SimulatedPod.State.TERMINATED;
    stop(driver);
    // The garbage collector deletes what the driver owns.
    deleteExecutors(driver);
    if (!finished) {
      log.info("driver {} deleted while {}; stopped simulating it", driver, driver.lastStatus == null
          ? "unscheduled" : driver.lastStatus.getPhase());
    }
  }

  private void stop(SimulatedPod pod) {
    pod.state = SimulatedPod.State.GONE;
    pod.timers.forEach(t -> t.cancel(false));
    pod.timers.clear();
    unschedulable.remove(pod);
  }

  private void retryUnschedulable() {
    for (SimulatedPod pod : new ArrayList<>(unschedulable)) {
      SimulatedPod owner = pod.isDriver() ? pod : pod.driver;
      later(owner, timings.scheduling(), () -> schedule(pod));
    }
  }

  /** kube-scheduler: bind to a node, or report why none fits and wait for capacity. */
  private void schedule(SimulatedPod pod) {
    if (pod.state != SimulatedPod.State.PENDING) {
      return;
    }
    SchedulingDecision decision = cluster.schedule(pod.pod.getSpec());
    if (decision instanceof SchedulingDecision.Unschedulable u) {
      unschedulable.add(pod);
      if (!u.message().equals(pod.unschedulableMessage)) {
        pod.unschedulableMessage = u.message();
        writeStatus(pod, PodStatuses.unschedulable(pod.facts.qosClass(), u.message(), now()));
        recordEvent(pod, PodEvents.failedScheduling(pod.pod, u.message(), now()));
      }
      if (u.shortPool() != null && !pod.capacityEventSent) {
        pod.capacityEventSent = true;
        recordCapacityShortage(pod, u.shortPool());
      }
      return;
    }
    SimulatedNode node = ((SchedulingDecision.Scheduled) decision).node();
    unschedulable.remove(pod);
    if (!bind(pod, node)) {
      return;
    }
    pod.state = SimulatedPod.State.STARTING;
    recordEvent(pod, PodEvents.scheduled(pod.pod, node.name(), now()));
    pod.facts = pod.facts.bound(node, nextPodIp(node), now());
    if (!writeStatus(pod, PodStatuses.containerCreating(pod.facts))) {
      return;
    }
    mountThenStart(pod, true);
  }

  /**
   * The kubelet mounts the pod's ConfigMap volumes before it creates the container: a volume whose
   * ConfigMap does not exist (an executor template deleted by hand) keeps the pod in ContainerCreating,
   * with a FailedMount event for each such volume, and the kubelet tries again until it appears (the real
   * one backs off to about 2 minutes and counts the repeats in the same events).
   */
  private void mountThenStart(SimulatedPod pod, boolean firstTry) {
    if (pod.state != SimulatedPod.State.STARTING) {
      return;
    }
    SimulatedPod owner = pod.isDriver() ? pod : pod.driver;
    List<Volume> missing = missingConfigMaps(pod.pod);
    if (!missing.isEmpty()) {
      if (firstTry) {
        String node = pod.facts.node().name();
        missing.forEach(v -> recordEvent(pod, PodEvents.failedMount(pod.pod, node, v.getName(),
            v.getConfigMap().getName(), now())));
      }
      later(owner, timings.containerStart(), () -> mountThenStart(pod, false));
      return;
    }
    if (pod.isDriver()) {
      pod.behaviour = behaviourFor(pod);
      if (pod.behaviour instanceof DriverBehaviour.ImagePullBackOff) {
        later(owner, timings.containerStart(), () -> pullFails(pod));
        return;
      }
    }
    later(owner, timings.containerStart(), () -> startContainer(pod));
  }

  /** The pod's ConfigMap volumes (not optional) whose ConfigMap is not on the API server. */
  private List<Volume> missingConfigMaps(Pod pod) {
    List<Volume> missing = new ArrayList<>();
    for (Volume v : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
      if (v.getConfigMap() != null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())
          && client.configMaps().inNamespace(pod.getMetadata().getNamespace()).withName(v.getConfigMap().getName())
              .get() == null) {
        missing.add(v);
      }
    }
    return missing;
  }

  private void pullFails(SimulatedPod driver) {
    if (driver.isOver()) {
      return;
    }
    writeStatus(driver, PodStatuses.imagePullFailing(driver.facts, false));
    later(driver, timings.imagePullBackOff(), () -> {
      if (!driver.isOver()) {
        writeStatus(driver, PodStatuses.imagePullFailing(driver.facts, true));
      }
    });
  }

  private void startContainer(SimulatedPod pod) {
    if (pod.state != SimulatedPod.State.STARTING) {
      return;
    }
    pod.facts = pod.facts.running(now());
    String node = pod.facts.node().name();
    recordEvent(pod, PodEvents.pulled(pod.pod, node, now()));
    recordEvent(pod, PodEvents.created(pod.pod, node, now()));
    recordEvent(pod, PodEvents.started(pod.pod, node, now()));
    if (!writeStatus(pod, PodStatuses.running(pod.facts))) {
      return;
    }
    pod.state = SimulatedPod.State.RUNNING;
    if (pod.isDriver()) {
      createExecutors(pod);
    } else if (pod.driver.executors.stream().allMatch(e -> e.state == SimulatedPod.State.RUNNING)) {
      beginWork(pod.driver);
    }
  }

  /** Spark's part: the running driver requests its executors from the API server. */
  private void createExecutors(SimulatedPod driver) {
    int instances = SparkExecutors.instances(driver.pod);
    Pod template = SparkExecutors.template(client, driver.pod);
    for (int id = 1; id <= instances; id++) {
      Pod executor = SparkExecutors.executor(driver.pod, template, id);
      Pod created;
      try {
        created = client.pods().inNamespace(driver.namespace).resource(executor).create();
      } catch (KubernetesClientException e) {
        log.warn("could not create executor {} of {}: {}", executor.getMetadata().getName(), driver, e.getMessage());
        continue;
      }
      executorsCreated.computeIfAbsent(driver.job, j -> new AtomicInteger()).incrementAndGet();
      SimulatedPod sim = new SimulatedPod(created, driver.job, driver, id);
      driver.executors.add(sim);
      later(driver, timings.scheduling(), () -> schedule(sim));
    }
    if (driver.executors.isEmpty()) {
      beginWork(driver);
    }
  }

  /** All executors run: the job makes progress and ends as the script says. */
  private void beginWork(SimulatedPod driver) {
    if (driver.workStarted || driver.isOver()) {
      return;
    }
    driver.workStarted = true;
    DriverBehaviour behaviour = driver.behaviour;
    if (behaviour instanceof DriverBehaviour.Succeed s) {
      later(driver, s.after(), () -> driverExits(driver, 0, "Completed", null));
    } else if (behaviour instanceof DriverBehaviour.Fail f) {
      later(driver, f.after(), () -> driverExits(driver, f.exitCode(), "Error", f.log().apply(now())));
    } else if (behaviour instanceof DriverBehaviour.DriverOomKilled o) {
      later(driver, o.after(), () -> driverExits(driver, 137, "OOMKilled", SparkLogs.killedMidTask(now(), "Executor")));
    } else if (behaviour instanceof DriverBehaviour.ExecutorOomThenFail o) {
      later(driver, o.after(), () -> executorOomKilled(driver));
    } else if (behaviour instanceof DriverBehaviour.SpotInterruption s) {
      later(driver, s.after(), () -> reclaimSpotNode(driver, s.how()));
    } else if (behaviour instanceof DriverBehaviour.DriverNodeShutdown s) {
      later(driver, s.after(), () -> shutDownDriverNode(driver));
    }
    // RunForever: nothing to schedule. ImagePullBackOff never gets here.
  }

  private void driverExits(SimulatedPod driver, int exitCode, String reason, String log) {
    if (driver.state != SimulatedPod.State.RUNNING) {
      return;
    }
    // SparkContext.stop() deletes the executors before the JVM exits.
    deleteExecutors(driver);
    if (writeStatus(driver, PodStatuses.driverExited(driver.facts, now(), exitCode, reason, log))) {
      driver.state = SimulatedPod.State.TERMINATED;
    }
  }

  private void executorOomKilled(SimulatedPod driver) {
    SimulatedPod victim = driver.executors.stream()
        .filter(e -> e.state == SimulatedPod.State.RUNNING).findFirst().orElse(null);
    if (driver.state != SimulatedPod.State.RUNNING || victim == null) {
      return;
    }
    PodStatus status = PodStatuses.exited(victim.facts, now(), 137, "OOMKilled",
        SparkLogs.killedMidTask(now(), "Executor"));
    if (writeStatus(victim, status)) {
      victim.state = SimulatedPod.State.TERMINATED;
    }
    later(driver, timings.executorLossNoticed(), () -> driverExits(driver, 1, "Error",
        SparkLogs.jobAbortedByLostExecutor(now(), victim.executorId, victim.facts.podIp(), status)));
  }

  /**
   * A spot node goes away: the driver's node if the driver is on spot, else the node of the
   * first executor on spot (else of the first executor). Only this application's pods on it are
   * affected, so one job's script never kills another job's pods.
   */
  private void reclaimSpotNode(SimulatedPod driver, DriverBehaviour.Reclaim how) {
    if (driver.state != SimulatedPod.State.RUNNING) {
      return;
    }
    List<SimulatedPod> running = driver.executors.stream()
        .filter(e -> e.state == SimulatedPod.State.RUNNING).toList();
    SimulatedNode node;
    if (driver.facts.node().pool().interruptible() || running.isEmpty()) {
      node = driver.facts.node();
    } else {
      node = running.stream().filter(e -> e.facts.node().pool().interruptible()).findFirst()
          .orElse(running.get(0)).facts.node();
    }
    List<SimulatedPod> victims = running.stream().filter(e -> e.facts.node().equals(node)).toList();
    boolean driverHit = driver.facts.node().equals(node);
    log.info("spot node {} reclaimed ({}) under {} of {}", node.name(), how,
        driverHit ? "the driver" : "executors", driver);
    if (how == DriverBehaviour.Reclaim.NODE_SHUTDOWN) {
      shutDownNode(driver, victims, driverHit);
    } else {
      evictByTaintManager(driver, victims, driverHit);
    }
  }

  /** The driver's node shuts down gracefully, with whatever of the application runs there. */
  private void shutDownDriverNode(SimulatedPod driver) {
    if (driver.state != SimulatedPod.State.RUNNING) {
      return;
    }
    SimulatedNode node = driver.facts.node();
    log.info("node {} ({}) shut down under the driver of {}", node.name(), node.pool().name(), driver);
    shutDownNode(driver, driver.executors.stream()
        .filter(e -> e.state == SimulatedPod.State.RUNNING && e.facts.node().equals(node)).toList(), true);
  }

  /** Graceful node shutdown: the victims end Failed/Terminated and stay for everyone to see. */
  private void shutDownNode(SimulatedPod driver, List<SimulatedPod> victims, boolean driverHit) {
    Instant at = now();
    SimulatedPod lost = null;
    PodStatus lostStatus = null;
    for (SimulatedPod executor : victims) {
      PodStatus status = PodStatuses.nodeShutdown(executor.facts, at, PodStatuses.fallbackToLogs(SparkLogs.executorSigterm(at)));
      if (writeStatus(executor, status)) {
        executor.state = SimulatedPod.State.TERMINATED;
        if (lost == null) {
          lost = executor;
          lostStatus = status;
        }
      }
    }
    if (driverHit) {
      deleteExecutors(driver); // the SIGTERMed driver's shutdown hook stops the SparkContext
      if (writeStatus(driver, PodStatuses.nodeShutdown(driver.facts, at,
          PodStatuses.driverTerminationMessage(SparkLogs.driverSigterm(at), 143)))) {
        driver.state = SimulatedPod.State.TERMINATED;
      }
      return;
    }
    SimulatedPod executor = lost;
    PodStatus status = lostStatus;
    if (executor != null) {
      later(driver, timings.executorLossNoticed(), () -> driverExits(driver, 1, "Error",
          SparkLogs.jobAbortedByLostExecutor(now(), executor.executorId, executor.facts.podIp(), status)));
    }
  }

  /** The node vanished: the taint manager marks its pods DisruptionTarget, then deletes them. */
  private void evictByTaintManager(SimulatedPod driver, List<SimulatedPod> victims, boolean driverHit) {
    Instant at = now();
    List<SimulatedPod> marked = new ArrayList<>(victims);
    if (driverHit) {
      marked.add(driver);
    }
    for (SimulatedPod pod : marked) {
      writeStatus(pod, PodStatuses.markedForTaintEviction(pod.lastStatus, at));
    }
    later(driver, timings.executorLossNoticed(), () -> {
      for (SimulatedPod executor : victims) {
        stop(executor);
        delete(executor);
      }
      if (driverHit) {
        deleteExecutors(driver); // the garbage collector follows the driver
        stop(driver);
        delete(driver);
        return;
      }
      if (!victims.isEmpty()) {
        SimulatedPod executor = victims.get(0);
        later(driver, timings.executorLossNoticed(), () -> driverExits(driver, 1, "Error",
            SparkLogs.jobAbortedByDeletedExecutor(now(), executor.executorId, executor.facts.podIp())));
      }
    });
  }

  /**
   * Spark (or the garbage collector) deletes the driver's executors. A running one is stopped by its
   * kubelet first: Failed, exit 143, as the real node shows every executor of a finished application.
   */
  private void deleteExecutors(SimulatedPod driver) {
    for (SimulatedPod executor : driver.executors) {
      if (executor.state == SimulatedPod.State.GONE) {
        continue;
      }
      if (executor.state == SimulatedPod.State.RUNNING) {
        Instant at = now();
        recordEvent(executor, PodEvents.killing(executor.pod, executor.facts.node().name(), at));
        writeStatus(executor, PodStatuses.killedOnDeletion(executor.facts, at,
            PodStatuses.fallbackToLogs(SparkLogs.executorSigterm(at)), null));
      }
      stop(executor);
      delete(executor);
    }
  }

  private void delete(SimulatedPod pod) {
    try {
      var resource = client.pods().inNamespace(pod.namespace).withName(pod.name);
      // On a real API server a bound pod stays Terminating until its kubelet confirms: do both at once.
      (realApiServer ? resource.withGracePeriod(0) : resource).delete();
    } catch (KubernetesClientException e) {
      if (!closed) {
        log.debug("could not delete pod {}: {}", pod, e.getMessage());
      }
    }
  }

  private DriverBehaviour behaviourFor(SimulatedPod driver) {
    DriverScript script = scripts.getOrDefault(driver.job, defaultScript);
    try {
      DriverBehaviour behaviour = script.behaviourFor(driver.pod, cluster);
      return behaviour != null ? behaviour : DriverBehaviour.succeedAfter(timings.defaultRun());
    } catch (RuntimeException e) {
      log.warn("script for job {} failed; driver {} will succeed", driver.job, driver, e);
      return DriverBehaviour.succeedAfter(timings.defaultRun());
    }
  }

  // ---- API writes

  /**
   * The kubelet of a terminating pod's node: once the containers stopped (after
   * {@link KubeletTimings#executorLossNoticed()}), the pod object may go.
   */
  private void confirmDeletion(Pod pod) {
    if (!realApiServer || pod.getSpec() == null || pod.getSpec().getNodeName() == null || closed) {
      return;
    }
    try {
      loop.schedule(() -> runStep(() -> finishDeletion(pod)), timings.executorLossNoticed().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void finishDeletion(Pod pod) {
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      log.debug("could not finish deleting pod {}: {}", pod.getMetadata().getName(), e.getMessage());
    }
  }

  /**
   * The scheduler's binding. A real API server takes it through the pods/binding subresource
   * (spec.nodeName is immutable); the mock has no binding subresource, so there it patches spec.nodeName.
   */
  private boolean bind(SimulatedPod pod, SimulatedNode node) {
    if (realApiServer) {
      try {
        client.bindings().inNamespace(pod.namespace).resource(new BindingBuilder()
            .withNewMetadata().withName(pod.name).withNamespace(pod.namespace).withUid(pod.uid).endMetadata()
            .withNewTarget().withApiVersion("v1").withKind("Node").withName(node.name()).endTarget()
            .build()).create();
        pod.pod.getSpec().setNodeName(node.name());
        return true;
      } catch (KubernetesClientException e) {
        return handleWriteFailure(pod, e);
      }
    }
    try {
      client.pods().inNamespace(pod.namespace).withName(pod.name).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"nodeName\":\"" + node.name() + "\"}}");
      pod.pod.getSpec().setNodeName(node.name());
      return true;
    } catch (KubernetesClientException e) {
      return handleWriteFailure(pod, e);
    }
  }

  /**
   * Replaces the pod's status through the status subresource, with optimistic locking. Like a kubelet's
   * status manager, it keeps trying while the API server is away (a restart, a paused etcd), for up to
   * {@link #STATUS_RETRY}: a status lost there would leave the pod Running forever.
   */
  private boolean writeStatus(SimulatedPod pod, PodStatus status) {
    long giveUpAt = System.nanoTime() + STATUS_RETRY.toNanos();
    int conflicts = 0;
    while (conflicts < 5 && !pod.isGoneOrClosed(closed)) {
      try {
        Pod current = client.pods().inNamespace(pod.namespace).withName(pod.name).get();
        if (current == null || !pod.uid.equals(current.getMetadata().getUid())) {
          stop(pod);
          return false;
        }
        // the generation it acted on: 1, or 2 once the pod's deletion began (a real API server bumps it)
        PodStatus observed = PodStatuses.observed(status,
            current.getMetadata().getGeneration() == null ? 1L : current.getMetadata().getGeneration());
        current.setStatus(observed);
        client.pods().inNamespace(pod.namespace).resource(current).updateStatus();
        pod.lastStatus = observed;
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          conflicts++; // a newer pod: read it again
        } else if (ApiErrors.isTransient(e.getCode(), e.getMessage()) && System.nanoTime() < giveUpAt) {
          sleepQuietly(Duration.ofSeconds(1)); // the API server is away: the same write again
        } else {
          return handleWriteFailure(pod, e);
        }
      }
    }
    return false;
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean handleWriteFailure(SimulatedPod pod, KubernetesClientException e) {
    if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
      stop(pod); // deleted under us: nothing left to simulate
    } else if (!closed) {
      log.warn("could not update pod {}: {}", pod, e.getMessage());
    }
    return false;
  }

  /** Records an event of the scheduler or the kubelet about {@code pod} (best effort, as theirs are). */
  private void recordEvent(SimulatedPod pod, io.fabric8.kubernetes.api.model.Event event) {
    try {
      client.v1().events().inNamespace(pod.namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      log.debug("could not record event {} for {}: {}", event.getReason(), pod, e.getMessage());
    }
  }

  /** What the node provisioner reports when it cannot add a node for the pod. */
  private void recordCapacityShortage(SimulatedPod pod, NodePool pool) {
    boolean karpenter = pool.nodeLabels().containsKey("karpenter.sh/nodepool");
    String component = karpenter ? "karpenter" : "cluster-autoscaler";
    // Karpenter reports its launch failure on the pod; cluster-autoscaler reports a failed scale-up.
    String message = karpenter
        ? "Failed to schedule pod, could not launch nodeclaim for nodepool \"" + pool.name() + "\", "
            + pool.capacityShortage()
        : "Node scale up in node group " + pool.name() + " associated with this pod failed: "
            + pool.capacityShortage() + ". Pod is at risk of not being scheduled.";
    String time = PodStatuses.time(now());
    try {
      client.v1().events().inNamespace(pod.namespace).resource(new EventBuilder()
          .withNewMetadata().withGenerateName(pod.name + ".").withNamespace(pod.namespace).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
              .withNamespace(pod.namespace).withName(pod.name).withUid(pod.uid).build())
          .withType("Warning")
          .withReason(karpenter ? "FailedScheduling" : "FailedScaleUp")
          .withMessage(message)
          .withNewSource().withComponent(component).endSource()
          .withReportingComponent(component)
          .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
          .build()).create();
    } catch (KubernetesClientException e) {
      log.debug("could not record event for {}: {}", pod, e.getMessage());
    }
  }

  private String nextPodIp(SimulatedNode node) {
    int n = ipsPerNode.computeIfAbsent(node.name(), k -> new AtomicInteger()).getAndIncrement();
    return "10.1." + node.index() + "." + (2 + n % 250);
  }

  private Instant now() {
    return clock.instant();
  }
}

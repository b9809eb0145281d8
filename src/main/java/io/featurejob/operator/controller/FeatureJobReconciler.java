package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.classify.Redactor;
import io.featurejob.operator.events.EventRecorder;
import io.featurejob.operator.metrics.FeatureJobMetrics;
import io.featurejob.operator.metrics.JobSnapshot;
import io.featurejob.operator.observe.AttemptObserver;
import io.featurejob.operator.observe.Observation;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.policy.Decider;
import io.featurejob.operator.policy.Decision;
import io.featurejob.operator.policy.JobRef;
import io.featurejob.operator.policy.SpecResolver;
import io.featurejob.operator.spark.PodAttempt;
import io.featurejob.operator.spark.PodNames;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin JOSDK glue around the pure core: observe the pods, decide, act (create or delete one pod),
 * record (events, metrics), patch status once, and tell JOSDK when to come back.
 */
// Not generation-aware: an unblock annotation must trigger a reconcile (see ReconcileTriggers).
@ControllerConfiguration(name = FeatureJobReconciler.NAME, generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ReconcileTriggers.class))
public class FeatureJobReconciler implements Reconciler<FeatureJob>, Cleaner<FeatureJob> {
  public static final String NAME = "featurejob";

  private static final Logger LOG = LoggerFactory.getLogger(FeatureJobReconciler.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper STATUS_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final Clock clock;
  private final SpecResolver resolver;
  private final Decider decider;
  private final Classifier classifier;
  private final AttemptObserver observer = new AttemptObserver();
  private final DriverPods driverPods;
  private final EventRecorder events;
  private final FeatureJobMetrics metrics;

  FeatureJobReconciler(Clock clock, SpecResolver resolver, Classifier classifier, DriverPods driverPods,
      EventRecorder events, FeatureJobMetrics metrics) {
    this.clock = clock;
    this.resolver = resolver;
    this.decider = new Decider(PodNames::driverPod);
    this.classifier = classifier;
    this.driverPods = driverPods;
    this.events = events;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, FeatureJob>> prepareEventSources(EventSourceContext<FeatureJob> context) {
    // Equality selector only: the CRUD mock server ignores set-based selectors.
    InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration.from(Pod.class, FeatureJob.class)
        .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
        .withSecondaryToPrimaryMapper(FeatureJobReconciler::owningJob)
        .build();
    return List.of(new InformerEventSource<>(pods, context));
  }

  /** Drivers are owned by their FeatureJob; executors (owned by the driver) name the job in a label. */
  private static Set<ResourceID> owningJob(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    for (OwnerReference owner : pod.getMetadata().getOwnerReferences()) {
      if ("FeatureJob".equals(owner.getKind())) {
        return Set.of(new ResourceID(owner.getName(), namespace));
      }
    }
    String job = pod.getMetadata().getLabels().get(Labels.JOB);
    return job == null ? Set.of() : Set.of(new ResourceID(job, namespace));
  }

  @Override
  public UpdateControl<FeatureJob> reconcile(FeatureJob job, Context<FeatureJob> context) {
    Instant now = clock.instant();
    String namespace = job.getMetadata().getNamespace();
    String jobLabel = PodNames.jobLabelValue(job.getMetadata().getName());
    List<Pod> pods = context.getSecondaryResourcesAsStream(Pod.class)
        .filter(p -> jobLabel.equals(p.getMetadata().getLabels().get(Labels.JOB)))
        .collect(Collectors.toList());

    FeatureJobStatus status = adoptOrphanDriver(job.getStatus(), pods);
    SpecResolver.Result resolved = resolver.resolve(job.getSpec());
    Pod driver = currentDriver(namespace, status, pods);
    if (driver == null && resolved.valid() && recordedButNotCreated(status, now)) {
      // The status recorded this attempt but the operator stopped before creating its pod: create it now.
      driverPods.launch(job, resolved.spec(), PodAttempt.planFromAttempt(status.currentAttempt));
      return UpdateControl.<FeatureJob>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
    }
    Observation observation = status == null || status.currentAttempt == null
        ? new Observation.NoPod()
        : observer.observe(driver, executorsOf(status.currentAttempt, pods), classifier, now);
    JobRef ref = jobRef(job);
    Decision decision = decider.decide(ref, resolved, status, observation, now);

    // Record first, act second: a decision taken on a stale view fails here with a conflict (optimistic
    // locking) before it has created or deleted anything; JOSDK then reconciles again on fresh state.
    FeatureJob written = writeStatus(job, decision, context);
    if (decision.deletePod() != null) {
      driverPods.delete(namespace, decision.deletePod());
    }
    if (decision.launch() != null) {
      try {
        driverPods.launch(job, resolved.spec(), decision.launch());
      } catch (KubernetesClientException e) {
        if (e.getCode() < 400 || e.getCode() >= 500 || e.getCode() == 409) {
          throw e; // transient: JOSDK retries the reconcile; the recorded attempt is launched then
        }
        // The API server refused the pod (bad field, quota, admission): a failed attempt, not a crash loop.
        record(job, decision);
        String message = Redactor.redact("the API server rejected driver pod " + decision.launch().podName() + ": "
            + e.getMessage());
        Observation rejected = new Observation.Failed(now, new Classification(FailureClass.ConfigError,
            "builtin:pod-rejected", "pod create returned HTTP " + e.getCode(), message, null, null), false);
        decision = decider.decide(ref, resolved, decision.status(), rejected, now);
        writeStatus(written, decision, context);
      }
    }
    record(job, decision);
    cleanUpOldDrivers(namespace, decision.status(), pods);
    updateGauges(job, resolved, decision.status());
    return UpdateControl.<FeatureJob>noUpdate().rescheduleAfter(decision.requeueAfter());
  }

  /**
   * Status subresource update with the read resourceVersion (409 on a stale view), cached for the next
   * reconcile. Skipped when nothing changed (most reconciles are wake-ups with nothing due): a decision
   * that acts (launch, delete) always changes status, so skipping never lets a stale decision act.
   */
  private static FeatureJob writeStatus(FeatureJob job, Decision decision, Context<FeatureJob> context) {
    if (STATUS_JSON.valueToTree(decision.status()).equals(STATUS_JSON.valueToTree(job.getStatus()))) {
      return job;
    }
    return PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(job, context, j -> {
      j.setStatus(decision.status());
      return j;
    });
  }

  @Override
  public DeleteControl cleanup(FeatureJob job, Context<FeatureJob> context) {
    // Pods and the template ConfigMap are owned by the job: Kubernetes garbage-collects them.
    metrics.removeJob(job.getMetadata().getNamespace(), job.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  // ------------------------------------------------------------------ observe

  /**
   * If the status lost track of a driver pod (the operator stopped between creating the pod and
   * recording it), take that pod as the current attempt instead of launching a duplicate.
   */
  static FeatureJobStatus adoptOrphanDriver(FeatureJobStatus status, List<Pod> pods) {
    if (status != null && status.currentAttempt != null) {
      return status;
    }
    List<HistoryEntry> history = status == null || status.history == null ? List.of() : status.history;
    Set<String> recorded = history.stream().map(h -> h.podName).collect(Collectors.toSet());
    Instant newestRecorded = history.isEmpty() ? null : Times.parse(history.get(0).startTime);
    Optional<Pod> orphan = pods.stream()
        .filter(DriverPods::isDriver)
        .filter(p -> !recorded.contains(p.getMetadata().getName()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> newestRecorded == null || !created(p).isBefore(newestRecorded))
        .max(Comparator.comparing(FeatureJobReconciler::created));
    if (orphan.isEmpty()) {
      return status;
    }
    FeatureJobStatus adopted = status == null ? new FeatureJobStatus() : status;
    Attempt attempt = PodAttempt.fromPod(orphan.get());
    if (attempt.startTime == null) {
      attempt.startTime = Times.format(created(orphan.get()));
    }
    adopted.currentAttempt = attempt;
    LOG.info("adopted driver pod {} as the current attempt", attempt.podName);
    return adopted;
  }

  /** Grace period in which a recorded attempt without a pod is (re)created rather than counted as deleted. */
  static final Duration LAUNCH_GRACE = Duration.ofSeconds(30);

  private static boolean recordedButNotCreated(FeatureJobStatus status, Instant now) {
    if (status == null || status.currentAttempt == null) {
      return false;
    }
    Instant started = Times.parse(status.currentAttempt.startTime);
    return started != null && Duration.between(started, now).compareTo(LAUNCH_GRACE) < 0;
  }

  private Pod currentDriver(String namespace, FeatureJobStatus status, List<Pod> pods) {
    if (status == null || status.currentAttempt == null) {
      return null;
    }
    String name = status.currentAttempt.podName;
    return pods.stream().filter(p -> name.equals(p.getMetadata().getName())).findFirst()
        // The informer may lag behind a pod created moments ago: ask the API server before calling it gone.
        .orElseGet(() -> driverPods.get(namespace, name));
  }

  private static List<Pod> executorsOf(Attempt attempt, List<Pod> pods) {
    return pods.stream()
        .filter(p -> Labels.ROLE_EXECUTOR.equals(p.getMetadata().getLabels().get(Labels.SPARK_ROLE)))
        .filter(p -> Objects.equals(attempt.runId, p.getMetadata().getLabels().get(Labels.RUN)))
        .filter(p -> String.valueOf(attempt.attempt).equals(p.getMetadata().getLabels().get(Labels.ATTEMPT)))
        .collect(Collectors.toList());
  }

  // ------------------------------------------------------------------ act and record

  private void record(FeatureJob job, Decision decision) {
    for (Decision.Event e : decision.events()) {
      events.record(job, e.reason(), e.message());
      LOG.info("{}/{} {}: {}", job.getMetadata().getNamespace(), job.getMetadata().getName(), e.reason(), e.message());
    }
    for (Decision.FinishedAttempt f : decision.finished()) {
      double seconds = f.duration().toMillis() / 1000.0;
      Map<CapacityType, Double> compute = new EnumMap<>(CapacityType.class);
      compute.merge(f.driverCapacity(), seconds, Double::sum);
      compute.merge(f.executorCapacity(), seconds * f.executorInstances(), Double::sum);
      metrics.recordRunFinished(job.getMetadata().getNamespace(), job.getMetadata().getName(), f.outcome(),
          f.failureClass(), f.duration(), compute);
    }
  }

  /** Finished driver pods that fell out of the bounded history are deleted so pods do not pile up. */
  private void cleanUpOldDrivers(String namespace, FeatureJobStatus status, List<Pod> pods) {
    Set<String> keep = new HashSet<>();
    if (status.history != null) {
      status.history.forEach(h -> keep.add(h.podName));
    }
    if (status.currentAttempt != null) {
      keep.add(status.currentAttempt.podName);
    }
    Instant oldestKept = status.history == null || status.history.isEmpty() ? null
        : Times.parse(status.history.get(status.history.size() - 1).startTime);
    for (Pod pod : pods) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      boolean finished = "Succeeded".equals(phase) || "Failed".equals(phase);
      if (DriverPods.isDriver(pod) && finished && !keep.contains(pod.getMetadata().getName())
          && oldestKept != null && created(pod).isBefore(oldestKept)) {
        driverPods.delete(namespace, pod.getMetadata().getName());
      }
    }
  }

  private void updateGauges(FeatureJob job, SpecResolver.Result resolved, FeatureJobStatus status) {
    if (!resolved.valid()) {
      return;
    }
    metrics.updateJob(new JobSnapshot(
        job.getMetadata().getNamespace(),
        job.getMetadata().getName(),
        resolved.spec().featureView(),
        resolved.spec().importance(),
        job.getMetadata().getLabels(),
        Objects.requireNonNullElse(status.consecutiveFailures, 0),
        Conditions.isTrue(status, Conditions.ALERTING),
        status.phase == Phase.PermanentlyFailed,
        Times.parse(status.lastSuccessTime),
        resolved.spec().freshnessSLO(),
        Times.parse(status.nextRunTime),
        status.lastFailure == null ? null : status.lastFailure.failureClass));
  }

  private static JobRef jobRef(FeatureJob job) {
    Map<String, String> annotations = job.getMetadata().getAnnotations();
    return new JobRef(
        job.getMetadata().getNamespace(),
        job.getMetadata().getName(),
        job.getMetadata().getUid(),
        Objects.requireNonNullElse(Times.parse(job.getMetadata().getCreationTimestamp()), Instant.EPOCH),
        Objects.requireNonNullElse(job.getMetadata().getGeneration(), 0L),
        annotations == null ? null : annotations.get(Labels.UNBLOCK),
        annotations == null ? null : annotations.get(Labels.RUN_NOW));
  }

  private static Instant created(Pod pod) {
    return Objects.requireNonNullElse(Times.parse(pod.getMetadata().getCreationTimestamp()), Instant.EPOCH);
  }

}

package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.classify.Redactor;
import io.featurejob.operator.events.EventRecorder;
import io.featurejob.operator.metrics.FeatureJobMetrics;
import io.featurejob.operator.metrics.JobSnapshot;
import io.featurejob.operator.observe.ApiErrors;
import io.featurejob.operator.observe.JobPods;
import io.featurejob.operator.observe.Observation;
import io.featurejob.operator.observe.PodsObserver;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.policy.Decider;
import io.featurejob.operator.policy.Decision;
import io.featurejob.operator.policy.JobRef;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.PoolShortage;
import io.featurejob.operator.policy.PoolShortages;
import io.featurejob.operator.policy.ReconcileFailure;
import io.featurejob.operator.policy.SpecResolver;
import io.featurejob.operator.spark.PodNames;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin JOSDK glue around the pure core: observe the pods ({@link PodsObserver}), decide ({@link Decider}),
 * write status once with optimistic locking, act (delete and create pods, idempotently), record (events,
 * metrics), and tell JOSDK when to come back. Transient API errors go to JOSDK's retry; anything else
 * unexpected becomes a ReconcileError condition and a Warning event ({@link ReconcileFailure}).
 */
// Not generation-aware: an unblock annotation must trigger a reconcile (see ReconcileTriggers).
// All events, the delete too, come to reconcile: no finalizer, the delete event drops the job's metric series.
@ControllerConfiguration(name = FeatureJobReconciler.NAME, generationAwareEventProcessing = false,
    triggerReconcilerOnAllEvents = true, informer = @Informer(onUpdateFilter = ReconcileTriggers.class))
public class FeatureJobReconciler implements Reconciler<FeatureJob> {
  public static final String NAME = "featurejob";

  private static final Logger LOG = LoggerFactory.getLogger(FeatureJobReconciler.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper STATUS_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final Clock clock;
  /** Each job's spec resolved once per generation. */
  private final ResolvedSpecs resolvedSpecs;
  private final Decider decider;
  private final Classifier classifier;
  private final PodsObserver podsObserver = new PodsObserver();
  private final DriverPods driverPods;
  private final EventRecorder events;
  private final FeatureJobMetrics metrics;
  /** Watch referenced Secrets and ConfigMaps: a change on a failing job retries it ({@link ReferenceWatch}). */
  private final boolean watchReferences;
  /** The jobs and pods this operator handles; another shard's are cached as stubs and mapped to no job. */
  private final ShardFilter shard;
  /** Capacity shortages seen on spot pools, shared by every job of this process ({@link PoolShortages}). */
  private final PoolShortages shortages = new PoolShortages();

  FeatureJobReconciler(Clock clock, SpecResolver resolver, Classifier classifier, DriverPods driverPods,
      EventRecorder events, FeatureJobMetrics metrics) {
    this(clock, resolver, classifier, driverPods, events, metrics, false, ShardFilter.ALL);
  }

  FeatureJobReconciler(Clock clock, SpecResolver resolver, Classifier classifier, DriverPods driverPods,
      EventRecorder events, FeatureJobMetrics metrics, boolean watchReferences, ShardFilter shard) {
    this.watchReferences = watchReferences;
    this.shard = shard;
    this.clock = clock;
    this.resolvedSpecs = new ResolvedSpecs(resolver);
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
        // Another shard's pod maps to no job: no event, and no entry in JOSDK's job-to-pods index.
        .withSecondaryToPrimaryMapper(pod -> shard.ownsPod(pod) ? owningJob(pod) : Set.of())
        .withGenericFilter(shard::ownsPod)
        .withItemStore(CacheTrimming.store(CacheTrimming::pod, shard::ownsPod, CacheTrimming::podStub))
        .withInformerListLimit(CacheTrimming.LIST_PAGE)
        .build();
    List<EventSource<?, FeatureJob>> sources = new ArrayList<>();
    sources.add(new InformerEventSource<>(pods, context));
    if (watchReferences) {
      sources.addAll(ReferenceWatch.eventSources(context, shard));
    }
    return sources;
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
    if (context.isPrimaryResourceDeleted() || context.isPrimaryResourceFinalStateUnknown()) {
      forget(job);
      return UpdateControl.noUpdate();
    }
    if (LegacyFinalizer.present(job)) {
      job = LegacyFinalizer.remove(context); // an error goes to JOSDK's retry
    }
    if (job == null || job.isMarkedForDeletion()) {
      return UpdateControl.noUpdate(); // e.g. foreground deletion: start nothing; the delete event follows
    }
    Instant now = clock.instant();
    try {
      return pass(job, context, now, true);
    } catch (KubernetesClientException e) {
      // No HTTP status: transient only when the connection failed, not e.g. when a body did not parse.
      boolean clientSide = e.getCode() <= 0
          && !(e.getCause() instanceof IOException || e.getCause() instanceof TimeoutException);
      int retry = context.getRetryInfo().map(r -> r.getAttemptCount()).orElse(0);
      if (!clientSide && ApiErrors.isTransient(e.getCode(), e.getMessage()) && !ApiErrors.persists(retry)) {
        throw e; // JOSDK retries with backoff, without a limit (FeatureJobOperator); the decision is taken again
      }
      return reportError(job, context, e, now); // a condition and an event, never a counted failure
    } catch (RuntimeException e) {
      return reportError(job, context, e, now);
    }
  }

  /** Observe, decide, write status once (locked), act, record; then come back at the decision's deadline. */
  private UpdateControl<FeatureJob> pass(FeatureJob job, Context<FeatureJob> context, Instant now, boolean first) {
    String namespace = job.getMetadata().getNamespace();
    withCreatedPodUid(job);
    SpecResolver.Result resolved = resolvedSpecs.of(job);
    JobPods pods = podsObserver.observe(job.getMetadata().getUid(), job.getStatus(), podsOf(job, context), classifier,
        now);
    JobRef ref = watchReferences ? JobRef.of(job).withReferences(ReferenceWatch.fingerprint(job, context))
        : JobRef.of(job);
    // The status this decision starts from, for choosing its events: the status write below replaces
    // job's status object in place (JOSDK's modification function runs on job).
    FeatureJobStatus before = job.getStatus();
    String pool = PoolShortages.poolOf(executorNodeSelector(job));
    PoolShortage shortage = shortages.shortage(pool, now);
    Decision decision = decider.decide(ref, resolved, before, pods, now, shortage);
    shortages.observe(pool, decision.finished(), now);

    // Record first, act second: a decision taken on a stale view (a paused former leader, a lagging cache)
    // fails here with a conflict before it creates or deletes anything; JOSDK reconciles again on fresh state.
    FeatureJob written = writeStatus(job, decision, context);
    for (String pod : decision.deletePods()) {
      driverPods.delete(namespace, pod); // idempotent: a pod already gone is success
    }
    if (TemplateWrites.healsAfter(decision.finished())) {
      driverPods.suspectTemplate(job.getMetadata().getUid());
    }
    if (decision.launch() != null) {
      try {
        DriverPods.Launch launched = driverPods.launch(job, resolved.spec(), decision.launch(),
            written.getMetadata().getResourceVersion()); // SUPERSEDED: created nothing; the next pass decides
        if (launched == DriverPods.Launch.CREATED) {
          recordRetryDelay(before, decision.launch(), now);
        }
        if (launched == DriverPods.Launch.NAME_TAKEN && first) {
          record(job, before, decision);
          return pass(written, context, now, false); // the name is taken: look at whose pod it is
        }
      } catch (KubernetesClientException e) {
        if (ApiErrors.ofCreate(e.getCode(), e.getMessage()) != ApiErrors.Kind.Rejected) {
          throw e; // transient: the attempt stays recorded without a pod and is created on a later pass
        }
        record(job, before, decision);
        Observation rejected = new Observation.Rejected(e.getCode(), Redactor.redact(e.getMessage()));
        before = decision.status();
        decision = decider.decide(ref, resolved, before, pods.withAttempt(rejected), now, shortage);
        writeStatus(written, decision, context);
      }
    }
    record(job, before, decision);
    updateGauges(job, resolved, decision.status());
    // From now, not from when the decision was taken: the writes above may have waited on a busy API server.
    return UpdateControl.<FeatureJob>noUpdate().rescheduleAfter(decision.requeueAfter(clock.instant()));
  }

  /** A retry's pod was created: how late, against the back-off's end the status recorded ({@code before}). */
  private void recordRetryDelay(FeatureJobStatus before, LaunchPlan launch, Instant decidedAt) {
    Instant due = before == null ? null : Times.parse(before.nextRunTime);
    if (launch.trigger() == LaunchPlan.Trigger.Retry && due != null) {
      metrics.recordRetryLaunched(Duration.between(due, decidedAt), Duration.between(due, clock.instant()));
    }
  }

  private static Map<String, String> executorNodeSelector(FeatureJob job) {
    return job.getSpec() == null || job.getSpec().spark == null || job.getSpec().spark.executor == null ? null
        : job.getSpec().spark.executor.nodeSelector;
  }

  /**
   * Fills in the attempt's pod uid when this process created that pod and the status does not record it
   * yet (on {@code job}, JOSDK's copy of the cached object). The decision then needs no status write of
   * its own just to record the uid (one write less per attempt); the next write carries it. A restarted
   * process knows nothing here and records the uid from the pod it sees, as before.
   */
  private void withCreatedPodUid(FeatureJob job) {
    Attempt attempt = job.getStatus() == null ? null : job.getStatus().currentAttempt;
    if (attempt != null && attempt.podUid == null && attempt.podName != null) {
      attempt.podUid = driverPods.createdUid(job.getMetadata().getUid(), attempt.podName);
    }
  }

  /** An unexpected error: a ReconcileError condition and a Warning event, and a look again later (never silence). */
  private UpdateControl<FeatureJob> reportError(FeatureJob job, Context<FeatureJob> context, RuntimeException error,
      Instant now) {
    LOG.error("{}/{}: reconcile failed", job.getMetadata().getNamespace(), job.getMetadata().getName(), error);
    FeatureJobStatus before = job.getStatus();
    Decision decision = ReconcileFailure.decide(JobRef.of(job), before, error, now);
    try {
      writeStatus(job, decision, context);
    } catch (RuntimeException e) {
      error.addSuppressed(e);
      throw error; // not even the status can be written: JOSDK retries with backoff
    }
    record(job, before, decision);
    return UpdateControl.<FeatureJob>noUpdate().rescheduleAfter(decision.requeueAfter(clock.instant()));
  }

  /**
   * The pods carrying the job's label, from the informer cache. The attempt's pod may be missing from
   * the cache moments after its creation: then the API server is asked before calling it gone.
   */
  private List<Pod> podsOf(FeatureJob job, Context<FeatureJob> context) {
    String jobLabel = PodNames.jobLabelValue(job.getMetadata().getName());
    List<Pod> pods = context.getSecondaryResourcesAsStream(Pod.class)
        .filter(p -> jobLabel.equals(p.getMetadata().getLabels().get(Labels.JOB)))
        .collect(Collectors.toCollection(ArrayList::new));
    Attempt attempt = job.getStatus() == null ? null : job.getStatus().currentAttempt;
    if (attempt != null && attempt.podName != null
        && pods.stream().noneMatch(p -> attempt.podName.equals(p.getMetadata().getName()))) {
      Pod fetched = driverPods.get(job.getMetadata().getNamespace(), attempt.podName);
      if (fetched != null) {
        pods.add(fetched);
      }
    }
    return pods;
  }

  /**
   * Status subresource update with the read resourceVersion (409 on a stale view), cached for the next
   * reconcile. Skipped when nothing changed (most reconciles are wake-ups with nothing due), unless the
   * decision acts: then the locked write is what fences a stale decision, so it is never skipped.
   */
  private static FeatureJob writeStatus(FeatureJob job, Decision decision, Context<FeatureJob> context) {
    if (!decision.acts()
        && STATUS_JSON.valueToTree(decision.status()).equals(STATUS_JSON.valueToTree(job.getStatus()))) {
      return job;
    }
    return PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(job, context, j -> {
      j.setStatus(decision.status());
      return j;
    });
  }

  /** The job is gone. Its pods and template ConfigMap are owned by it: Kubernetes garbage-collects them. */
  private void forget(FeatureJob job) {
    metrics.removeJob(job.getMetadata().getNamespace(), job.getMetadata().getName());
    driverPods.forget(job.getMetadata().getUid());
    resolvedSpecs.forget(job.getMetadata().getUid());
  }

  // ------------------------------------------------------------------ act and record

  /** Logs and writes the decision's events; {@code before} is the status the decision started from. */
  private void record(FeatureJob job, FeatureJobStatus before, Decision decision) {
    for (Decision.Event e : decision.events()) {
      LOG.info("{}/{} {}: {}", job.getMetadata().getNamespace(), job.getMetadata().getName(), e.reason(), e.message());
    }
    for (Decision.Event e : EventSelection.select(before, decision)) {
      events.record(job, e.reason(), e.message()); // one per transition that matters
    }
    for (Decision.FinishedAttempt f : decision.finished()) {
      metrics.recordRunFinished(job.getMetadata().getNamespace(), job.getMetadata().getName(), f.outcome(),
          f.failureClass(), f.duration(), f.computeSeconds());
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

}

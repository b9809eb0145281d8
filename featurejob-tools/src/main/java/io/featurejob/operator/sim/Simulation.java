package io.featurejob.operator.sim;

import io.featurejob.operator.api.ExecutorSpec;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.api.SparkSpec;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.observe.JobPods;
import io.featurejob.operator.observe.Observation;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.policy.Decider;
import io.featurejob.operator.policy.Decision;
import io.featurejob.operator.policy.JobRef;
import io.featurejob.operator.policy.PoolShortages;
import io.featurejob.operator.policy.ResolvedSpec;
import io.featurejob.operator.policy.SpecResolver;
import io.featurejob.operator.spark.PodNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The discrete-event loop for one policy: a priority queue of (virtual time, job). At each job's turn
 * the world's view of its pods becomes an {@link Observation}, the operator's {@link Decider} decides
 * (the very object the reconciler calls), and the loop acts as the reconciler would: it starts the
 * attempt the decision launches (the world decides its fate), drops the one it deletes, and comes back
 * at {@code requeueAfter}, at the next pod change, or when an owner acts on a page.
 *
 * <p>Decider wakes that only exist because of its 10-minute safety-net requeue are skipped (they
 * cannot change anything: the decider is pure and every deadline it knows is a wake of its own); they
 * are still counted as reconciles. {@code exactRequeue} replays them instead, which a test uses to
 * show that skipping them changes no figure.
 */
public final class Simulation {
  static final Duration SAFETY_NET = Duration.ofMinutes(10);
  private static final int MAX_STEPS_AT_ONE_INSTANT = 1_000;
  private static final long SALT_FIX = 41;

  /** One decision, for tests and traces. */
  public record Step(long time, FleetJob job, Observation observation, Decision decision) {}

  private final List<FleetJob> fleet;
  private final World world;
  private final Policy policy;
  private final long start;
  private final long end;
  private final double onDemandPrice;
  private final boolean exactRequeue;
  private final Consumer<Step> listener;

  private final Decider decider = new Decider(PodNames::driverPod);
  /** As in the operator process: shortages seen on a pool inform the other jobs there (whether they act is the spec's). */
  private final PoolShortages shortages = new PoolShortages();
  private final CauseBook causes;
  private final FateModel fates;
  private final Tally tally;
  private final boolean[] causeHit;
  private final boolean[] causePaged;
  private final boolean[] causeFresh;
  private final PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) ->
      a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));

  public Simulation(List<FleetJob> fleet, World world, Policy policy, Instant start, Instant end, double onDemandPrice,
      boolean exactRequeue, Consumer<Step> listener) {
    this.fleet = fleet;
    this.world = world;
    this.policy = policy;
    this.start = start.toEpochMilli();
    this.end = end.toEpochMilli();
    this.onDemandPrice = onDemandPrice;
    this.exactRequeue = exactRequeue;
    this.listener = listener;
    this.causes = new CauseBook(world);
    this.fates = new FateModel(world, causes);
    int maxStaleness = (int) Duration.ofMillis(this.end - this.start).plusDays(2).toMinutes();
    this.tally = new Tally(maxStaleness);
    this.causeHit = new boolean[world.causes.size()];
    this.causePaged = new boolean[world.causes.size()];
    this.causeFresh = new boolean[world.causes.size()];
  }

  /** The spec the owner of this job wrote, before the policy's parameters. */
  static FeatureJobSpec specOf(FleetJob job) {
    FeatureJobSpec spec = new FeatureJobSpec();
    spec.featureView = job.name();
    spec.schedule = job.schedule();
    spec.importance = job.importance();
    spec.spark = new SparkSpec();
    spec.spark.image = "apache/spark:3.5.3";
    spec.spark.mainApplicationFile = "local:///opt/app/features.py";
    spec.spark.executor = new ExecutorSpec();
    spec.spark.executor.instances = job.executors();
    // The decider reads only the newest history entry (attempt numbers); the rest is for humans and
    // would only slow the status copy every decision makes.
    spec.historyLimit = 1;
    return spec;
  }

  public PolicyResult run() {
    SpecResolver resolver = new SpecResolver(SpecResolver.BUILT_IN_RETRY);
    Map<String, SpecResolver.Result> resolvedByShape = new HashMap<>();
    List<JobState> states = new ArrayList<>(fleet.size());
    Instant created = Instant.ofEpochMilli(start).minus(Duration.ofDays(30));
    for (FleetJob job : fleet) {
      // Jobs of the same shape share one resolved spec (resolving parses the cron expression).
      String shape = job.schedule() + "|" + job.importance() + "|" + job.executors();
      SpecResolver.Result resolved = resolvedByShape.computeIfAbsent(shape, k -> {
        FeatureJobSpec spec = specOf(job);
        policy.tune().accept(spec);
        return resolver.resolve(spec);
      });
      if (!resolved.valid()) {
        throw new IllegalStateException(policy.name() + " is not a valid parameter set: " + resolved.errors());
      }
      JobState s = new JobState(job, resolved, new JobRef("sim", job.name(), "uid-" + job.index(), created, 1, null, null, "v0"),
          warmStatus(resolved.spec(), start));
      s.staleBasis = Times.parse(s.status.lastSuccessfulWindowEnd).toEpochMilli();
      s.accountedUntil = start;
      s.deciderWake = start;
      tally.jobsByImportance[job.importance().ordinal()]++;
      states.add(s);
      push(s, start);
    }

    long sameInstant = 0;
    long lastTime = Long.MIN_VALUE;
    while (!queue.isEmpty()) {
      long[] next = queue.poll();
      long t = next[0];
      JobState s = states.get((int) next[1]);
      if (next[2] != s.version) {
        continue; // superseded by a later schedule of the same job
      }
      if (t >= end) {
        break;
      }
      sameInstant = t == lastTime ? sameInstant + 1 : 0;
      lastTime = t;
      if (sameInstant > MAX_STEPS_AT_ONE_INSTANT * (long) fleet.size()) {
        throw new IllegalStateException("no progress at " + Instant.ofEpochMilli(t));
      }
      step(s, t);
    }
    for (JobState s : states) {
      accountStaleness(s, end);
      if (s.lastRequeueWasSafetyNet) {
        tally.safetyNetReconciles += Math.max(0, (end - s.lastDecisionAt - 1) / SAFETY_NET.toMillis());
      }
      if (s.hadTransientFailure) {
        tally.jobsWithTransientFailure++;
      }
    }
    boolean[] jobHit = new boolean[fleet.size()];
    for (PermanentCause c : world.causes) {
      if (causeHit[c.id()]) {
        tally.causesHit++;
        jobHit[c.job()] = true;
        if (!causePaged[c.id()]) {
          tally.causesGoneBeforePage++;
        }
      }
    }
    for (boolean hit : jobHit) {
      tally.jobsWithPermanentFailure += hit ? 1 : 0;
    }
    return tally.result(policy.name(), fleet.size(), (end - start) / 86_400_000.0, onDemandPrice);
  }

  /** A fleet that has been running: the newest window at the start is already materialized. */
  private static FeatureJobStatus warmStatus(ResolvedSpec spec, long start) {
    FeatureJobStatus status = new FeatureJobStatus();
    String tick = Times.format(spec.schedule().tickAtOrBefore(Instant.ofEpochMilli(start)).orElseThrow());
    status.phase = Phase.Idle;
    status.consecutiveFailures = 0;
    status.lastSuccessfulWindowEnd = tick;
    status.lastSuccessTime = tick;
    return status;
  }

  // ------------------------------------------------------------------ one turn of a job

  private void step(JobState s, long t) {
    boolean decide = t >= s.deciderWake || (s.fate != null && s.fate.nextChangeAfter(t - 1) == t);
    while (s.nextOwnerAction() <= t) {
      s.ownerActions.poll();
      decide |= ownerActs(s, t);
    }
    if (s.newRunAt <= t) {
      s.newRunAt = Long.MAX_VALUE;
      if (s.status.phase == Phase.PermanentlyFailed) {
        // A CronJob-style tool creates a new object for the tick: fresh count, fresh remediation.
        s.ref = withToken(s.ref, "tick-" + t);
        if (s.status.remediation != null) {
          s.status.remediation.onDemandFallback = null;
          s.status.remediation.onDemandFallbackSince = null;
          s.status.remediation.onDemandFallbackReason = null;
        }
        decide = true;
      }
    }
    if (decide) {
      decide(s, t);
    }
    push(s, t);
  }

  /**
   * An owner acts on a page: fixes the cause if one is in effect, and unblocks the job if it is parked.
   * Under the operator ({@link Policy#retryOnFix}) the fix itself reaches the job when it is an edit the
   * operator sees: a code bug's new image and a data spike's memory are spec edits (a new generation), a
   * revoked permission is a rotated credential in a referenced Secret for a share of them, seen only with
   * {@link Policy#watchReferences} (the rest is a GRANT outside the cluster): otherwise the owner runs the
   * unblock command the warning carries.
   */
  private boolean ownerActs(JobState s, long t) {
    PermanentCause fixed = causes.fix(s.job.index(), t);
    if (fixed != null && policy.retryOnFix()) {
      if (fixed.kind() != PermanentCause.Kind.PermissionRevoked) {
        s.ref = withGeneration(s.ref, s.ref.generation() + 1);
        return true;
      }
      if (policy.watchReferences()
          && Draws.unit(world.seed, s.job.index(), fixed.id(), 0, SALT_FIX) < FailureModel.PERMISSION_FIX_IN_SECRET) {
        s.ref = s.ref.withReferences("rotated-" + t);
        return true;
      }
    }
    boolean alerting = policy.retryOnFix() && fixed != null && Conditions.isTrue(s.status, Conditions.ALERTING);
    if (s.status.phase == Phase.PermanentlyFailed || alerting) {
      s.ref = withToken(s.ref, "owner-" + t);
      tally.humanUnblocks++;
      return true;
    }
    return false;
  }

  private void decide(JobState s, long t) {
    if (s.lastRequeueWasSafetyNet) {
      tally.safetyNetReconciles += Math.max(0, (t - s.lastDecisionAt - 1) / SAFETY_NET.toMillis());
    }
    AttemptFate fate = s.fate;
    Observation observation = s.status.currentAttempt == null || fate == null
        || !fate.podName().equals(s.status.currentAttempt.podName) ? new Observation.NoPod() : fate.observe(t);
    FeatureJobStatus before = s.status;
    Instant now = Instant.ofEpochMilli(t);
    String pool = "pool-" + s.job.pool();
    Decision d = decider.decide(s.ref, s.resolved, before, JobPods.of(observation), now, shortages.shortage(pool, now));
    shortages.observe(pool, d.finished(), now);
    tally.decisions++;
    s.lastDecisionAt = t;
    if (StatusChange.changed(before, d.status())) {
      tally.statusWrites++;
    }
    s.status = d.status();
    if (listener != null) {
      listener.accept(new Step(t, s.job, observation, d));
    }

    for (Decision.FinishedAttempt f : d.finished()) {
      finished(s, fate, f, t);
    }
    if (fate != null && d.deletePods().contains(fate.podName())) {
      s.fate = null;
    }
    if (!d.finished().isEmpty()) {
      s.fate = null;
    }
    if (pages(d)) {
      page(s, t);
    }
    if (s.status.phase == Phase.PermanentlyFailed && policy.newRunPerTick()) {
      s.newRunAt = s.resolved.spec().schedule().tickAfter(Instant.ofEpochMilli(t)).orElseThrow().toEpochMilli();
    }
    if (policy.linearRetryInterval() != null && s.status.phase == Phase.BackingOff && !d.finished().isEmpty()) {
      // Kubeflow: interval x attempt number, which the core's geometric schedule cannot express.
      s.status.nextRunTime = Times.format(Instant.ofEpochMilli(t)
          .plus(policy.linearRetryInterval().multipliedBy(s.status.consecutiveFailures)));
    }
    if (d.launch() != null) {
      tally.attempts++;
      if (d.launch().attempt() == 1) {
        tally.runs++;
      }
      s.fate = fates.fate(s.job, d.launch(), t, s.resolved.spec().spark().driverMemoryMiB(),
          s.resolved.spec().spark().executorMemoryMiB());
    }
    scheduleDecider(s, t, d);
  }

  /**
   * The decider's own next deadline replaces a safety-net requeue: every deadline the pure core knows is
   * in {@link Decision#nextDeadline()}, and a pod change wakes the job by itself. A linear-retry policy
   * rewrites {@code nextRunTime} after the decision, so that time counts too.
   */
  private void scheduleDecider(JobState s, long t, Decision d) {
    long wake = t + d.requeueAfter().toMillis();
    s.lastRequeueWasSafetyNet = false;
    if (!exactRequeue && d.requeueAfter().equals(SAFETY_NET)) {
      long real = d.nextDeadline() == null ? Long.MAX_VALUE : d.nextDeadline().toEpochMilli();
      real = earliestAfter(t, real, millis(s.status.nextRunTime));
      if (real > wake) {
        wake = real;
        s.lastRequeueWasSafetyNet = true;
      }
    }
    s.deciderWake = wake;
  }

  private void push(JobState s, long t) {
    long next = s.deciderWake;
    if (s.fate != null) {
      next = Math.min(next, s.fate.nextChangeAfter(t));
    }
    next = Math.min(next, s.nextOwnerAction());
    next = Math.min(next, s.newRunAt);
    s.version++;
    if (next < end) {
      queue.add(new long[] {Math.max(next, t), s.job.index(), s.version});
    }
  }

  // ------------------------------------------------------------------ figures

  private void finished(JobState s, AttemptFate fate, Decision.FinishedAttempt f, long t) {
    boolean failed = f.outcome() == Outcome.Failed;
    if (fate != null) {
      tally.attemptEnded(fate, t, failed);
    }
    if (failed) {
      if (f.failureClass() != null && f.failureClass().isTransient()) {
        s.hadTransientFailure = true;
      }
      PermanentCause cause = fate == null ? null : fate.cause();
      if (cause != null) {
        causeHit[cause.id()] = true;
      }
      s.streakOpen = true;
      s.streakPermanent |= cause != null || failingCause(s, t) != null;
      return;
    }
    // Success: staleness drops to the age of the new window end; streaks close; fixed causes become fresh.
    accountStaleness(s, t);
    s.staleBasis = Times.parse(s.status.lastSuccessfulWindowEnd).toEpochMilli();
    if (s.streakOpen && !s.streakPermanent) {
      tally.transientStreaks++;
      if (!s.streakPaged) {
        tally.transientStreaksWithoutPage++;
      }
    }
    s.streakOpen = false;
    s.streakPaged = false;
    s.streakPermanent = false;
    for (PermanentCause c : world.causesOf(s.job.index())) {
      long over = causes.end(c);
      if (causeHit[c.id()] && !causeFresh[c.id()] && over <= t) {
        causeFresh[c.id()] = true;
        tally.fixToFreshMinutes.add((t - over) / 60_000.0);
      } else if (causeHit[c.id()] && !causeFresh[c.id()] && c.start() <= t) {
        // A success while the cause is still in effect (a spike under escalated memory): the operator got the
        // features fresh before any fix, so there is no fix -> fresh delay to measure for this cause.
        causeFresh[c.id()] = true;
      }
    }
  }

  private static boolean pages(Decision d) {
    for (Decision.Event e : d.events()) {
      if (e.reason() == EventReason.AlertThresholdReached || e.reason() == EventReason.PermanentlyFailed) {
        return true; // at most one page per decision: alert and park together are one notification
      }
    }
    return false;
  }

  /**
   * A page is actionable when it is the first news of something a human must do: a permanent cause in
   * effect that was not paged before, or a transient streak that has already pushed the features past
   * their freshness SLO. A repeat is another page for the same cause or streak. Noise is a page for a
   * transient failure while the features are still within their SLO: retrying alone would have done.
   */
  private void page(JobState s, long t) {
    PermanentCause cause = failingCause(s, t);
    if (cause != null) {
      if (!causePaged[cause.id()]) {
        causePaged[cause.id()] = true;
        tally.causeToPageMinutes.add((t - cause.start()) / 60_000.0);
        tally.pagesActionable++;
      } else {
        tally.pagesRepeat++;
      }
    } else if (t - s.staleBasis > s.resolved.spec().freshnessSLO().toMillis()) {
      if (s.streakPaged) {
        tally.pagesRepeat++;
      } else {
        tally.pagesActionable++;
      }
    } else {
      tally.pagesNoise++;
    }
    s.streakPaged = true;
    long reaction = (long) Draws.lognormal(Draws.normal(world.seed, s.job.index(), t, 0, 21),
        world.model.reactionMedian().toMillis(), world.model.lognormalSigma());
    s.addOwnerAction(t + Math.max(reaction, 60_000));
  }

  /** The permanent cause that makes this job's runs fail now, if any (a spike only if memory is short). */
  private PermanentCause failingCause(JobState s, long t) {
    PermanentCause c = causes.activeAt(s.job.index(), t);
    if (c == null || c.kind() != PermanentCause.Kind.DataSpike) {
      return c;
    }
    long base = s.resolved.spec().spark().executorMemoryMiB();
    String escalated = s.status.remediation == null ? null : s.status.remediation.executorMemory;
    long memory = escalated == null ? base : SparkMemory.toMebibytes(escalated);
    return memory < c.memoryNeedFactor() * base ? c : null;
  }

  private void accountStaleness(JobState s, long t) {
    if (t <= s.accountedUntil) {
      return;
    }
    double from = (s.accountedUntil - s.staleBasis) / 60_000.0;
    double to = (t - s.staleBasis) / 60_000.0;
    Importance importance = s.job.importance();
    tally.staleness.get(importance).addSegment(from, to);
    double slo = s.resolved.spec().freshnessSLO().toMillis() / 60_000.0;
    tally.breachMinutes[importance.ordinal()] += Math.max(0, to - Math.max(from, slo));
    s.accountedUntil = t;
  }

  // ------------------------------------------------------------------ helpers

  private static JobRef withToken(JobRef ref, String token) {
    return new JobRef(ref.namespace(), ref.name(), ref.uid(), ref.createdAt(), ref.generation(), token, null,
        ref.references());
  }

  private static JobRef withGeneration(JobRef ref, long generation) {
    return new JobRef(ref.namespace(), ref.name(), ref.uid(), ref.createdAt(), generation, ref.unblockToken(), null,
        ref.references());
  }

  private static long millis(String time) {
    Instant i = Times.parse(time);
    return i == null ? Long.MAX_VALUE : i.toEpochMilli();
  }

  private static long earliestAfter(long t, long current, long candidate) {
    return candidate > t && candidate < current ? candidate : current;
  }
}

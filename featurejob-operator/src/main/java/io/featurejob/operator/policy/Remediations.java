package io.featurejob.operator.policy;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Remediation;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the operator changes by itself after a failure: the infrastructure-failure count, the on-demand
 * fallback (until the next success) and the memory of the side that ran out (kept after a success
 * until memoryEscalation.keepFor has passed since the last OutOfMemory).
 */
final class Remediations {
  private Remediations() {}

  /** After a success: the infrastructure count resets and the fallback ends; returns whether it ended. */
  static boolean afterSuccess(Draft d) {
    Remediation r = d.remediation();
    r.infrastructureFailures = 0;
    giveMemoryBack(d, r);
    if (!Boolean.TRUE.equals(r.onDemandFallback)) {
      return false;
    }
    r.onDemandFallback = false;
    r.onDemandFallbackSince = null;
    r.onDemandFallbackReason = null;
    return true;
  }

  /** Before the failure's accounting: count infrastructure failures; raise memory after an OOM. */
  static void afterFailure(Draft d, Classification c) {
    Remediation r = d.remediation();
    r.infrastructureFailures = c.failureClass().isInfrastructure() ? orZero(r.infrastructureFailures) + 1 : 0;
    if (c.failureClass() == FailureClass.OutOfMemory) {
      escalateMemory(d, c);
    }
  }

  /** After the failure's accounting: fall back to on-demand when the policy says so for this retry. */
  static void beforeRetry(Draft d, FailureClass failureClass, Instant retryAt) {
    Remediation r = d.remediation();
    if (Boolean.TRUE.equals(r.onDemandFallback)) {
      return;
    }
    Optional<String> why = OnDemandFallbackPolicy.reasonToFallBack(d.spec, failureClass, r.infrastructureFailures,
        retryAt, Freshness.staleAt(d));
    why.ifPresent(reason -> fallBack(d, reason));
  }

  private static void fallBack(Draft d, String reason) {
    Remediation r = d.remediation();
    r.onDemandFallback = true;
    r.onDemandFallbackSince = Times.format(d.now);
    r.onDemandFallbackReason = reason;
    d.event(EventReason.CapacityFallback, Messages.fallback(reason));
  }

  /** Before a launch: while the job's pool is short, start on on-demand if the SLO cannot wait. */
  static void beforeLaunch(Draft d) {
    if (d.shortage == null || (d.status.remediation != null && Boolean.TRUE.equals(d.status.remediation.onDemandFallback))) {
      return;
    }
    Optional<String> why = CapacityAwareness.reasonToFallBack(d.spec, d.shortage, Freshness.staleAt(d), d.now);
    why.ifPresent(reason -> fallBack(d, reason));
  }

  /**
   * Escalated memory returns to the spec's once keepFor has passed since the last OutOfMemory; what was given
   * back is remembered for keepFor (see {@link MemoryEscalationPolicy#afterOutOfMemory}), then forgotten.
   */
  private static void giveMemoryBack(Draft d, Remediation r) {
    Duration keepFor = d.spec.escalation().keepFor();
    if (r.memoryGivenBackAt != null
        && !MemoryEscalationPolicy.givenBackWithinKeep(Times.parse(r.memoryGivenBackAt), keepFor, d.now)) {
      forgetGivenBack(r);
    }
    if ((r.driverMemory == null && r.executorMemory == null) || !MemoryEscalationPolicy.giveBack(
        Times.parse(r.memoryEscalatedAt), keepFor, d.now)) {
      return;
    }
    if (r.driverMemory != null) {
      d.event(EventReason.MemoryGivenBack, Messages.memoryGivenBack("driver", r.driverMemory,
          SparkMemory.fromMebibytes(d.spec.spark().driverMemoryMiB()), keepFor));
    }
    if (r.executorMemory != null) {
      d.event(EventReason.MemoryGivenBack, Messages.memoryGivenBack("executor", r.executorMemory,
          SparkMemory.fromMebibytes(d.spec.spark().executorMemoryMiB()), keepFor));
    }
    r.givenBackDriverMemory = r.driverMemory;
    r.givenBackExecutorMemory = r.executorMemory;
    r.memoryGivenBackAt = Times.format(d.now);
    r.driverMemory = null;
    r.executorMemory = null;
    r.memoryEscalatedAt = null;
  }

  private static void forgetGivenBack(Remediation r) {
    r.givenBackDriverMemory = null;
    r.givenBackExecutorMemory = null;
    r.memoryGivenBackAt = null;
  }

  static void escalateMemory(Draft d, Classification c) {
    Remediation r = d.remediation();
    r.memoryEscalatedAt = Times.format(d.now);
    ResolvedSpec.Escalation e = d.spec.escalation();
    boolean executor = c.memoryTarget() == Classification.MemoryTarget.Executor;
    long current = executor ? executorMemory(d) : driverMemory(d);
    long ceiling = executor ? e.maxExecutorMemoryMiB() : e.maxDriverMemoryMiB();
    Instant givenBackAt = Times.parse(r.memoryGivenBackAt);
    String givenBack = executor ? r.givenBackExecutorMemory : r.givenBackDriverMemory;
    long givenBackMiB = givenBack != null && MemoryEscalationPolicy.givenBackWithinKeep(givenBackAt, e.keepFor(), d.now)
        ? SparkMemory.toMebibytes(givenBack) : 0;
    long next = MemoryEscalationPolicy.afterOutOfMemory(current, e.factor(), ceiling, givenBackMiB);
    String side = executor ? "executor" : "driver";
    if (next == current) {
      d.event(EventReason.MemoryEscalated, Messages.memoryAtCeiling(side, SparkMemory.fromMebibytes(ceiling)));
      return;
    }
    if (executor) {
      r.executorMemory = SparkMemory.fromMebibytes(next);
      r.givenBackExecutorMemory = null;
    } else {
      r.driverMemory = SparkMemory.fromMebibytes(next);
      r.givenBackDriverMemory = null;
    }
    if (r.givenBackDriverMemory == null && r.givenBackExecutorMemory == null) {
      r.memoryGivenBackAt = null;
    }
    String from = SparkMemory.fromMebibytes(current);
    String to = SparkMemory.fromMebibytes(next);
    d.event(EventReason.MemoryEscalated, next == Math.min(givenBackMiB, ceiling)
        ? Messages.memoryRestored(side, from, to, Duration.between(givenBackAt, d.now), e.keepFor())
        : Messages.memoryEscalated(side, from, to, SparkMemory.fromMebibytes(ceiling)));
  }

  /**
   * The driver memory of the next attempt in MiB: escalated, else the spec's; the spec's when an owner has
   * since raised it past the escalated size (their edit is the fix, not something to undercut).
   */
  static long driverMemory(Draft d) {
    Remediation r = d.status.remediation;
    long spec = d.spec.spark().driverMemoryMiB();
    return r != null && r.driverMemory != null ? Math.max(spec, SparkMemory.toMebibytes(r.driverMemory)) : spec;
  }

  static long executorMemory(Draft d) {
    Remediation r = d.status.remediation;
    long spec = d.spec.spark().executorMemoryMiB();
    return r != null && r.executorMemory != null ? Math.max(spec, SparkMemory.toMebibytes(r.executorMemory)) : spec;
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}

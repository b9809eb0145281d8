package io.featurejob.operator.sim;

import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.policy.JobRef;
import io.featurejob.operator.policy.SpecResolver;
import java.util.PriorityQueue;

/** Everything the event loop keeps about one job under one policy. Times are epoch millis. */
final class JobState {
  final FleetJob job;
  final SpecResolver.Result resolved;
  JobRef ref;
  FeatureJobStatus status;
  /** The pods of the attempt in flight, as the world decided them; null when none. */
  AttemptFate fate;

  long deciderWake;
  /** The last decision asked for the 10-minute safety-net requeue, not for a real deadline. */
  boolean lastRequeueWasSafetyNet;
  long lastDecisionAt;
  /** CronJob-style policies: the tick at which a parked job starts afresh. */
  long newRunAt = Long.MAX_VALUE;
  PriorityQueue<Long> ownerActions;
  int version;

  // figures
  long staleBasis;
  long accountedUntil;
  boolean streakOpen;
  boolean streakPaged;
  boolean streakPermanent;
  boolean hadTransientFailure;

  JobState(FleetJob job, SpecResolver.Result resolved, JobRef ref, FeatureJobStatus status) {
    this.job = job;
    this.resolved = resolved;
    this.ref = ref;
    this.status = status;
  }

  long nextOwnerAction() {
    return ownerActions == null || ownerActions.isEmpty() ? Long.MAX_VALUE : ownerActions.peek();
  }

  void addOwnerAction(long at) {
    if (ownerActions == null) {
      ownerActions = new PriorityQueue<>();
    }
    ownerActions.add(at);
  }
}

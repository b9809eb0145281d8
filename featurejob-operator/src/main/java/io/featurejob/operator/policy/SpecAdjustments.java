package io.featurejob.operator.policy;

import io.fabric8.kubernetes.api.model.Condition;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.events.EventReason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reports the user's values the operator overrides or ignores (a reserved sparkConf key, a pod
 * template label the operator sets): condition {@code SpecAdjusted=True} listing them, and one
 * Warning event each time the list changes. The spec stays valid and runs.
 */
public final class SpecAdjustments {
  private SpecAdjustments() {}

  /** @return the event to emit, when the list of adjustments is new */
  public static Optional<Decision.Event> report(FeatureJobStatus status, List<String> adjustments, Instant now,
      long generation) {
    Condition existing = Conditions.find(status, Conditions.SPEC_ADJUSTED);
    if (adjustments.isEmpty()) {
      if (existing != null) {
        Conditions.set(status, Conditions.SPEC_ADJUSTED, false, "AsWritten", "the spec is used as written", now, generation);
      }
      return Optional.empty();
    }
    String message = Conditions.bounded("the operator overrides or ignores: " + String.join("; ", adjustments));
    boolean alreadyReported = existing != null && "True".equals(existing.getStatus()) && message.equals(existing.getMessage());
    Conditions.set(status, Conditions.SPEC_ADJUSTED, true, "OperatorOwnedFields", message, now, generation);
    return alreadyReported ? Optional.empty() : Optional.of(new Decision.Event(EventReason.SpecAdjusted, message));
  }
}

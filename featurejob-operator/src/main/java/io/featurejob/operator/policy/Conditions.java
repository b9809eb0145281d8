package io.featurejob.operator.policy;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Redactor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The status conditions of docs/design.md §2, set the Kubernetes way (transition time moves only on change). */
public final class Conditions {
  public static final String SPEC_VALID = "SpecValid";
  public static final String HEALTHY = "Healthy";
  public static final String ALERTING = "Alerting";
  public static final String PERMANENTLY_FAILED = "PermanentlyFailed";
  public static final String FRESH = "Fresh";
  /** True while reconciles fail with an unexpected error (reason: the exception); False once one passes. */
  public static final String RECONCILE_ERROR = "ReconcileError";
  /** True when the operator overrides or ignores some of the user's values (see SpecAdjustments). */
  public static final String SPEC_ADJUSTED = "SpecAdjusted";
  /** Condition messages are cut to this many UTF-8 bytes: they may quote user input. */
  public static final int MAX_MESSAGE_BYTES = 2048;

  private Conditions() {}

  public static void set(FeatureJobStatus status, String type, boolean value, String reason, String message,
      Instant now, long generation) {
    List<Condition> conditions = status.conditions == null ? new ArrayList<>() : new ArrayList<>(status.conditions);
    String newStatus = value ? "True" : "False";
    Condition existing = find(conditions, type);
    String transition = existing != null && newStatus.equals(existing.getStatus())
        ? existing.getLastTransitionTime()
        : Times.format(now);
    Condition updated = new ConditionBuilder()
        .withType(type)
        .withStatus(newStatus)
        .withReason(reason)
        .withMessage(bounded(message))
        .withLastTransitionTime(transition)
        .withObservedGeneration(generation)
        .build();
    if (existing != null) {
      conditions.set(conditions.indexOf(existing), updated);
    } else {
      conditions.add(updated);
    }
    status.conditions = conditions;
  }

  /** The message as a condition stores it: null as empty, at most {@link #MAX_MESSAGE_BYTES}. */
  public static String bounded(String message) {
    return message == null ? "" : Redactor.truncate(message, MAX_MESSAGE_BYTES);
  }

  public static Condition find(FeatureJobStatus status, String type) {
    return status == null || status.conditions == null ? null : find(status.conditions, type);
  }

  public static boolean isTrue(FeatureJobStatus status, String type) {
    Condition c = find(status, type);
    return c != null && "True".equals(c.getStatus());
  }

  private static Condition find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> Objects.equals(c.getType(), type)).findFirst().orElse(null);
  }
}

package io.featurejob.operator.classify;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classification.MemoryTarget;
import java.util.List;
import java.util.Objects;

/**
 * One classification rule, as data (loaded from YAML/JSON by {@link RuleLoader}). Rules are ordered
 * and the first that matches wins, like a Kubernetes Job's podFailurePolicy.
 *
 * <p>A rule matches a pod when every matcher it has matches that pod (AND); a list matcher matches
 * when any element does (OR). The container matchers ({@code waitingReasons}, {@code
 * terminatedReasons}, {@code exitCodes}) must all hold for one and the same container, so "OOMKilled
 * with exit 137" means one container, not two. {@code messagePatterns} are RE2 regular expressions
 * (linear-time: see {@link RulePattern}), case-insensitive, searched in every message of the pod
 * (container termination and waiting messages, pod message, condition messages); {@code .} does not
 * cross line ends, so a pattern like {@code Lost task.*OutOfMemoryError} stays within one log line.
 *
 * @param name shown in status and events ("builtin:oom-killed", or the user's own name)
 * @param failureClass the class a match yields (YAML key {@code class})
 * @param component which pods the rule looks at: driver, executor or any (driver first)
 * @param disruptionReasons reasons of a True DisruptionTarget condition
 * @param podReasons values of status.reason
 * @param waitingReasons reasons of a waiting container (init containers included)
 * @param terminatedReasons reasons of a terminated container
 * @param exitCodes exit codes of a terminated container
 * @param messagePatterns RE2 regular expressions
 * @param memoryTarget for OutOfMemory: which side to give more memory; null = the side of the pod
 *     that matched
 */
public record ClassificationRule(
    String name,
    FailureClass failureClass,
    Component component,
    List<String> disruptionReasons,
    List<String> podReasons,
    List<String> waitingReasons,
    List<String> terminatedReasons,
    List<Integer> exitCodes,
    List<String> messagePatterns,
    MemoryTarget memoryTarget) {

  /** Which pods a rule looks at. */
  public enum Component {
    Driver,
    Executor,
    Any;

    /** Parses "driver", "executor", "any" in any case. */
    public static Component parse(String text) {
      for (Component c : values()) {
        if (c.name().equalsIgnoreCase(text.trim())) {
          return c;
        }
      }
      throw new IllegalArgumentException(
          "unknown component '" + text + "' (expected driver, executor or any)");
    }
  }

  /**
   * Validates: a name, a class, at least one matcher, patterns that RE2 compiles and that do not match
   * every line, memoryTarget only for OOM.
   */
  public ClassificationRule {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("rule has no name");
    }
    Objects.requireNonNull(failureClass, "rule '" + name + "' has no class");
    component = component == null ? Component.Any : component;
    disruptionReasons = copy(name, "disruptionReasons", disruptionReasons);
    podReasons = copy(name, "podReasons", podReasons);
    waitingReasons = copy(name, "waitingReasons", waitingReasons);
    terminatedReasons = copy(name, "terminatedReasons", terminatedReasons);
    exitCodes = copy(name, "exitCodes", exitCodes);
    messagePatterns = copy(name, "messagePatterns", messagePatterns);
    if (disruptionReasons.isEmpty()
        && podReasons.isEmpty()
        && waitingReasons.isEmpty()
        && terminatedReasons.isEmpty()
        && exitCodes.isEmpty()
        && messagePatterns.isEmpty()) {
      // A rule without matchers would match every failure and hide all rules after it.
      throw new IllegalArgumentException("rule '" + name + "' has no matcher (need at least one of "
          + "disruptionReasons, podReasons, waitingReasons, terminatedReasons, exitCodes, messagePatterns)");
    }
    for (String p : messagePatterns) {
      RulePattern.compile(name, p); // refuses what RE2 cannot compile, or what matches every line
    }
    if (memoryTarget != null && failureClass != FailureClass.OutOfMemory) {
      throw new IllegalArgumentException(
          "rule '" + name + "' sets memoryTarget but its class is " + failureClass + ", not OutOfMemory");
    }
  }

  /** Whether the rule matches a pod's own state (not only its messages): then a match is that pod's failure. */
  public boolean matchesPodState() {
    return !disruptionReasons.isEmpty() || !podReasons.isEmpty() || !waitingReasons.isEmpty()
        || !terminatedReasons.isEmpty() || !exitCodes.isEmpty();
  }

  private static <T> List<T> copy(String rule, String field, List<T> list) {
    if (list == null) {
      return List.of();
    }
    for (T element : list) {
      if (element == null) {
        throw new IllegalArgumentException("rule '" + rule + "' has an empty element in " + field);
      }
    }
    return List.copyOf(list);
  }
}

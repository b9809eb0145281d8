package io.featurejob.operator.classify;

import io.featurejob.operator.classify.ClassificationRule.Component;
import io.featurejob.operator.classify.Evidence.ConditionFacts;
import io.featurejob.operator.classify.Evidence.ContainerFacts;
import io.featurejob.operator.classify.Evidence.PodFacts;
import io.featurejob.operator.classify.Evidence.Role;
import io.featurejob.operator.classify.Evidence.Text;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@link ClassificationRule} with its patterns compiled (RE2: linear time, see {@link RulePattern}),
 * matched against one pod at a time. Each text is {@link Redactor#bound bounded} to
 * {@value Redactor#MAX_INPUT_CHARS} characters first, so a rule costs at most that much scanning.
 */
final class RuleMatcher {

  /** What a rule matched in one pod: the facts in human words and the message that shows it best. */
  record Match(ClassificationRule rule, PodFacts pod, List<String> facts, String message) {}

  private static final int SNIPPET_CHARS = 120;

  private final ClassificationRule rule;
  private final List<Pattern> patterns;

  RuleMatcher(ClassificationRule rule) {
    this.rule = rule;
    List<Pattern> compiled = new ArrayList<>();
    for (String p : rule.messagePatterns()) {
      compiled.add(RulePattern.compile(rule.name(), p));
    }
    this.patterns = List.copyOf(compiled);
  }

  /** Empty unless every matcher of the rule holds for this pod. */
  Optional<Match> match(PodFacts pod) {
    if (!appliesTo(pod.role())) {
      return Optional.empty();
    }
    List<String> facts = new ArrayList<>();
    String message = null;

    if (!rule.disruptionReasons().isEmpty()) {
      ConditionFacts hit = null;
      for (ConditionFacts c : pod.disruptions()) {
        if (containsIgnoreCase(rule.disruptionReasons(), c.reason())) {
          hit = c;
          break;
        }
      }
      if (hit == null) {
        return Optional.empty();
      }
      facts.add(pod.label() + " pod has condition " + Evidence.DISRUPTION_TARGET + ": " + hit.reason());
      message = hit.message();
    }

    if (!rule.podReasons().isEmpty()) {
      if (!containsIgnoreCase(rule.podReasons(), pod.reason())) {
        return Optional.empty();
      }
      facts.add(pod.label() + " pod status reason: " + pod.reason());
      message = firstNonBlank(message, pod.message());
    }

    if (hasContainerMatchers()) {
      ContainerFacts hit = null;
      for (ContainerFacts c : pod.containers()) {
        if (containerMatches(c)) {
          hit = c;
          break;
        }
      }
      if (hit == null) {
        return Optional.empty();
      }
      facts.add(pod.containerLabel(hit) + " " + hit.describeState());
      message = firstNonBlank(firstNonBlank(hit.terminatedMessage(), hit.waitingMessage()), message);
    }

    if (!patterns.isEmpty()) {
      Optional<String> textMatch = Optional.empty();
      for (Pattern p : patterns) {
        for (Text t : pod.texts()) {
          String text = Redactor.bound(t.text());
          Matcher m = p.matcher(text);
          if (m.find()) {
            // Scrubbed before it is cut to a snippet, so the cut cannot leave half a secret.
            facts.add(t.source() + " contains \"" + snippet(Redactor.scrub(m.group())) + "\"");
            textMatch = Optional.of(excerpt(text, p));
            break;
          }
        }
        if (textMatch.isPresent()) {
          break;
        }
      }
      if (textMatch.isEmpty()) {
        return Optional.empty();
      }
      // The text that matched is the direct evidence, so it is the message to show.
      message = textMatch.get();
    }
    return Optional.of(new Match(rule, pod, List.copyOf(facts), message));
  }

  private boolean appliesTo(Role role) {
    Component component = rule.component();
    return component == Component.Any
        || (component == Component.Driver && role == Role.Driver)
        || (component == Component.Executor && role == Role.Executor);
  }

  private boolean hasContainerMatchers() {
    return !rule.waitingReasons().isEmpty()
        || !rule.terminatedReasons().isEmpty()
        || !rule.exitCodes().isEmpty();
  }

  private boolean containerMatches(ContainerFacts c) {
    if (!rule.waitingReasons().isEmpty() && !containsIgnoreCase(rule.waitingReasons(), c.waitingReason())) {
      return false;
    }
    if (!rule.terminatedReasons().isEmpty()
        && !containsIgnoreCase(rule.terminatedReasons(), c.terminatedReason())) {
      return false;
    }
    return rule.exitCodes().isEmpty() || (c.exitCode() != null && rule.exitCodes().contains(c.exitCode()));
  }

  /**
   * The matched text, secrets scrubbed. A log tail longer than a status message may be is cut to
   * start at the line that matched, so the evidence survives the 1 KiB limit.
   */
  static String excerpt(String text, Pattern pattern) {
    String scrubbed = Redactor.scrub(text);
    if (scrubbed.getBytes(StandardCharsets.UTF_8).length <= Redactor.MAX_BYTES) {
      return scrubbed;
    }
    Matcher m = pattern.matcher(scrubbed);
    if (!m.find()) {
      return scrubbed; // the match was inside a secret; show the start instead
    }
    int lineStart = scrubbed.lastIndexOf('\n', m.start()) + 1;
    return scrubbed.substring(lineStart);
  }

  private static String snippet(String matched) {
    String oneLine = String.join(" ", matched.strip().split("\\s+"));
    return oneLine.length() <= SNIPPET_CHARS ? oneLine : oneLine.substring(0, SNIPPET_CHARS) + "...";
  }

  private static boolean containsIgnoreCase(List<String> values, String candidate) {
    if (candidate == null) {
      return false;
    }
    for (String v : values) {
      if (v.equalsIgnoreCase(candidate)) {
        return true;
      }
    }
    return false;
  }

  private static String firstNonBlank(String a, String b) {
    return Evidence.notBlank(a) ? a : b;
  }
}

package io.featurejob.operator.classify;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classification.MemoryTarget;
import io.featurejob.operator.classify.Evidence.ContainerFacts;
import io.featurejob.operator.classify.Evidence.PodFacts;
import io.featurejob.operator.classify.Evidence.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides the {@link FailureClass} of a failed attempt from its {@link Evidence}. Pure: the same
 * evidence always gives the same classification.
 *
 * <p>Rules are tried in order and the first that matches wins; each rule looks at the driver first,
 * then at the executors. Operator-config rules come before the built-in ones
 * ({@code default-rules.yaml}), so users can override them. When no rule matches, a driver container
 * that exited non-zero is a {@link FailureClass#UserCodeError} ({@value #NON_ZERO_EXIT_RULE}), and
 * anything else is {@link FailureClass#Unknown} ({@value #UNMATCHED_RULE}).
 */
public final class Classifier {

  public static final String NON_ZERO_EXIT_RULE = "builtin:non-zero-exit";
  public static final String UNMATCHED_RULE = "builtin:unmatched";
  /** Evidence note: the driver failed without a summary; rules saw the kubelet's log tail. */
  public static final String LOG_TAIL_ONLY = "evidence: log tail only";
  /** Evidence note: the driver failed and left no text at all. */
  public static final String NO_EVIDENCE = "evidence: none";
  /** User rules may not use this prefix, so a status always tells built-in from configured rules. */
  public static final String BUILTIN_PREFIX = "builtin:";

  private static final class Defaults {
    static final Classifier INSTANCE = new Classifier(RuleLoader.defaults());
  }

  private final List<ClassificationRule> rules;
  private final List<RuleMatcher> matchers;

  /** A classifier with exactly these rules, in this order (no built-ins added). */
  public Classifier(List<ClassificationRule> rules) {
    this.rules = List.copyOf(rules);
    List<RuleMatcher> compiled = new ArrayList<>();
    for (ClassificationRule rule : this.rules) {
      compiled.add(new RuleMatcher(rule));
    }
    this.matchers = List.copyOf(compiled);
  }

  /** The built-in rules only. */
  public static Classifier defaults() {
    return Defaults.INSTANCE;
  }

  /**
   * The given rules first, then the built-ins.
   *
   * @throws IllegalArgumentException if an extra rule's name starts with {@value #BUILTIN_PREFIX}
   */
  public static Classifier withExtraRules(List<ClassificationRule> extraRules) {
    List<ClassificationRule> all = new ArrayList<>();
    for (ClassificationRule rule : extraRules) {
      if (rule.name().startsWith(BUILTIN_PREFIX)) {
        throw new IllegalArgumentException(
            "rule '" + rule.name() + "': names starting with '" + BUILTIN_PREFIX + "' are reserved");
      }
      all.add(rule);
    }
    all.addAll(defaults().rules());
    return new Classifier(all);
  }

  /** The rules in the order they are tried. */
  public List<ClassificationRule> rules() {
    return rules;
  }

  /**
   * Classifies an attempt. Raw logs in termination messages are first reduced to their
   * {@link EvidenceSummary} (see {@link Evidence#withLogsSummarized()}); when the driver failed
   * without a summary of its own, the evidence says so: {@value #LOG_TAIL_ONLY} (the kubelet's
   * log tail was all there was) or {@value #NO_EVIDENCE} (not even that).
   */
  public Classification classify(Evidence raw) {
    Evidence evidence = raw.withLogsSummarized();
    String note = evidenceNote(raw.driver());
    Integer exitCode = evidence.driver().mainContainer().map(ContainerFacts::exitCode).orElse(null);
    for (RuleMatcher matcher : matchers) {
      for (PodFacts pod : evidence.pods()) {
        Optional<RuleMatcher.Match> match = matcher.match(pod);
        if (match.isPresent()) {
          return fromMatch(match.get(), evidence, exitCode, note);
        }
      }
    }
    PodFacts driver = evidence.driver();
    Optional<ContainerFacts> failed = failedContainer(driver);
    if (failed.isPresent()) {
      ContainerFacts c = failed.get();
      String message = Evidence.notBlank(c.terminatedMessage())
          ? c.terminatedMessage()
          : driver.bestMessage().orElse(null);
      return new Classification(
          FailureClass.UserCodeError,
          NON_ZERO_EXIT_RULE,
          withNote(driver.containerLabel(c) + " " + c.describeState(), note),
          Redactor.redact(withoutMarker(message)),
          exitCode,
          null,
          Role.Driver);
    }
    return new Classification(
        FailureClass.Unknown,
        UNMATCHED_RULE,
        withNote("no rule matched" + describe(driver), note),
        Redactor.redact(withoutMarker(driver.bestMessage().orElse(null))),
        exitCode,
        null);
  }

  private static Classification fromMatch(
      RuleMatcher.Match match, Evidence evidence, Integer exitCode, String note) {
    ClassificationRule rule = match.rule();
    String message = match.message();
    if (!Evidence.notBlank(message)) {
      message = match.pod().bestMessage().orElse(evidence.driver().bestMessage().orElse(null));
    }
    MemoryTarget target = null;
    if (rule.failureClass() == FailureClass.OutOfMemory) {
      if (rule.memoryTarget() != null) {
        target = rule.memoryTarget();
      } else {
        target = match.pod().role() == Role.Driver ? MemoryTarget.Driver : MemoryTarget.Executor;
      }
    }
    // An executor's own message is about that executor; the driver's log speaks of executors too.
    Role role = match.pod().role();
    Role pod = rule.matchesPodState() || role == Role.Executor ? role : null;
    return new Classification(
        rule.failureClass(),
        rule.name(),
        Redactor.redact(withNote(String.join("; ", match.facts()), note)),
        Redactor.redact(withoutMarker(message)),
        exitCode,
        target,
        pod);
  }

  /**
   * How much the driver left behind when it failed: null when its entrypoint wrote a summary (or it
   * did not fail), else {@value #LOG_TAIL_ONLY} or {@value #NO_EVIDENCE}.
   */
  static String evidenceNote(PodFacts driver) {
    Optional<ContainerFacts> main = driver.mainContainer();
    if (main.isEmpty() || main.get().exitCode() == null || main.get().exitCode() == 0) {
      return null;
    }
    String message = main.get().terminatedMessage();
    if (!Evidence.notBlank(message)) {
      return NO_EVIDENCE;
    }
    return EvidenceSummary.isSummary(message) ? null : LOG_TAIL_ONLY;
  }

  private static String withNote(String facts, String note) {
    if (note == null) {
      return facts;
    }
    return facts == null || facts.isEmpty() ? note : facts + "; " + note;
  }

  /** A summary's first line (marker and exit code) says nothing a status does not already show. */
  static String withoutMarker(String message) {
    if (!EvidenceSummary.isSummary(message)) {
      return message;
    }
    int lineEnd = message.indexOf('\n');
    String rest = lineEnd < 0 ? "" : message.substring(lineEnd + 1).strip();
    return rest.isEmpty() ? null : rest;
  }

  /** The main container if it exited non-zero, else any (init) container that did. */
  private static Optional<ContainerFacts> failedContainer(PodFacts driver) {
    Optional<ContainerFacts> main = driver.mainContainer();
    if (main.isPresent() && main.get().exitCode() != null && main.get().exitCode() != 0) {
      return main;
    }
    for (ContainerFacts c : driver.containers()) {
      if (c.exitCode() != null && c.exitCode() != 0) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static String describe(PodFacts driver) {
    List<String> parts = new ArrayList<>();
    if (driver.phase() != null) {
      parts.add("phase " + driver.phase());
    }
    if (driver.reason() != null) {
      parts.add("reason " + driver.reason());
    }
    driver.mainContainer().ifPresent(c -> parts.add("container " + c.describeState()));
    return parts.isEmpty() ? "" : " (driver " + String.join(", ", parts) + ")";
  }
}

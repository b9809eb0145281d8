package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.ClassificationRule.Component;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inputs that made the java.util.regex rules hang (issue 13) give the right answers. How long they
 * take is the benchmark's business ({@code make bench-matching}); the class-level timeout only turns a
 * regression into a failure instead of a stuck build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MatchingWorstInputsTest {

  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  static String repeat(String unit, int chars) {
    return unit.repeat(Math.max(1, chars / unit.length()));
  }

  /** Inputs that defeat backtracking matchers, each with the length it is tried at. */
  static Stream<Arguments> worstInputs() {
    return Stream.of(2 * KIB, 4 * KIB, MIB).flatMap(size -> Stream.of(
        Arguments.of("secret x" + size, repeat("secret", size)),
        Arguments.of("password=secret x" + size, "password=" + repeat("secret", size)),
        Arguments.of("secret= x" + size, repeat("secret=", size)),
        Arguments.of("Lost task on one line x" + size, "Lost task " + repeat("executor 1 ", size)),
        Arguments.of("authorization: x" + size, repeat("authorization: ", size)),
        Arguments.of("BEGIN PRIVATE KEY x" + size, repeat("-----BEGIN PRIVATE KEY-----", size)),
        Arguments.of("a://b: x" + size, repeat("a://b:", size)),
        Arguments.of("base64 line x" + size, repeat("aB3/", size)),
        Arguments.of("newlines x" + size, repeat("A\n", size)),
        Arguments.of("@ x" + size, repeat("@", size))));
  }

  @ParameterizedTest(name = "every built-in rule: {0}")
  @MethodSource("worstInputs")
  void everyBuiltInRuleClassifiesTheWorstInputs(String name, String input) {
    // None of these texts names an OOM, a node loss, capacity or permission; "Lost task" is a task
    // failure, unless it is more than the bound before the end of the text (then it is cut off).
    Classification c = Classifier.defaults().classify(Evidence.fromMessage(input));
    if (input.startsWith("Lost task") && input.length() <= Redactor.MAX_INPUT_CHARS) {
      assertEquals("builtin:spark-task-failure", c.rule(), name);
    } else {
      assertEquals(FailureClass.Unknown, c.failureClass(), name + ": " + c.rule());
    }
    assertTrue(c.message() == null || c.message().length() <= Redactor.MAX_BYTES, name);
  }

  @ParameterizedTest(name = "executor-OOM pattern, one line of {0} chars")
  @ValueSource(ints = {2 * KIB, 4 * KIB, MIB})
  void theExecutorOomPatternFindsItsMatchAtTheEndOfOneLongLine(int size) {
    String line = "Lost task 1.0 in stage 2.0 " + repeat("executor 3 ", size) + "java.lang.OutOfMemoryError: Java heap space";
    Classification c = Classifier.defaults().classify(Evidence.fromMessage(line));
    assertEquals(FailureClass.OutOfMemory, c.failureClass());
    assertEquals("builtin:executor-oom-message", c.rule());
  }

  @ParameterizedTest(name = "redactor: {0}")
  @MethodSource("worstInputs")
  void theRedactorScrubsTheWorstInputs(String name, String input) {
    String redacted = Redactor.redact(input);
    assertTrue(redacted.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= Redactor.MAX_BYTES, name);
    if (input.startsWith("password=") && input.length() <= Redactor.MAX_INPUT_CHARS) {
      assertEquals("password=" + Redactor.REDACTED, redacted, name);
    }
    if (input.startsWith("secret") && !input.contains("=")) {
      // Not a key=value pair, just a word: kept, cut to 1 KiB; past the bound, one line without a
      // space has no whole word left to show.
      assertEquals(input.length() <= Redactor.MAX_INPUT_CHARS ? Redactor.truncate(input, Redactor.MAX_BYTES)
          : Redactor.CUT_MARKER, redacted, name);
    }
  }

  @Test
  void aPasswordInAHugeMessageIsScrubbedWhereverTheBoundCuts() {
    String input = repeat("filler line\n", 2 * MIB) + "password=hunter2hunter2\n";
    String redacted = Redactor.scrub(input);
    assertFalse(redacted.contains("hunter2"));
    assertTrue(redacted.startsWith(Redactor.CUT_MARKER), "cut to the end of the text");
    assertTrue(redacted.length() <= Redactor.MAX_INPUT_CHARS + Redactor.CUT_MARKER.length());
  }

  @Test
  void theCutDropsAPartialFirstLineSoNoHalfSecretSurvives() {
    String secretLine = "password=" + "hunter2".repeat(3000); // 21 KiB: the cut falls inside it
    String redacted = Redactor.scrub(secretLine + "\nERROR done");
    assertFalse(redacted.contains("hunter2"));
    assertTrue(redacted.endsWith("ERROR done"));
  }

  @Test
  void oneHugeLineWithoutBreaksIsCutAtAWordBoundary() {
    String redacted = Redactor.scrub("x".repeat(MIB) + " tail words");
    assertEquals(Redactor.CUT_MARKER + " tail words", redacted);
  }

  @ParameterizedTest(name = "user rule (.*a)x25 on {0} chars")
  @ValueSource(ints = {2 * KIB, 4 * KIB, MIB})
  void theNestedQuantifierUserRuleIsAcceptedAndAnswersCorrectly(int size) {
    Classifier classifier = Classifier.withExtraRules(List.of(rule("many-as", "(.*a){25}")));
    assertEquals("many-as", classifier.classify(Evidence.fromMessage(repeat("b", size) + " " + "a".repeat(25))).rule());
    assertEquals("builtin:unmatched",
        classifier.classify(Evidence.fromMessage(repeat("b", size) + " " + "a".repeat(24))).rule());
  }

  @ParameterizedTest(name = "user rule ''{0}'' is refused: {1}")
  @MethodSource("refusedPatterns")
  void patternsThatMatchEverythingOrCannotRunInLinearTimeAreRefused(String pattern, String reason) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rule("bad-one", pattern));
    assertTrue(e.getMessage().startsWith("rule 'bad-one' has a"), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  static Stream<Arguments> refusedPatterns() {
    return Stream.of(
        Arguments.of("", "matches the empty string"),
        Arguments.of(".*", "matches the empty string"),
        Arguments.of("x*", "matches the empty string"),
        Arguments.of("^", "matches the empty string"),
        Arguments.of("a?", "matches the empty string"),
        Arguments.of(".", "matches every line"),
        Arguments.of("[\\s\\S]", "matches every line"),
        Arguments.of("\\w|\\W", "matches every line"),
        Arguments.of("(a)\\1", "invalid escape sequence"),
        Arguments.of("(?=a)b", "RE2 syntax"),
        Arguments.of("((a{100}){100}){100}", "expand to more than"),
        Arguments.of("(((a{1000}){1000}){1000})", "expand to more than"),
        Arguments.of("a".repeat(RulePattern.MAX_LENGTH + 1), "longer than"));
  }

  @Test
  void aRulesFileWithAnEverythingPatternNamesTheFileAndTheRule() {
    RuleLoader.InvalidRulesException e = assertThrows(RuleLoader.InvalidRulesException.class,
        () -> RuleLoader.parse("- {name: catch-all, class: UserCodeError, messagePatterns: ['.*']}", "rules.yaml"));
    assertEquals("rules.yaml: rules[0] ('catch-all'): rule 'catch-all' has a messagePattern '.*' that matches "
        + "the empty string, so it would match every message", e.getMessage());
  }

  @Test
  void patternsKeepTheirSemantics() {
    // Case-insensitive by default, (?-i) where a rule says so, and . stays within a line.
    Classifier classifier = Classifier.defaults();
    assertEquals("builtin:oom-message", classifier.classify(Evidence.fromMessage("JAVA.LANG.OUTOFMEMORYERROR")).rule());
    assertEquals("builtin:exception", classifier.classify(Evidence.fromMessage("ValueError: bad")).rule());
    assertEquals("builtin:unmatched", classifier.classify(Evidence.fromMessage("valueerror: bad")).rule());
    Classifier oneLine = Classifier.withExtraRules(List.of(rule("a-then-b", "disk.*full")));
    assertEquals("a-then-b", oneLine.classify(Evidence.fromMessage("disk is full")).rule());
    assertEquals("builtin:unmatched", oneLine.classify(Evidence.fromMessage("disk\nis full")).rule(),
        ". does not cross a line end");
  }

  @Test
  void expandedSizeBoundsCountedRepetitions() {
    assertEquals(3, RulePattern.expandedSize("abc"));
    assertEquals(10, RulePattern.expandedSize("a{10}"));
    assertTrue(RulePattern.expandedSize("(ab){10}") >= 20);
    assertTrue(RulePattern.expandedSize("((a{100}){100}){100}") > RulePattern.MAX_EXPANDED);
    assertEquals(3, RulePattern.expandedSize("[{}]{3}"), "a brace in a class is a literal");
    assertEquals(3, RulePattern.expandedSize("\\Q{9}\\E"), "quoted text is literal");
  }

  private static ClassificationRule rule(String name, String pattern) {
    return new ClassificationRule(name, FailureClass.UserCodeError, Component.Any,
        null, null, null, null, null, List.of(pattern), null);
  }
}

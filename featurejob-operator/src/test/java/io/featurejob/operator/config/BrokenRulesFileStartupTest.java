package io.featurejob.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.Main;
import io.featurejob.operator.classify.RuleLoader;
import io.featurejob.operator.classify.RuleLoader.InvalidRulesException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code java -jar ... run} with a rules file it cannot use: one line on stderr naming the file, the rule
 * and the problem, exit code {@link Main#EXIT_BAD_RULES}, no stack trace, before touching any cluster.
 * Runs the real entry point in a child JVM (System.exit is the behaviour under test).
 */
class BrokenRulesFileStartupTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not YAML                  | '- name: [unclosed'                                                    | not valid YAML/JSON at line
      pattern matching anything | '- {name: catch-all, class: UserCodeError, messagePatterns: [''.*'']}' | rules[0] ('catch-all'): rule 'catch-all' has a messagePattern '.*' that matches the empty string
      """)
  void aBrokenRulesFileStopsStartWithOneClearLine(String name, String yaml, String expected, @TempDir Path dir)
      throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, yaml + "\n", StandardCharsets.UTF_8);

    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run"));
    pb.environment().keySet().removeIf(k -> k.startsWith("FEATUREJOB_") || k.equals("KUBECONFIG"));
    pb.environment().put("FEATUREJOB_CLASSIFIER_RULES_FILE", rules.toString());
    pb.environment().put("FEATUREJOB_METRICS_PORT", "0");
    pb.environment().put("KUBECONFIG", dir.resolve("no-kubeconfig").toString()); // never a real cluster
    pb.redirectOutput(dir.resolve("stdout").toFile());
    pb.redirectError(dir.resolve("stderr").toFile());
    Process process = pb.start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the operator did not exit on a broken rules file");
    }
    String stderr = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
    assertEquals(Main.EXIT_BAD_RULES, process.exitValue(), stderr);
    List<String> lines = stderr.lines().filter(l -> !l.startsWith("Picked up ")).toList(); // JAVA_TOOL_OPTIONS note
    assertEquals(1, lines.size(), stderr);
    assertTrue(lines.get(0).startsWith("featurejob-operator: bad classifier rules: " + rules + ": "), stderr);
    assertTrue(lines.get(0).contains(expected), stderr);
    assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), stderr);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      pattern RE2 cannot run | '- {name: backref, class: UserCodeError, messagePatterns: [''(a)\\1'']}' | rules[0] ('backref'): rule 'backref' has a bad messagePattern '(a)\\1': invalid escape sequence
      reserved name          | '- {name: ''builtin:mine'', class: UserCodeError, exitCodes: [3]}'      | rule 'builtin:mine': names starting with 'builtin:' are reserved
      """)
  void everyProblemOfTheFileIsAnInvalidRulesErrorNamingIt(String name, String yaml, String expected, @TempDir Path dir)
      throws IOException {
    // What Main turns into the one line above, without a child JVM per case.
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, yaml + "\n", StandardCharsets.UTF_8);
    InvalidRulesException e = assertThrows(InvalidRulesException.class, () -> RuleLoader.classifierWith(rules));
    assertTrue(e.getMessage().startsWith(rules + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}

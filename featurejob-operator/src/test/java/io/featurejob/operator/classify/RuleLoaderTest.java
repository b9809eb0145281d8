package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classification.MemoryTarget;
import io.featurejob.operator.classify.ClassificationRule.Component;
import io.featurejob.operator.classify.RuleLoader.InvalidRulesException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleLoaderTest {

  @Test
  void builtInRulesAreInTheDocumentedOrder() {
    List<String> names = RuleLoader.defaults().stream().map(ClassificationRule::name).toList();
    assertEquals(List.of(
        "builtin:disruption-target",
        "builtin:node-shutdown",
        "builtin:container-config",
        "builtin:oom-killed",
        "builtin:spark-oom-exit",
        "builtin:executor-oom-message",
        "builtin:oom-message",
        "builtin:evicted-for-memory",
        "builtin:executor-lost-to-node",
        "builtin:insufficient-capacity",
        "builtin:unschedulable-message",
        "builtin:permission-denied",
        "builtin:authentication-failed",
        "builtin:refused-by-database-or-store",
        "builtin:missing-dependency",
        "builtin:spark-configuration",
        "builtin:job-timed-out",
        "builtin:driver-killed-by-signal",
        "builtin:spark-task-failure",
        "builtin:analysis-exception",
        "builtin:python-traceback",
        "builtin:exception"), names);
  }

  @Test
  void loadsYamlWithEveryField(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, """
        - name: python-memory-error
          class: OutOfMemory
          component: driver
          messagePatterns: ['^MemoryError']
          memoryTarget: Driver
        - name: fenced-node
          class: SpotInterruption
          component: executor
          disruptionReasons: [DeletionByTaintManager]
          podReasons: [Fenced]
          waitingReasons: [ContainerCreating]
          terminatedReasons: [Error]
          exitCodes: [143, "137"]
        """);
    List<ClassificationRule> rules = RuleLoader.load(file);
    assertEquals(new ClassificationRule("python-memory-error", FailureClass.OutOfMemory, Component.Driver,
        null, null, null, null, null, List.of("^MemoryError"), MemoryTarget.Driver), rules.get(0));
    assertEquals(new ClassificationRule("fenced-node", FailureClass.SpotInterruption, Component.Executor,
        List.of("DeletionByTaintManager"), List.of("Fenced"), List.of("ContainerCreating"), List.of("Error"),
        List.of(143, 137), null, null), rules.get(1));
  }

  @Test
  void loadsJsonAndAnObjectWithARulesList(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("rules.json");
    Files.writeString(json, """
        {"rules": [{"name": "quota", "class": "CapacityUnavailable", "messagePatterns": ["exceeded quota"]}]}
        """);
    List<ClassificationRule> rules = RuleLoader.load(json);
    assertEquals(1, rules.size());
    assertEquals(FailureClass.CapacityUnavailable, rules.get(0).failureClass());
    assertEquals(Component.Any, rules.get(0).component(), "component defaults to any");
  }

  @Test
  void anEmptyFileHasNoRules() {
    assertEquals(List.of(), RuleLoader.parse("", "empty.yaml"));
  }

  static Stream<Arguments> badRules() {
    return Stream.of(
        Arguments.of("unknown class",
            "- {name: a, class: Infra, exitCodes: [1]}",
            "rules.yaml: rules[0] ('a'): unknown class 'Infra'"),
        Arguments.of("bad regex, second rule",
            "- {name: a, class: Unknown, exitCodes: [1]}\n- {name: b, class: UserCodeError, messagePatterns: ['(unclosed']}",
            "rules.yaml: rules[1] ('b'): rule 'b' has a bad messagePattern '(unclosed'"),
        Arguments.of("no matcher",
            "- {name: a, class: UserCodeError}",
            "rules.yaml: rules[0] ('a'): rule 'a' has no matcher"),
        Arguments.of("empty matcher list is no matcher",
            "- {name: a, class: UserCodeError, messagePatterns: []}",
            "rules.yaml: rules[0] ('a'): rule 'a' has no matcher"),
        Arguments.of("missing name",
            "- {class: UserCodeError, exitCodes: [1]}",
            "rules.yaml: rules[0]: missing 'name'"),
        Arguments.of("missing class",
            "- {name: a, exitCodes: [1]}",
            "rules.yaml: rules[0] ('a'): missing 'class'"),
        Arguments.of("misspelt field",
            "- {name: a, class: UserCodeError, messagePattern: [x]}",
            "rules.yaml: rules[0] ('a'): unknown field 'messagePattern'"),
        Arguments.of("exit code not a number",
            "- {name: a, class: UserCodeError, exitCodes: [one]}",
            "rules.yaml: rules[0] ('a'): 'exitCodes' must be a list of integers, found 'one'"),
        Arguments.of("unknown component",
            "- {name: a, class: UserCodeError, component: sidecar, exitCodes: [1]}",
            "rules.yaml: rules[0] ('a'): unknown component 'sidecar'"),
        Arguments.of("memoryTarget on a non-OOM rule",
            "- {name: a, class: UserCodeError, exitCodes: [1], memoryTarget: Driver}",
            "rules.yaml: rules[0] ('a'): rule 'a' sets memoryTarget but its class is UserCodeError"),
        Arguments.of("duplicate name",
            "- {name: a, class: UserCodeError, exitCodes: [1]}\n- {name: a, class: Unknown, exitCodes: [2]}",
            "rules.yaml: rules[1] ('a'): duplicate rule name"),
        Arguments.of("not a list",
            "name: a\nclass: Unknown",
            "rules.yaml: expected a list of rules"),
        Arguments.of("a rule that is not a map",
            "- just-a-string",
            "rules.yaml: rules[0]: expected a rule (a map), got 'just-a-string'"),
        Arguments.of("broken YAML",
            "- {name: a, class: [",
            "rules.yaml: not valid YAML/JSON at line"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRules")
  void badRulesAreReportedWithFileIndexAndReason(String name, String yaml, String expectedStart) {
    InvalidRulesException e = assertThrows(InvalidRulesException.class, () -> RuleLoader.parse(yaml, "rules.yaml"));
    assertTrue(e.getMessage().startsWith(expectedStart), () -> "got: " + e.getMessage());
  }

  @Test
  void missingFileIsReportedWithItsPath(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    InvalidRulesException e = assertThrows(InvalidRulesException.class, () -> RuleLoader.load(missing));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read rules file"), e.getMessage());
  }
}

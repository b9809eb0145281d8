package io.featurejob.operator.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The shipped rules file passes promtool and its unit tests (deploy/prometheus/tests/), and keeps its contract. */
class PromtoolRulesTest {
  static final String UNBLOCK = "kubectl annotate fj {{ $labels.featurejob }} -n {{ $labels.namespace }}"
      + " featurejob.io/unblock=\"$(date +%s)\" --overwrite";
  static final String LAST_MESSAGE = "kubectl get fj {{ $labels.featurejob }} -n {{ $labels.namespace }}"
      + " -o jsonpath='{.status.lastFailure.message}'";

  @Test
  void promtoolCheckRules() {
    Path promtool = Tools.require("promtool");
    Tools.Result r = Tools.run(List.of(promtool.toString(), "check", "rules", Tools.RULES.toString()));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS: 5 rules found"), r.output());
  }

  /**
   * Recovered before N pages nobody; N failures warn; the cap pages; staleness pages Critical and
   * only warns Low; everything resolves after recovery; duplicate operator pods; operator down.
   */
  @Test
  void promtoolTestRules() {
    Path promtool = Tools.require("promtool");
    Tools.Result r = Tools.run(List.of(promtool.toString(), "test", "rules", Tools.RULE_TESTS.toString()));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  /** Runs without promtool: the names, severities and runbooks that routes and humans rely on. */
  @Test
  void everyAlertCarriesSeveritySummaryDescriptionAndRunbook() throws Exception {
    JsonNode groups = new ObjectMapper(new YAMLFactory()).readTree(Tools.RULES.toFile()).get("groups");
    Set<String> names = new TreeSet<>();
    List<String> severities = new ArrayList<>();
    for (JsonNode group : groups) {
      for (JsonNode rule : group.get("rules")) {
        String name = rule.get("alert").asText();
        names.add(name);
        severities.add(name + "=" + rule.at("/labels/severity").asText());
        for (String annotation : List.of("summary", "description", "runbook")) {
          assertTrue(rule.at("/annotations/" + annotation).asText().length() > 20, name + " lacks " + annotation);
        }
        String summary = rule.at("/annotations/summary").asText();
        String runbook = rule.at("/annotations/runbook").asText().replaceAll("\\s+", " ");
        if (!name.equals("FeatureJobOperatorDown")) {
          for (String label : List.of("$labels.namespace", "$labels.featurejob", "$labels.feature_view",
              "$labels.failure_class")) {
            assertTrue(summary.contains(label), name + " summary must name " + label + ": " + summary);
          }
          assertTrue(runbook.contains(UNBLOCK), name + " runbook lacks the unblock command: " + runbook);
          assertTrue(runbook.contains(LAST_MESSAGE), name + " runbook lacks how to read the message: " + runbook);
          String expr = rule.get("expr").asText();
          assertTrue(expr.contains("group_left (feature_view, importance, team, owner)"), name + ": " + expr);
        }
        // The failure message is free text: never a label, never templated from one.
        assertTrue(!rule.toString().contains("$labels.message"), name);
      }
    }
    assertEquals(Set.of("FeatureJobFailing", "FeatureJobPermanentlyFailed", "FeatureStale", "FeatureJobOperatorDown"),
        names);
    assertEquals(List.of("FeatureJobFailing=warning", "FeatureJobPermanentlyFailed=page", "FeatureStale=page",
        "FeatureStale=warning", "FeatureJobOperatorDown=page"), severities);
  }
}

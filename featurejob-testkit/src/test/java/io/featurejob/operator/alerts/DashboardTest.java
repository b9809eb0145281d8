package io.featurejob.operator.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.demo.Stories;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/grafana/featurejob-dashboard.json parses and queries only metrics the operator really exports. */
class DashboardTest {
  static final Pattern METRIC = Pattern.compile("\\b(featurejob_[a-z0-9_]+)\\b");

  static JsonNode dashboard() throws Exception {
    return new ObjectMapper().readTree(Tools.DASHBOARD.toFile());
  }

  /** Every PromQL expression: panel targets and template variable queries. */
  static List<String> expressions(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.get("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if ("query".equals(variable.path("type").asText())) {
        out.add(variable.at("/query/query").asText());
      }
    }
    return out;
  }

  static Set<String> metricNames(List<String> expressions) {
    Set<String> out = new TreeSet<>();
    for (String expr : expressions) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  @Test
  void parsesAndEveryPanelQueriesThroughTheDatasourceVariable() throws Exception {
    JsonNode d = dashboard();
    assertEquals("featurejob-fleet", d.get("uid").asText());
    assertEquals("FeatureJobs", d.get("title").asText());
    Set<String> variables = new HashSet<>();
    d.at("/templating/list").forEach(v -> variables.add(v.get("name").asText()));
    assertEquals(Set.of("datasource", "namespace", "team"), variables);

    Set<Integer> ids = new HashSet<>();
    Set<String> titles = new TreeSet<>();
    for (JsonNode panel : d.get("panels")) {
      assertTrue(ids.add(panel.get("id").asInt()), "duplicate panel id " + panel.get("id"));
      assertTrue(panel.has("gridPos"), panel.get("title").asText());
      if (panel.get("type").asText().equals("row")) {
        continue;
      }
      titles.add(panel.get("title").asText());
      assertEquals("${datasource}", panel.at("/datasource/uid").asText(), panel.get("title").asText());
      assertFalse(panel.get("targets").isEmpty(), panel.get("title").asText());
      for (JsonNode target : panel.get("targets")) {
        assertFalse(target.get("expr").asText().isBlank(), panel.get("title").asText());
      }
    }
    // The fleet view the issue asks for.
    assertTrue(titles.containsAll(Set.of("Jobs by state", "Failing (alerting, >= N)", "PermanentlyFailed (parked)",
        "Staleness / freshness SLO", "Runs by outcome", "Failures by class",
        "Compute by capacity and outcome (pods busy)")), titles.toString());
  }

  @Test
  void everyQueriedMetricExistsInTheOperatorsMetrics() throws Exception {
    Set<String> queried = metricNames(expressions(dashboard()));
    assertTrue(queried.containsAll(Set.of("featurejob_info", "featurejob_alerting", "featurejob_permanently_failed",
        "featurejob_consecutive_failures", "featurejob_last_success_timestamp_seconds",
        "featurejob_freshness_slo_seconds", "featurejob_runs_total", "featurejob_compute_seconds_total",
        "featurejob_last_failure_info", "featurejob_run_duration_seconds_bucket")), queried.toString());

    try (OperatorHarness operator = OperatorHarness.start()) {
      // One failure then a success: every series kind exists (runs of both outcomes, compute, last success).
      operator.create(OperatorHarness.job("dash-features", "dash_hourly", Importance.Normal, "mobility", 2, 3),
          DriverScript.sequence(DriverBehaviour.failAfter(Duration.ofMillis(300), 1, Stories.PERMISSION_DENIED),
              DriverBehaviour.succeedAfter(Duration.ofMillis(300))));
      operator.awaitStatus("dash-features", s -> s.lastSuccessTime != null, Duration.ofSeconds(60));

      // The status is written before the gauges are updated, so wait for the scrape rather than sample it once.
      org.awaitility.Awaitility.await("every dashboard metric exported").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            String scraped = operator.metricsText();
            Set<String> exported = new TreeSet<>();
            scraped.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .forEach(l -> exported.add(l.split("[{ ]", 2)[0]));
            Set<String> missing = new TreeSet<>(queried);
            missing.removeAll(exported);
            assertTrue(missing.isEmpty(), "the dashboard queries metrics the operator does not export: " + missing
                + "\nexported: " + exported);
            assertTrue(scraped.contains(
                "featurejob_last_failure_info{failure_class=\"PermissionDenied\",featurejob=\"dash-features\""),
                "the reconciler fills the last failure class:\n" + scraped);
          });
    }
  }
}

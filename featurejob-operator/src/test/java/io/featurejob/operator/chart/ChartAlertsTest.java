package io.featurejob.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart's PrometheusRule and Grafana dashboard ConfigMap carry exactly the canonical files under
 * deploy/, off by default; its ServiceMonitor scrapes the way those rules expect.
 */
class ChartAlertsTest {
  static final Path RULES = Path.of("deploy/prometheus/featurejob-alerts.rules.yaml");
  static final Path DASHBOARD = Path.of("deploy/grafana/featurejob-dashboard.json");
  static final Path CHART_RULES = HelmChart.DIR.resolve("files/featurejob-alerts.rules.yaml");
  static final Path CHART_DASHBOARD = HelmChart.DIR.resolve("files/featurejob-dashboard.json");
  static final String DASHBOARD_KEY = "featurejob-dashboard.json";
  static final String ALL_ON = """
      prometheusRule: {enabled: true, labels: {release: prom}}
      grafanaDashboard: {enabled: true}
      metrics: {serviceMonitor: {enabled: true}}
      """;

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{1}")
  @CsvSource({
      "deploy/prometheus/featurejob-alerts.rules.yaml, helm/featurejob-operator/files/featurejob-alerts.rules.yaml",
      "deploy/grafana/featurejob-dashboard.json,       helm/featurejob-operator/files/featurejob-dashboard.json"})
  void chartCopiesAreByteIdenticalToDeploy(String canonical, String copy) throws Exception {
    assertEquals(-1L, Files.mismatch(Path.of(canonical), Path.of(copy)),
        copy + " drifted from " + canonical + ": cp " + canonical + " " + copy);
  }

  @Test
  void bothAreOffByDefault() {
    HelmChart.Rendered rendered = HelmChart.render();
    assertTrue(rendered.all(PrometheusRule.class).isEmpty());
    assertEquals(List.of(HelmChart.RELEASE),
        rendered.all(ConfigMap.class).stream().map(c -> c.getMetadata().getName()).toList(),
        "only the operator's own ConfigMap");
  }

  /** The rendered YAML itself, not a model's round trip: spec.groups is the rules file's groups. */
  @Test
  void prometheusRuleGroupsAreTheRulesFilesGroups() throws Exception {
    JsonNode fileGroups = YAML.readTree(RULES.toFile()).get("groups");
    JsonNode rendered = YAML.readTree(document(HelmChart.template(ALL_ON), "PrometheusRule"));
    assertEquals("monitoring.coreos.com/v1", rendered.get("apiVersion").asText());
    assertEquals(fileGroups, rendered.at("/spec/groups"));
  }

  @Test
  void prometheusRuleParsesWithEveryAlertAndItsLabelPlaceholdersLiteral() throws Exception {
    PrometheusRule rule = HelmChart.render(ALL_ON).single(PrometheusRule.class);
    assertEquals(HelmChart.NAMESPACE, rule.getMetadata().getNamespace());
    assertEquals("prom", rule.getMetadata().getLabels().get("release"));
    assertEquals("featurejob-operator", rule.getMetadata().getLabels().get("app.kubernetes.io/name"));

    List<String> alerts = new ArrayList<>();
    for (JsonNode r : YAML.readTree(RULES.toFile()).at("/groups/0/rules")) {
      alerts.add(r.get("alert").asText());
    }
    List<Rule> rules = rule.getSpec().getGroups().get(0).getRules();
    assertEquals(alerts, rules.stream().map(Rule::getAlert).toList());
    assertEquals(JSON.valueToTree(YAML.readTree(RULES.toFile()).get("groups")),
        JSON.valueToTree(rule.getSpec().getGroups()), "the typed model round-trips to the same groups");
    Rule failing = rules.get(0);
    assertEquals("FeatureJobFailing", failing.getAlert());
    String summary = failing.getAnnotations().get("summary");
    assertTrue(summary.contains("{{ $labels.namespace }}/{{ $labels.featurejob }}"),
        "helm must not evaluate the rules' templates: " + summary);
    assertTrue(failing.getAnnotations().get("runbook").contains(
        "kubectl annotate fj {{ $labels.featurejob }} -n {{ $labels.namespace }} featurejob.io/unblock="));
  }

  @Test
  void dashboardConfigMapHoldsTheDashboardForTheGrafanaSidecar() throws Exception {
    ConfigMap cm = HelmChart.render(ALL_ON).get(ConfigMap.class, HelmChart.NAMESPACE, HelmChart.RELEASE + "-dashboard");
    assertEquals("1", cm.getMetadata().getLabels().get("grafana_dashboard"));
    String json = cm.getData().get(DASHBOARD_KEY);
    assertEquals(JSON.readTree(DASHBOARD.toFile()), JSON.readTree(json));
    assertEquals(Files.readString(DASHBOARD), json, "not even whitespace changed");
    assertEquals(List.of(DASHBOARD_KEY), List.copyOf(cm.getData().keySet()));
  }

  @Test
  void dashboardLabelNamespaceAndAnnotationsAreConfigurable() {
    ConfigMap cm = HelmChart.render("""
        grafanaDashboard:
          enabled: true
          label: example.com/dashboard
          labelValue: featurejob
          namespace: monitoring
          annotations: {grafana_folder: ML platform}
        """).get(ConfigMap.class, "monitoring", HelmChart.RELEASE + "-dashboard");
    assertEquals("featurejob", cm.getMetadata().getLabels().get("example.com/dashboard"));
    assertFalse(cm.getMetadata().getLabels().containsKey("grafana_dashboard"));
    assertEquals("ML platform", cm.getMetadata().getAnnotations().get("grafana_folder"));
  }

  /**
   * The rules select job="featurejob-operator" and read the metrics' own `namespace` label: the
   * ServiceMonitor fixes the job label whatever the release is called and honors the scraped labels.
   */
  @ParameterizedTest(name = "values: {0}")
  @CsvSource(delimiter = '|', textBlock = """
      metrics: {serviceMonitor: {enabled: true}}
      {metrics: {serviceMonitor: {enabled: true}}, fullnameOverride: fj}
      """)
  void serviceMonitorScrapesTheWayTheRulesExpect(String values) throws Exception {
    String rules = Files.readString(RULES);
    Matcher job = Pattern.compile("up\\{job=\"([^\"]+)\"}").matcher(rules);
    assertTrue(job.find(), "FeatureJobOperatorDown selects a job");
    assertTrue(rules.contains("honor_labels: true"), "the rules file states its scrape assumption");

    Endpoint endpoint = HelmChart.render(values).single(ServiceMonitor.class).getSpec().getEndpoints().get(0);
    assertEquals(true, endpoint.getHonorLabels());
    List<RelabelConfig> jobRelabels = endpoint.getRelabelings().stream()
        .filter(r -> "job".equals(r.getTargetLabel())).toList();
    assertEquals(1, jobRelabels.size(), "one relabeling sets job");
    RelabelConfig relabel = jobRelabels.get(0);
    assertTrue(relabel.getAction() == null || relabel.getAction().equalsIgnoreCase("replace"), relabel.getAction());
    assertTrue(relabel.getSourceLabels() == null || relabel.getSourceLabels().isEmpty(), "a constant, not a copy");
    assertEquals(job.group(1), relabel.getReplacement());
  }

  /** The one document of a rendering whose kind is {@code kind}. */
  private static String document(String yaml, String kind) {
    List<String> found = new ArrayList<>();
    for (String d : yaml.split("(?m)^---\\s*$")) {
      if (Pattern.compile("(?m)^kind: " + kind + "$").matcher(d).find()) {
        found.add(d);
      }
    }
    assertEquals(1, found.size(), "documents of kind " + kind);
    return found.get(0);
  }
}

package io.featurejob.operator.chart;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.config.ConfigOption;
import io.featurejob.operator.config.OperatorConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** values.schema.json turns bad values away before anything renders. */
class ChartSchemaTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      replicas 2 without leader election           | replicas: 2                                         | then
      metrics port 0                                 | metrics: {port: 0}                                  | metrics.port
      metrics port above 65535                       | metrics: {port: 70000}                              | metrics.port
      metrics port not a number                      | metrics: {port: http}                               | metrics.port
      unknown top-level value                        | replica: 2                                          | replica
      unknown operator setting                       | config: {leaderElektion: true}                      | leaderElektion
      setting owned by another value                 | config: {metricsPort: 9090}                         | metricsPort
      unknown capacity preset                        | config: {capacityProfile: spot-only}                | capacityProfile
      duration without unit                          | config: {defaultMaxBackoff: '3600'}                 | defaultMaxBackoff
      jitter above 1                                 | config: {defaultJitter: 1.5}                        | defaultJitter
      watch namespace not a DNS label                | watchNamespaces: [ML_Team]                          | watchNamespaces
      watch namespaces as a string                   | watchNamespaces: ml                                 | watchNamespaces
      image pull policy                              | image: {repository: x, pullPolicy: Sometimes}       | pullPolicy
      the config file variable is the chart's        | env: [{name: FEATUREJOB_CONFIG_FILE, value: /x}]    | env
      prometheusRule toggle not a boolean            | prometheusRule: {enabled: 'yes'}                    | enabled
      prometheusRule label value not a string        | prometheusRule: {labels: {release: 1}}              | release
      dashboard label value as a number              | grafanaDashboard: {labelValue: 1}                   | labelValue
      dashboard label key with a space               | grafanaDashboard: {label: grafana dashboard}        | label
      unknown dashboard value                        | grafanaDashboard: {folder: ML}                      | folder
      bind address owned by metrics.bindAddress      | config: {metricsBindAddress: 127.0.0.1}             | metricsBindAddress
      allowed ServiceAccount not a name              | spark: {allowedServiceAccounts: [Admin SA]}         | allowedServiceAccounts
      allowed image with a comma                     | spark: {allowedImages: ['a,b']}                     | allowedImages
      no allowed image at all                        | spark: {allowedImages: []}                          | allowedImages
      clusterWide not a boolean                      | clusterWide: 'yes'                                  | clusterWide
      metrics auth toggle not a boolean              | metrics: {auth: {enabled: 1}}                       | enabled
      no shard                                       | sharding: {shards: 0}                               | shards
      more shards than the operator accepts          | sharding: {shards: 65}                              | shards
      shard count owned by sharding.shards           | config: {shardCount: 2}                             | shardCount
      """)
  void rejects(String why, String valuesYaml, String mentioned) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> HelmChart.template(valuesYaml), why);
    assertTrue(e.getMessage().contains("schema") && e.getMessage().contains(mentioned), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      two replicas with leader election     | {replicas: 2, leaderElection: {enabled: true}}
      zero replicas                         | {replicas: 0}
      every monitoring value                | {metrics: {serviceMonitor: {enabled: true, labels: {release: prom}}}, prometheusRule: {enabled: true, labels: {release: prom}}, grafanaDashboard: {enabled: true, label: grafana_dashboard, labelValue: '1', namespace: monitoring, annotations: {grafana_folder: ML}}}
      allow-lists and metrics auth          | {spark: {allowedServiceAccounts: [featurejob-spark, ml-spark], allowedImages: ['registry.example.com/ml/', apache/spark]}, metrics: {bindAddress: '::', auth: {enabled: true}}}
      allow anything, cluster-wide          | {clusterWide: true, spark: {allowedServiceAccounts: ['*'], allowedImages: ['*']}, admissionPolicy: {enabled: false}, aggregateToDefaultRoles: false}
      every operator setting                | {config: {capacityProfile: gke, restrictedSecurityContext: false, metricsOwnerLabels: team, reconcileThreads: 8, defaultInitialBackoff: 30s, defaultBackoffMultiplier: 1.5, defaultMaxBackoff: 2h, defaultJitter: 0.2, defaultAlertAfterFailures: 2, defaultMaxConsecutiveFailures: 5}}
      """)
  void accepts(String why, String valuesYaml) {
    HelmChart.template(valuesYaml);
  }

  /** Every OperatorConfig key is either owned by a chart value or allowed under `config`, and nothing else. */
  @Test
  void configSectionCoversExactlyTheOperatorKeysTheChartDoesNotSetItself() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(Files.readString(HelmChart.DIR.resolve("values.schema.json")));
    Set<String> allowed = new TreeSet<>();
    schema.at("/properties/config/properties").fieldNames().forEachRemaining(allowed::add);
    Set<String> ownedByChart = Set.of("watchNamespaces", "metricsPort", "metricsBindAddress", "metricsAuth",
        "sparkServiceAccounts", "sparkImages", "leaderElection", "leaderElectionNamespace",
        "leaderElectionLeaseName", "classifierRulesFile", "capacityProfileFile", "watchReferences",
        "shardCount", "shardIndex");
    Set<String> expected = OperatorConfig.ALL.stream().map(ConfigOption::key)
        .filter(k -> !ownedByChart.contains(k)).collect(Collectors.toCollection(TreeSet::new));
    org.junit.jupiter.api.Assertions.assertEquals(expected, allowed);
  }
}

package io.featurejob.operator.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** deploy/prometheus/alertmanager-example.yaml is valid and routes per team label and severity. */
class AlertmanagerConfigTest {

  @Test
  void amtoolCheckConfig() {
    Path amtool = Tools.require("amtool");
    Tools.Result r = Tools.run(List.of(amtool.toString(), "check-config", Tools.ALERTMANAGER_EXAMPLE.toString()));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      alertname=FeatureJobPermanentlyFailed team=mobility severity=page | mobility-page
      alertname=FeatureJobFailing team=mobility severity=warning         | mobility-email
      alertname=FeatureStale team=routing severity=page                  | routing-page
      alertname=FeatureStale team=routing severity=warning               | routing-email
      alertname=FeatureJobOperatorDown team=platform severity=page       | platform-page
      alertname=FeatureJobPermanentlyFailed team= severity=page          | platform-page
      alertname=FeatureJobFailing team=unknown severity=warning          | platform-email
      """)
  void routesPerTeamAndSeverity(String labels, String receiver) {
    Path amtool = Tools.require("amtool");
    List<String> command = new ArrayList<>(List.of(amtool.toString(), "config", "routes", "test",
        "--config.file=" + Tools.ALERTMANAGER_EXAMPLE));
    command.addAll(List.of(labels.trim().split("\\s+")));
    Tools.Result r = Tools.run(command);
    assertEquals(0, r.exitCode(), r.output());
    assertEquals(receiver, r.stdout().trim(), r.output());
  }
}

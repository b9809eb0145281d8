package io.featurejob.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chart's CRD is the generated one, and deploy/ is the chart rendered with its defaults. To
 * regenerate deploy/ after a chart change: {@code make manifests} (runs this test with
 * -Dfeaturejob.writeManifests=true).
 */
class ChartDriftTest {
  static final Path CRD = Path.of("crds/featurejobs.featurejob.io-v1.yml");
  static final Path CHART_CRD = HelmChart.DIR.resolve("crds/featurejobs.featurejob.io-v1.yml");
  static final Path OPERATOR_MANIFEST = Path.of("deploy/featurejob-operator.yaml");
  static final Path SPARK_MANIFEST = Path.of("deploy/job-namespace/featurejob-spark.yaml");
  /** Placeholder job namespace of the Spark manifest; the README shows the sed that replaces it. */
  static final String JOB_NAMESPACE_PLACEHOLDER = "featurejob-jobs";
  static final boolean WRITE = Boolean.getBoolean("featurejob.writeManifests");

  @Test
  void chartCarriesTheGeneratedCrd() throws Exception {
    assertEquals(Files.readString(CRD), Files.readString(CHART_CRD),
        "helm/featurejob-operator/crds/ drifted from crds/: run `make crds`");
  }

  @Test
  void deployManifestsAreTheChartsDefaults() throws Exception {
    check(OPERATOR_MANIFEST, operatorManifest());
  }

  @Test
  void deploySparkManifestIsTheChartsJobNamespaceRbac() throws Exception {
    check(SPARK_MANIFEST, sparkManifest());
  }

  @Test
  void deployManifestsParseAndStartWithTheirNamespace() throws Exception {
    List<HasMetadata> objects = HelmChart.parse(Files.readString(OPERATOR_MANIFEST));
    assertTrue(objects.get(0) instanceof Namespace, "kubectl apply creates the namespace first");
    assertEquals(HelmChart.NAMESPACE, objects.get(0).getMetadata().getName());
    for (HasMetadata o : objects.subList(1, objects.size())) {
      String ns = o.getMetadata().getNamespace();
      assertTrue(ns == null || ns.equals(HelmChart.NAMESPACE), o.getKind() + " in " + ns);
    }
    assertTrue(HelmChart.parse(Files.readString(SPARK_MANIFEST)).stream()
        .allMatch(o -> JOB_NAMESPACE_PLACEHOLDER.equals(o.getMetadata().getNamespace())));
  }

  static String operatorManifest() {
    return header("helm template " + HelmChart.RELEASE + " helm/featurejob-operator -n " + HelmChart.NAMESPACE)
        + """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels:
            app.kubernetes.io/part-of: featurejob
        """.formatted(HelmChart.NAMESPACE)
        + HelmChart.template("");
  }

  static String sparkManifest() {
    String values = "spark: {jobNamespaces: [" + JOB_NAMESPACE_PLACEHOLDER + "]}";
    String all = HelmChart.template(values);
    // Only the Spark driver objects: split on documents, keep those from spark-rbac.yaml.
    StringBuilder out = new StringBuilder(header("helm template ... --show-only templates/spark-rbac.yaml --set "
        + "'spark.jobNamespaces={" + JOB_NAMESPACE_PLACEHOLDER + "}'"));
    for (String document : all.split("(?m)^---\\s*$")) {
      if (document.contains("# Source: featurejob-operator/templates/spark-rbac.yaml")) {
        out.append("---").append(document);
      }
    }
    return out.toString();
  }

  private static String header(String command) {
    return "# Generated from the helm chart (" + command + "); do not edit.\n"
        + "# Regenerate with `make manifests`; ChartDriftTest fails when this file and the chart disagree.\n";
  }

  private static void check(Path file, String expected) throws Exception {
    if (WRITE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, expected);
    }
    assertTrue(Files.exists(file), file + " is missing: run `make manifests`");
    assertEquals(expected, Files.readString(file), file + " drifted from the chart: run `make manifests` and commit");
  }
}

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
  /** What a job namespace needs: the operator's Role and RoleBinding there and the Spark driver identity. */
  static final Path JOB_NAMESPACE_MANIFEST = Path.of("deploy/job-namespace/job-namespace.yaml");
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
  void deployJobNamespaceManifestIsTheChartsRbacForAManagedNamespace() throws Exception {
    check(JOB_NAMESPACE_MANIFEST, jobNamespaceManifest());
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
    assertTrue(HelmChart.parse(Files.readString(JOB_NAMESPACE_MANIFEST)).stream()
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

  static String jobNamespaceManifest() {
    String values = "watchNamespaces: [" + JOB_NAMESPACE_PLACEHOLDER + "]";
    String all = HelmChart.template(values);
    // Only the objects in the job namespace, from rbac.yaml (the operator's Role) and spark-rbac.yaml.
    StringBuilder out = new StringBuilder(header("helm template ... --show-only templates/rbac.yaml --show-only "
        + "templates/spark-rbac.yaml --set 'watchNamespaces={" + JOB_NAMESPACE_PLACEHOLDER + "}', objects in "
        + JOB_NAMESPACE_PLACEHOLDER));
    for (String document : all.split("(?m)^---\\s*$")) {
      boolean rbac = document.contains("# Source: featurejob-operator/templates/spark-rbac.yaml")
          || document.contains("# Source: featurejob-operator/templates/rbac.yaml");
      if (rbac && document.contains("\n  namespace: " + JOB_NAMESPACE_PLACEHOLDER + "\n")) {
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

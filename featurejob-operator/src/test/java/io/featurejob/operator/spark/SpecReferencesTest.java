package io.featurejob.operator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.featurejob.operator.api.DriverSpec;
import io.featurejob.operator.api.ExecutorSpec;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.SparkSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which Secrets and ConfigMaps a spec references, and the fingerprint whose change retries a failing job. */
class SpecReferencesTest {

  @Test
  void everyPlaceAPodReadsASecretOrConfigMapFrom() {
    FeatureJobSpec spec = new FeatureJobSpec();
    spec.spark = new SparkSpec();
    spec.spark.volumes = List.of(
        new VolumeBuilder().withName("creds").withNewSecret().withSecretName("db-creds").endSecret().build(),
        new VolumeBuilder().withName("conf").withNewConfigMap().withName("job-conf").endConfigMap().build(),
        new VolumeBuilder().withName("both").withNewProjected().addNewSource().withNewSecret().withName("tls")
            .endSecret().endSource().addNewSource().withNewConfigMap().withName("ca").endConfigMap().endSource()
            .endProjected().build(),
        new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build());
    spec.spark.imagePullSecrets = List.of(new LocalObjectReference("registry"));
    spec.spark.driver = new DriverSpec();
    spec.spark.driver.env = List.of(
        new EnvVarBuilder().withName("JOB_PASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "db-creds", false)
            .endValueFrom().build(),
        new EnvVarBuilder().withName("PLAIN").withValue("x").build());
    spec.spark.driver.sidecars = List.of(new ContainerBuilder().withName("proxy")
        .withEnvFrom(new EnvFromSourceBuilder().withNewSecretRef("proxy-token", false).build()).build());
    spec.spark.executor = new ExecutorSpec();
    spec.spark.executor.envFrom = List.of(new EnvFromSourceBuilder().withNewConfigMapRef("features", false).build());
    spec.spark.executor.env = List.of(new EnvVarBuilder().withName("REGION").withNewValueFrom()
        .withNewConfigMapKeyRef("region", "cluster-info", true).endValueFrom().build());
    spec.spark.executor.initContainers = List.of(new ContainerBuilder().withName("fetch")
        .withEnv(new EnvVarBuilder().withName("KEY").withNewValueFrom().withNewSecretKeyRef("key", "fetch-key", false)
            .endValueFrom().build()).build());

    assertEquals(List.of("Secret/db-creds", "Secret/fetch-key", "Secret/proxy-token", "Secret/registry", "Secret/tls",
        "ConfigMap/ca", "ConfigMap/cluster-info", "ConfigMap/features", "ConfigMap/job-conf"),
        SpecReferences.names(SpecReferences.of(spec)));
  }

  @Test
  void aSpecWithoutReferencesHasNoFingerprint() {
    FeatureJobSpec spec = new FeatureJobSpec();
    spec.spark = new SparkSpec();
    assertEquals(Set.of(), SpecReferences.of(spec));
    assertNull(SpecReferences.fingerprint(SpecReferences.of(spec), r -> "1"));
  }

  @Test
  void theFingerprintChangesWithAVersionAndWhenAnObjectAppearsOrGoes() {
    Set<SpecReferences.Ref> refs = Set.of(new SpecReferences.Ref(SpecReferences.Kind.Secret, "db-creds"),
        new SpecReferences.Ref(SpecReferences.Kind.ConfigMap, "job-conf"));
    Map<String, String> versions = Map.of("db-creds", "100", "job-conf", "7");
    String before = SpecReferences.fingerprint(new java.util.TreeSet<>(refs), r -> versions.get(r.name()));
    assertEquals(before, SpecReferences.fingerprint(new java.util.TreeSet<>(refs), r -> versions.get(r.name())),
        "stable for the same versions");
    assertEquals(16, before.length(), "8 bytes of SHA-256 in hex: no names, no data");
    assertNotEquals(before, SpecReferences.fingerprint(new java.util.TreeSet<>(refs),
        r -> r.name().equals("db-creds") ? "101" : "7"), "a rotated password");
    assertNotEquals(before, SpecReferences.fingerprint(new java.util.TreeSet<>(refs),
        r -> r.name().equals("db-creds") ? null : "7"), "a Secret deleted");
  }
}

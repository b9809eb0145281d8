package io.featurejob.operator.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.spark.ExecutorPodTemplate;
import io.featurejob.operator.spark.PodNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Issue 14's "done when", shared by the mock-server and the control-plane suites: the example
 * examples/orders-jdbc-features.yaml (env from a Secret, a mounted ConfigMap, a scratch volume, a
 * toleration) launches a driver and executors that carry all of it; a conflicting value is reported;
 * the Secret's value appears in no pod, template, status or event.
 */
public final class PodOptionsStory {
  public static final Path EXAMPLE = Path.of("examples/orders-jdbc-features.yaml");
  /** Stands for the database password; must never leave the Secret. */
  static final String SECRET_VALUE = "s3cr3t-Pa55word-only-in-the-Secret";

  private PodOptionsStory() {}

  /** @param client creates the Secret and ConfigMap the example references, and reads what the operator wrote */
  public static void run(FeatureJobHarness h, KubernetesClient client) {
    client.secrets().inNamespace(h.namespace).resource(new SecretBuilder().withNewMetadata()
        .withName("orders-db-credentials").endMetadata().addToStringData("password", SECRET_VALUE).build()).create();
    client.configMaps().inNamespace(h.namespace).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("orders-features-config").endMetadata().addToData("app.conf", "tables=orders\n").build()).create();

    FeatureJob job = example();
    String name = job.getMetadata().getName();
    job.getSpec().schedule = "@yearly"; // one run in the test, the newest window
    // The operator sets POD_IP on the driver: the user's value must lose, and be reported.
    job.getSpec().spark.driver.env.add(new EnvVar("POD_IP", "10.0.0.1", null));
    h.create(job);

    List<Pod> executors = await(name + ": 2 executors").atMost(Duration90.TIMEOUT).pollInterval(Duration90.POLL)
        .until(() -> h.podsOf(name).stream()
            .filter(p -> Labels.ROLE_EXECUTOR.equals(p.getMetadata().getLabels().get(Labels.SPARK_ROLE))).toList(),
            l -> l.size() == 2);
    Pod driver = h.driverPods(name).get(0);
    Pod template = ExecutorPodTemplate.fromConfigMap(client.configMaps().inNamespace(h.namespace)
        .withName(PodNames.executorTemplateConfigMap(name)).get(),
        CapacityType.valueOf(driver.getMetadata().getAnnotations().get(Labels.EXECUTOR_CAPACITY)));

    // For the record (issue 14 asks for the resulting pods): the stored driver and one executor, abridged.
    System.out.println("[pod options] driver as stored:\n" + excerpt(driver));
    System.out.println("[pod options] executor as stored:\n" + excerpt(executors.get(0)));
    assertCarriesTheOptions(driver);
    assertCarriesTheOptions(template);
    executors.forEach(PodOptionsStory::assertCarriesTheOptions);
    // memory: "4096" is 4 GiB (MiB as Spark reads it): 4096 + max(384, 10%) = 4505 MiB on the pod.
    assertEquals("4505Mi", sparkContainer(driver).getResources().getRequests().get("memory").toString());
    EnvVar podIp = sparkContainer(driver).getEnv().stream().filter(e -> e.getName().equals("POD_IP")).findFirst().orElseThrow();
    assertEquals("status.podIP", podIp.getValueFrom().getFieldRef().getFieldPath(), "the operator's POD_IP wins");

    FeatureJobStatus adjusted = h.awaitStatus(name, "SpecAdjusted=True", s -> Conditions.isTrue(s, Conditions.SPEC_ADJUSTED));
    assertTrue(Conditions.find(adjusted, Conditions.SPEC_ADJUSTED).getMessage().contains("spark.driver.env[POD_IP]"),
        Conditions.find(adjusted, Conditions.SPEC_ADJUSTED).getMessage());
    assertTrue(Conditions.isTrue(adjusted, Conditions.SPEC_VALID));
    Event warning = h.awaitEvent(name, EventReason.SpecAdjusted);
    assertEquals("Warning", warning.getType());
    assertFalse(warning.getMessage().contains("10.0.0.1"), "names, not values: " + warning.getMessage());

    ConfigMap templateMap = client.configMaps().inNamespace(h.namespace).withName(PodNames.executorTemplateConfigMap(name)).get();
    List<Object> written = new ArrayList<>(List.of(h.job(name), templateMap, driver));
    written.addAll(executors);
    written.addAll(h.events(name));
    for (Object o : written) {
      assertFalse(Serialization.asJson(o).contains(SECRET_VALUE), "the Secret's value leaked into " + o.getClass());
    }
  }

  static FeatureJob example() {
    try {
      return Serialization.unmarshal(Files.readString(EXAMPLE), FeatureJob.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Labels, the Spark container's env and mounts, volumes and tolerations: what the options touch. */
  private static String excerpt(Pod pod) {
    Container spark = sparkContainer(pod);
    Map<String, Object> shown = new java.util.LinkedHashMap<>();
    shown.put("labels", pod.getMetadata().getLabels());
    shown.put("env", spark.getEnv());
    shown.put("volumeMounts", spark.getVolumeMounts());
    shown.put("resources", spark.getResources());
    shown.put("volumes", pod.getSpec().getVolumes());
    shown.put("tolerations", pod.getSpec().getTolerations());
    shown.put("nodeSelector", pod.getSpec().getNodeSelector());
    return Serialization.asYaml(shown);
  }

  private static Container sparkContainer(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }

  /** Env from the Secret (a reference), the ConfigMap and scratch mounts and volumes, the toleration, the label. */
  private static void assertCarriesTheOptions(Pod pod) {
    String what = pod.getMetadata().getName() == null ? "executor template" : pod.getMetadata().getName();
    Container spark = sparkContainer(pod);
    EnvVar password = spark.getEnv().stream().filter(e -> e.getName().equals("JDBC_PASSWORD")).findFirst()
        .orElseThrow(() -> new AssertionError(what + ": no JDBC_PASSWORD in " + spark.getEnv()));
    assertEquals("orders-db-credentials", password.getValueFrom().getSecretKeyRef().getName(), what);
    assertEquals("password", password.getValueFrom().getSecretKeyRef().getKey(), what);
    assertEquals(null, password.getValue(), what + ": a reference, never the value");
    // (the real API server adds its ServiceAccount token mount; the driver has the template mount)
    Map<String, String> mounts = spark.getVolumeMounts().stream()
        .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
    assertEquals("features-config", mounts.get("/etc/features"), what + ": " + mounts);
    assertEquals("scratch", mounts.get("/scratch"), what + ": " + mounts);
    Volume config = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("features-config")).findFirst()
        .orElseThrow(() -> new AssertionError(what + ": no features-config volume"));
    assertEquals("orders-features-config", config.getConfigMap().getName(), what);
    assertTrue(pod.getSpec().getVolumes().stream().anyMatch(v -> v.getName().equals("scratch") && v.getEmptyDir() != null), what);
    assertTrue(pod.getSpec().getTolerations().stream().map(Toleration::getKey).anyMatch("dedicated"::equals),
        what + ": " + pod.getSpec().getTolerations());
    assertEquals("cc-4711", pod.getMetadata().getLabels().get("cost-center"), what);
  }

  /** The suites' polling bounds (generous: the control plane is shared). */
  private static final class Duration90 {
    static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(90);
    static final java.time.Duration POLL = java.time.Duration.ofMillis(250);
  }
}

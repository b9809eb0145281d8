package io.featurejob.operator.node;

import static io.featurejob.operator.node.RealNode.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.cluster.ClusterHarness;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Conditions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A driver's environment variable from a Secret (spec.spark.driver.env with secretKeyRef) on the real
 * node: the kubelet resolves it, the job proves it read the value (the example job's --env-sha256)
 * while the value stays out of the FeatureJob, events, ConfigMaps and the stored pod; a Secret that
 * does not exist leaves the real driver container waiting in CreateContainerConfigError, which the
 * operator records as a ConfigError attempt.
 */
@Tag("node")
class SecretOnRealNodeTest {
  static final String VARIABLE = "JOB_PASSWORD";
  static final String KEY = "password";

  @Test
  void theDriverReadsItsPasswordFromTheSecretAndTheValueIsStoredNowhereElse() {
    try (ClusterHarness harness = ClusterHarness.onRealNode("node-secret", SparkOnRealNodeTest.ONE_NODE)) {
      String password = "pw-" + UUID.randomUUID();
      harness.admin.secrets().inNamespace(harness.namespace).resource(new SecretBuilder()
          .withNewMetadata().withName("job-db").endMetadata()
          .withStringData(Map.of(KEY, password)).build()).create();
      FeatureJob job = SparkOnRealNodeTest.sparkJob("secret-env",
          List.of("--env-sha256", VARIABLE + "=" + sha256(password), "--rows", "1000"));
      job.getSpec().spark.executor.instances = 1;
      job.getSpec().spark.driver.env = List.of(fromSecret("job-db"));
      harness.create(job);

      // the first attempt's outcome: a wrong or missing value fails the driver at once
      FeatureJobStatus status = RealNode.diagnosed(harness, () -> Awaitility.await("secret-env: the first run's outcome")
          .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
          .until(() -> harness.status("secret-env"), s -> s != null && (s.lastSuccessTime != null || s.lastFailure != null)));

      assertNull(status.lastFailure, () -> Serialization.asYaml(status.lastFailure));
      assertEquals(0, status.consecutiveFailures);
      Pod driver = harness.driverPods("secret-env").get(0);
      assertEquals("Succeeded", driver.getStatus().getPhase());
      String log = RealNode.logs(harness.namespace, driver.getMetadata().getName());
      assertContains(log, "featurejob-example: " + VARIABLE + " has the expected SHA-256");

      // the pod as stored names the Secret, never its value
      EnvVar stored = driver.getSpec().getContainers().get(0).getEnv().stream()
          .filter(e -> VARIABLE.equals(e.getName())).findFirst()
          .orElseThrow(() -> new AssertionError("no " + VARIABLE + " in the driver's env"));
      assertNull(stored.getValue());
      SecretKeySelector ref = stored.getValueFrom().getSecretKeyRef();
      assertEquals("job-db", ref.getName());
      assertEquals(KEY, ref.getKey());
      Map<String, String> stores = Map.of(
          "FeatureJob", Serialization.asJson(harness.job("secret-env")),
          "events", Serialization.asJson(harness.admin.v1().events().inNamespace(harness.namespace).list()),
          "pods", Serialization.asJson(harness.admin.pods().inNamespace(harness.namespace).list()),
          "ConfigMaps", Serialization.asJson(harness.admin.configMaps().inNamespace(harness.namespace).list()),
          "driver log", log);
      stores.forEach((where, text) -> assertFalse(text.contains(password), "the Secret's value in " + where));
    }
  }

  @Test
  void aMissingSecretIsAConfigErrorFromTheRealPodStatusNotACrash() {
    try (ClusterHarness harness = ClusterHarness.onRealNode("node-nosecret", SparkOnRealNodeTest.ONE_NODE)) {
      Map<String, String> waiting = new ConcurrentHashMap<>();
      try (Watch watch = watchDriverWaiting(harness, waiting)) {
        FeatureJob job = SparkOnRealNodeTest.sparkJob("no-secret", List.of("--rows", "1000"));
        job.getSpec().spark.driver.env = List.of(fromSecret("absent-db-credentials"));
        // nothing here should take long: the kubelet refuses the container within seconds
        job.getSpec().runTimeout = "1m";
        job.getSpec().capacity = new CapacitySpec();
        job.getSpec().capacity.schedulingTimeout = "30s";
        harness.create(job);

        // two failed attempts: the operator kept reconciling and retried after the first
        List<FeatureJobStatus> seen = new CopyOnWriteArrayList<>();
        FeatureJobStatus status = RealNode.diagnosed(harness, () -> Awaitility.await("no-secret: two failed attempts")
            .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
            .until(() -> {
              FeatureJobStatus s = harness.status("no-secret");
              seen.add(s);
              return s;
            }, s -> s != null && s.consecutiveFailures != null && s.consecutiveFailures >= 2));

        System.out.println("[real node] driver containers waiting: " + waiting);
        System.out.println("[real node] last failure: " + Serialization.asYaml(status.lastFailure));
        // the attempt the operator failed is a pod the real kubelet reported waiting for the Secret
        String kubelet = waiting.get(status.lastFailure.podName + " CreateContainerConfigError");
        assertNotNull(kubelet, () -> status.lastFailure.podName + " not seen in CreateContainerConfigError: " + waiting);
        assertContains(kubelet, "\"absent-db-credentials\" not found");
        assertEquals(FailureClass.ConfigError, status.lastFailure.failureClass);
        assertEquals("builtin:container-config", status.lastFailure.reason);
        assertEquals(kubelet, status.lastFailure.message); // the kubelet's words, which name the Secret only
        List<HistoryEntry> failed = status.history.stream().filter(h -> h.failureClass != null).toList();
        assertTrue(failed.size() >= 2, () -> "history: " + Serialization.asYaml(status.history));
        failed.forEach(h -> assertEquals(FailureClass.ConfigError, h.failureClass, h.reason + ": " + h.message));

        assertTrue(harness.operatorRunning());
        for (FeatureJobStatus s : seen) {
          var reconcileError = Conditions.find(s, Conditions.RECONCILE_ERROR);
          assertTrue(reconcileError == null || !"True".equals(reconcileError.getStatus()),
              () -> "ReconcileError: " + reconcileError.getMessage());
        }
        assertEquals(0, harness.eventCount("no-secret", EventReason.ReconcileError));
      }
    }
  }

  private static EnvVar fromSecret(String secret) {
    return new EnvVarBuilder().withName(VARIABLE).withNewValueFrom().withNewSecretKeyRef()
        .withName(secret).withKey(KEY).endSecretKeyRef().endValueFrom().build();
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records each driver container's waiting states as the real kubelet reports them: "pod reason" -> message. */
  private static Watch watchDriverWaiting(ClusterHarness harness, Map<String, String> waiting) {
    return harness.admin.pods().inNamespace(harness.namespace).withLabel(Labels.SPARK_ROLE, Labels.ROLE_DRIVER)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
              return;
            }
            for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
              var state = container.getState() == null ? null : container.getState().getWaiting();
              if (state != null && state.getReason() != null) {
                waiting.put(pod.getMetadata().getName() + " " + state.getReason(), String.valueOf(state.getMessage()));
              }
            }
          }

          @Override
          public void onClose(WatcherException cause) {
            // the test closes it
          }
        });
  }
}

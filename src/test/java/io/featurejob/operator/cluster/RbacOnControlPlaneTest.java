package io.featurejob.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.controller.FeatureJobOperator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The tests authenticate the operator with a ServiceAccount token, so kube-apiserver's RBAC decides
 * what it may do: the chart's ServiceAccount can list FeatureJobs cluster-wide; an identity without
 * the chart's binding is forbidden and the operator never becomes ready. This is what makes a
 * permission missing from the chart fail the story tests.
 */
@Tag("cluster")
class RbacOnControlPlaneTest {

  @Test
  void chartServiceAccountIsAuthorizedAndAnUnboundOneIsNot() throws Exception {
    try (KubernetesClient admin = ClusterHarness.adminClient()) {
      ClusterHarness.applyChartRbac(admin);
      String token = ClusterHarness.token(admin, ClusterHarness.OPERATOR_NAMESPACE,
          ClusterHarness.OPERATOR_SERVICE_ACCOUNT);
      try (KubernetesClient operator = ClusterHarness.tokenClient(admin, token)) {
        operator.resources(FeatureJob.class).inAnyNamespace().list();
        KubernetesClientException forbidden = assertThrows(KubernetesClientException.class,
            () -> operator.secrets().inAnyNamespace().list(), "the chart grants no access to Secrets");
        assertEquals(403, forbidden.getCode());
      }

      String namespace = "rbac-" + UUID.randomUUID().toString().substring(0, 5);
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
          .build()).create();
      try {
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
            .withName("unbound").endMetadata().build()).create();
        String unbound = ClusterHarness.token(admin, namespace, "unbound");
        try (KubernetesClient client = ClusterHarness.tokenClient(admin, unbound)) {
          KubernetesClientException e = assertThrows(KubernetesClientException.class,
              () -> client.resources(FeatureJob.class).inNamespace(namespace).list());
          assertEquals(403, e.getCode());
          assertTrue(e.getMessage().contains("system:serviceaccount:" + namespace + ":unbound"), e.getMessage());

          // JOSDK refuses to start when its informers are forbidden; if it ever starts anyway it must not be ready.
          FeatureJobOperator op;
          try {
            op = ClusterHarness.startOperator(client, namespace);
          } catch (RuntimeException refused) {
            assertTrue(causedByForbidden(refused), () -> "expected a 403 behind " + refused);
            return;
          }
          try {
            Thread.sleep(3000);
            int code = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + op.metricsPort() + "/readyz")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
            assertTrue(code != 200, "an operator without RBAC must not report ready, got " + code);
          } finally {
            op.close();
          }
        }
      } finally {
        admin.namespaces().withName(namespace).delete();
      }
    }
  }

  private static boolean causedByForbidden(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() == 403) {
        return true;
      }
      if (String.valueOf(c.getMessage()).contains("forbidden")) {
        return true;
      }
    }
    return false;
  }
}

package io.featurejob.operator.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.demo.EmbeddedApiServer;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.testing.LeaseAccessReview;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator instances with leader election against the CRUD mock server: only the leader launches
 * pods, and closing the leader hands over to the standby without a second pod for the running attempt.
 *
 * <p>The mock server's Lease handling suffices (create, get, update with resourceVersion conflicts).
 * What it lacks is authorization: JOSDK first checks its Lease permissions with a
 * SelfSubjectRulesReview, which the CRUD server refuses with 422 "metadata is required" (see
 * {@link #theCrudServerCannotAnswerJosdksLeaseAccessCheck}), so {@code Operator.start()} would throw.
 * This test answers that one request the way an API server does for the
 * chart's RBAC (leases get/create/update) and leaves every other request to the CRUD server.
 */
class LeaderElectionTest {
  static final String LEASE_NAMESPACE = "featurejob-system";
  static final String LEASE = "featurejob-operator-lease";
  static final String RULES_REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  private KubernetesMockServer server;
  private KubernetesClient admin;
  private final List<FeatureJobOperator> operators = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    server.expect().post().withPath(RULES_REVIEW_PATH).andReturn(201, LeaseAccessReview.granted(LEASE_NAMESPACE))
        .always();
    admin = server.createClient();
    try (InputStream crd = getClass().getResourceAsStream(EmbeddedApiServer.CRD_RESOURCE)) {
      admin.apiextensions().v1().customResourceDefinitions()
          .resource(Serialization.unmarshal(crd, CustomResourceDefinition.class)).create();
    }
  }

  @AfterEach
  void stop() {
    operators.forEach(FeatureJobOperator::close);
    clients.forEach(KubernetesClient::close);
    admin.close();
    server.destroy();
  }

  @Test
  void onlyTheLeaderLaunchesAndClosingItHandsOverWithoutADuplicatePod() throws Exception {
    FeatureJobOperator a = start("operator-a");
    await().atMost(Duration.ofSeconds(30)).until(() -> a.leaderIdentity().get().equals(holder()));
    FeatureJobOperator b = start("operator-b");
    assertNotEquals(a.leaderIdentity(), b.leaderIdentity());

    FeatureJob job = Stories.acceptanceJob();
    job.getSpec().schedule = null; // a one-off run: launched at once
    admin.resources(FeatureJob.class).inNamespace(Stories.NAMESPACE).resource(job).create();

    // The leader launches the run; no kubelet runs here, so the driver pod stays Pending.
    await().atMost(Duration.ofSeconds(30)).until(() -> drivers().size() == 1);
    String firstDriver = drivers().get(0).getMetadata().getName();
    // The standby has the same informers and the same job, yet launches nothing.
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30))
        .until(() -> drivers().size() == 1 && a.leaderIdentity().get().equals(holder()));

    // Hand over: close the leader (what SIGTERM does). It releases the Lease; B takes it.
    a.close();
    operators.remove(a);
    await().atMost(Duration.ofSeconds(30)).until(() -> b.leaderIdentity().get().equals(holder()));
    // B reconciles the job, finds the recorded attempt's pod and does not launch a second one.
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).until(() -> drivers().size() == 1);
    assertEquals(firstDriver, currentAttemptPod());

    // B is really active: a job created after the handover gets its run from B.
    FeatureJob second = Stories.spotJob();
    second.getSpec().schedule = null;
    admin.resources(FeatureJob.class).inNamespace(Stories.NAMESPACE).resource(second).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> drivers().size() == 2);
    assertTrue(drivers().stream().anyMatch(p -> p.getMetadata().getName().equals(firstDriver)));

    // One pod create each: A's for the first job (before the handover the only pod), B's for the second.
    assertEquals(Map.of("operator-a", 1, "operator-b", 1), podCreatesByClient());
  }

  /** Exactly what fails without the stub: the request JOSDK sends (no metadata) is refused with 422. */
  @Test
  void theCrudServerCannotAnswerJosdksLeaseAccessCheck() throws Exception {
    KubernetesMockServer crud = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(Collections.emptyList()), false);
    crud.init(InetAddress.getByName("127.0.0.1"), 0);
    try (KubernetesClient client = crud.createClient()) {
      SelfSubjectRulesReview review = new SelfSubjectRulesReview();
      review.setSpec(new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewSpecBuilder()
          .withNamespace(LEASE_NAMESPACE).build());
      KubernetesClientException e = assertThrows(KubernetesClientException.class,
          () -> client.resource(review).create());
      assertEquals(422, e.getCode());
      assertTrue(e.getMessage().contains("metadata is required"), e.getMessage());
    } finally {
      crud.destroy();
    }
  }

  private FeatureJobOperator start(String name) throws Exception {
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(server.createClient().getConfiguration()).withUserAgent(name).build())
        .build();
    clients.add(client);
    OperatorConfig config = OperatorConfig.load(Map.of(
        "FEATUREJOB_LEADER_ELECTION", "true",
        "FEATUREJOB_LEADER_ELECTION_NAMESPACE", LEASE_NAMESPACE,
        "FEATUREJOB_METRICS_PORT", "0",
        "FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1"));
    FeatureJobOperator operator = FeatureJobOperator.start(client, config, Clock.systemUTC(), false);
    operators.add(operator);
    return operator;
  }

  private String holder() {
    Lease lease = admin.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private List<Pod> drivers() {
    return admin.pods().inNamespace(Stories.NAMESPACE).withLabel(Labels.SPARK_ROLE, Labels.ROLE_DRIVER).list().getItems();
  }

  private String currentAttemptPod() {
    FeatureJob job = admin.resources(FeatureJob.class).inNamespace(Stories.NAMESPACE)
        .withName(Stories.ACCEPTANCE_JOB).get();
    return job.getStatus().currentAttempt.podName;
  }

  /**
   * Pod create requests recorded by the mock server, counted by the User-Agent of the client that sent
   * them (the recorded body is consumed by the dispatcher, so names come from the pods themselves).
   */
  private Map<String, Integer> podCreatesByClient() throws InterruptedException {
    Map<String, Integer> out = new HashMap<>();
    RecordedRequest request;
    while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      if ("POST".equals(request.getMethod()) && request.getPath().equals("/api/v1/namespaces/" + Stories.NAMESPACE + "/pods")) {
        out.merge(request.getHeader("User-Agent"), 1, Integer::sum);
      }
    }
    return out;
  }
}

package io.featurejob.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.featurejob.operator.testing.CrudMockServer;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.policy.Decision;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The executor template is written once per content, in one request where this process knows the ConfigMap. */
class TemplateWritesTest {
  static final String UID = "uid-1";

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    server = CrudMockServer.start();
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  static ConfigMap template(String capacity) {
    return new ConfigMapBuilder().withNewMetadata().withName("trip-features-executor-template").withNamespace("ml")
        .addToLabels("featurejob.io/job", "trip-features").endMetadata()
        .withData(Map.of("template.yaml", "capacity: " + capacity)).build();
  }

  /** Requests the mock server received since the last call, as "METHOD path" without the query. */
  List<String> requests() throws InterruptedException {
    return CrudMockServer.requests(server).stream().map(r -> r.replaceFirst("\\?.*", "")).toList();
  }

  String stored() {
    return client.configMaps().inNamespace("ml").withName("trip-features-executor-template").get().getData()
        .get("template.yaml");
  }

  static final String COLLECTION = "/api/v1/namespaces/ml/configmaps";
  static final String OBJECT = COLLECTION + "/trip-features-executor-template";

  @Test
  void aNewJobCostsOneCreateAndAnUnchangedTemplateNothing() throws InterruptedException {
    TemplateWrites writes = new TemplateWrites(client);
    assertTrue(writes.ensure(UID, template("spot"), false));
    assertEquals(List.of("POST " + COLLECTION), requests());

    for (int attempt = 2; attempt <= 5; attempt++) {
      assertFalse(writes.ensure(UID, template("spot"), false), "the same content again, attempt " + attempt);
    }
    assertEquals(List.of(), requests());
  }

  @Test
  void aChangedTemplateIsOnePatch() throws InterruptedException {
    TemplateWrites writes = new TemplateWrites(client);
    writes.ensure(UID, template("spot"), false);
    requests();

    assertTrue(writes.ensure(UID, template("on-demand"), false));
    assertEquals(List.of("PATCH " + OBJECT), requests(), "a spec edit's rewrite");
    assertEquals("capacity: on-demand", stored());
  }

  @Test
  void aSuspectTemplateIsWrittenAgainAndHealsADeletion() throws InterruptedException {
    TemplateWrites writes = new TemplateWrites(client);
    writes.ensure(UID, template("spot"), false);
    client.configMaps().inNamespace("ml").withName("trip-features-executor-template").delete();
    requests();

    assertFalse(writes.ensure(UID, template("spot"), false), "nothing says it is gone: no write");
    writes.suspect(UID);
    assertTrue(writes.ensure(UID, template("spot"), false));
    assertEquals(List.of("PATCH " + OBJECT, "POST " + COLLECTION), requests(), "the patch finds nothing: create");
    assertEquals("capacity: spot", stored());
    assertFalse(writes.ensure(UID, template("spot"), false), "written again: trusted again");
  }

  @Test
  void aSuspectTemplateThatIsThereIsOnePatch() throws InterruptedException {
    TemplateWrites writes = new TemplateWrites(client);
    writes.ensure(UID, template("spot"), false);
    requests();
    writes.suspect(UID);
    assertTrue(writes.ensure(UID, template("spot"), false));
    assertEquals(List.of("PATCH " + OBJECT), requests());
  }

  /** Only a failure that needs a human puts the template in doubt; a storm of transient ones writes nothing. */
  @Test
  void healsAfterAFailureThatIsNotTransient() {
    for (FailureClass c : FailureClass.values()) {
      assertEquals(!c.isTransient(), TemplateWrites.healsAfter(List.of(finished(Outcome.Failed, c))), c.name());
    }
    assertFalse(TemplateWrites.healsAfter(List.of()), "nothing finished");
    assertFalse(TemplateWrites.healsAfter(List.of(finished(Outcome.Succeeded, null))), "a success");
    assertTrue(TemplateWrites.healsAfter(List.of(finished(Outcome.Failed, FailureClass.CapacityUnavailable),
        finished(Outcome.Failed, FailureClass.Timeout))), "any of them");
  }

  static Decision.FinishedAttempt finished(Outcome outcome, FailureClass failureClass) {
    return new Decision.FinishedAttempt(outcome, failureClass, Duration.ofMinutes(3), CapacityType.OnDemand,
        CapacityType.Spot, 2, null);
  }

  @Test
  void aRestartedOperatorOverwritesTheTemplateItFinds() throws InterruptedException {
    new TemplateWrites(client).ensure(UID, template("on-demand"), false);
    requests();

    TemplateWrites restarted = new TemplateWrites(client);
    assertTrue(restarted.ensure(UID, template("spot"), true));
    assertEquals(List.of("PATCH " + OBJECT), requests(), "the job had launched before: one patch");
    assertEquals("capacity: spot", stored());
    assertFalse(restarted.ensure(UID, template("spot"), true), "written: trusted");

    requests();
    TemplateWrites misled = new TemplateWrites(client);
    assertTrue(misled.ensure(UID, template("on-demand"), false));
    assertEquals(List.of("POST " + COLLECTION, "PATCH " + OBJECT), requests(),
        "no history but the ConfigMap is there: create answered 409, then the patch");
    assertEquals("capacity: on-demand", stored());
    assertEquals("trip-features", client.configMaps().inNamespace("ml").withName("trip-features-executor-template")
        .get().getMetadata().getLabels().get("featurejob.io/job"));
  }

  @Test
  void aRestartedOperatorCreatesTheTemplateOfAJobWithHistoryIfItIsGone() throws InterruptedException {
    TemplateWrites restarted = new TemplateWrites(client);
    assertTrue(restarted.ensure(UID, template("spot"), true));
    assertEquals(List.of("PATCH " + OBJECT, "POST " + COLLECTION), requests(), "the patch finds nothing: create");
    assertEquals("capacity: spot", stored());
  }

  @Test
  void aDeletedJobIsForgotten() {
    TemplateWrites writes = new TemplateWrites(client);
    writes.ensure(UID, template("spot"), false);
    assertEquals(1, writes.size());
    writes.forget(UID);
    assertEquals(0, writes.size());
  }
}

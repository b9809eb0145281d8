package io.featurejob.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.featurejob.operator.testing.CrudMockServer;
import io.featurejob.operator.testing.MutableClock;
import java.time.Instant;
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
  MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));

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
    TemplateWrites writes = new TemplateWrites(client, clock);
    assertTrue(writes.ensure(UID, template("spot")));
    assertEquals(List.of("POST " + COLLECTION), requests());

    assertFalse(writes.ensure(UID, template("spot")), "the same content again");
    clock.advance(TemplateWrites.REFRESH.minusSeconds(1));
    assertFalse(writes.ensure(UID, template("spot")), "within REFRESH");
    assertEquals(List.of(), requests());
  }

  @Test
  void aChangedTemplateIsOnePatch() throws InterruptedException {
    TemplateWrites writes = new TemplateWrites(client, clock);
    writes.ensure(UID, template("spot"));
    requests();

    assertTrue(writes.ensure(UID, template("on-demand")));
    assertEquals(List.of("PATCH " + OBJECT), requests(), "the fallback's rewrite");
    assertEquals("capacity: on-demand", stored());
  }

  @Test
  void anUnchangedTemplateIsWrittenAgainAfterRefreshAndHealsADeletion() throws InterruptedException {
    TemplateWrites writes = new TemplateWrites(client, clock);
    writes.ensure(UID, template("spot"));
    client.configMaps().inNamespace("ml").withName("trip-features-executor-template").delete();
    requests();

    clock.advance(TemplateWrites.REFRESH);
    assertTrue(writes.ensure(UID, template("spot")));
    assertEquals(List.of("PATCH " + OBJECT, "POST " + COLLECTION), requests(), "the patch finds nothing: create");
    assertEquals("capacity: spot", stored());
  }

  @Test
  void aRestartedOperatorOverwritesTheTemplateItFinds() throws InterruptedException {
    new TemplateWrites(client, clock).ensure(UID, template("on-demand"));
    requests();

    TemplateWrites restarted = new TemplateWrites(client, clock);
    assertTrue(restarted.ensure(UID, template("spot")));
    assertEquals(List.of("POST " + COLLECTION, "PATCH " + OBJECT), requests(), "create answered 409, then the patch");
    assertEquals("capacity: spot", stored());
    assertEquals("trip-features", client.configMaps().inNamespace("ml").withName("trip-features-executor-template")
        .get().getMetadata().getLabels().get("featurejob.io/job"));
  }

  @Test
  void aDeletedJobIsForgotten() {
    TemplateWrites writes = new TemplateWrites(client, clock);
    writes.ensure(UID, template("spot"));
    assertEquals(1, writes.size());
    writes.forget(UID);
    assertEquals(0, writes.size());
  }
}

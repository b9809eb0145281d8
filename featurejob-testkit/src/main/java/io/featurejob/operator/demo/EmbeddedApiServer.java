package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Collections;
import java.util.HashMap;

/**
 * fabric8's CRUD mock API server on 127.0.0.1 (a free port), with the FeatureJob CRD installed so it
 * serves the status subresource. Stands in for a cluster in `make demo` and the tests; it validates
 * no schema, does no garbage collection and no scheduling (the simulated kubelet does the latter).
 */
public final class EmbeddedApiServer implements AutoCloseable {
  /** The CRD as the build generated it, packaged in the jar. */
  public static final String CRD_RESOURCE = "/META-INF/fabric8/featurejobs.featurejob.io-v1.yml";

  /** Held so the level sticks: the mock server logs every request through java.util.logging at INFO. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private EmbeddedApiServer(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  public static EmbeddedApiServer start() {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(Collections.emptyList()), false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded API server", e);
    }
    KubernetesClient client = server.createClient();
    try (InputStream crd = EmbeddedApiServer.class.getResourceAsStream(CRD_RESOURCE)) {
      if (crd == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath: build with mvn package");
      }
      client.apiextensions().v1().customResourceDefinitions()
          .resource(Serialization.unmarshal(crd, CustomResourceDefinition.class)).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EmbeddedApiServer(server, client);
  }

  /** A client for the embedded server (a new one each call; close it when done). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}

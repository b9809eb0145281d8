package io.featurejob.operator.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** fabric8's mock API server in CRUD mode on 127.0.0.1, for tests that count the requests a class sends. */
public final class CrudMockServer {
  private CrudMockServer() {}

  /** Started on a free port; the caller destroys it. */
  public static KubernetesMockServer start() throws IOException {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(Collections.emptyList()), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  /** Requests the server received since the last call, as "METHOD path" (with the query). */
  public static List<String> requests(KubernetesMockServer server) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      seen.add(r.getMethod() + " " + r.getPath());
    }
    return seen;
  }
}

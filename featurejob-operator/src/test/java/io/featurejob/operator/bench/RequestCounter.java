package io.featurejob.operator.bench;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fabric8 client interceptor that counts every request the client sends by verb and resource, e.g.
 * {@code POST events}, {@code PUT featurejobs/status}, {@code WATCH pods}.
 */
final class RequestCounter implements Interceptor {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    counts.computeIfAbsent(key(request.method(), request.uri().getRawPath(), request.uri().getRawQuery()),
        k -> new LongAdder()).increment();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** {@code VERB resource[/subresource]}; a GET with watch=true is WATCH, a GET of a collection LIST. */
  static String key(String method, String path, String query) {
    String[] parts = path.replaceAll("^/+", "").split("/");
    // /api/v1/... or /apis/<group>/<version>/...
    int i = parts.length > 0 && parts[0].equals("api") ? 2 : 3;
    if (i < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
      i += 2;
    }
    String resource = i < parts.length ? parts[i] : path;
    boolean named = i + 1 < parts.length;
    String sub = i + 2 < parts.length ? "/" + parts[i + 2] : "";
    String verb = method;
    if (method.equals("GET") && query != null && query.contains("watch=true")) {
      verb = "WATCH";
    } else if (method.equals("GET") && !named) {
      verb = "LIST";
    }
    return verb + " " + resource + sub;
  }
}

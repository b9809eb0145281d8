package io.featurejob.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A frozen process is stopped before its next request, whichever of its threads runs first after the thaw. */
class FreezeGuardTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicInteger stops = new AtomicInteger();
  private final FreezeGuard guard = new FreezeGuard(nanos::get, stops::incrementAndGet);

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void aHeartbeatOnTimeKeepsEveryRequestGoing() {
    for (int i = 0; i < 600; i++) { // a minute of beats
      advance(FreezeGuard.BEAT);
      assertTrue(guard.beat());
      assertTrue(guard.alive());
    }
    advance(FreezeGuard.LIMIT); // a gap of exactly the limit (a slow beat): still trusted
    assertTrue(guard.alive());
    assertEquals(0, stops.get());
  }

  @Test
  void aRequestThreadThatWakesFirstAfterAFreezeIsRefusedAndStopsTheProcess() throws Exception {
    guard.beat();
    advance(FreezeGuard.LIMIT.plusMillis(1));

    HttpRequest write = request();
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> guard.before(null, write, null));
    assertTrue(refused.getMessage().contains("POST /api/v1/namespaces/ml/pods"), refused.getMessage());
    assertEquals(1, stops.get());
    assertFalse(guard.beat(), "the heartbeat stops too: no fresh beat can let a later request through");
    assertThrows(IllegalStateException.class, () -> guard.before(null, write, null));
    assertEquals(1, stops.get(), "stopped once");
  }

  @Test
  void aHeartbeatThatWakesFirstAfterAFreezeStopsTheProcessBeforeAnyRequest() {
    guard.beat();
    advance(Duration.ofSeconds(20));

    assertFalse(guard.beat());
    assertEquals(1, stops.get());
    advance(FreezeGuard.BEAT);
    assertFalse(guard.alive(), "refused from then on, though the last check was moments ago");
    assertEquals(1, stops.get());
  }

  private static HttpRequest request() throws Exception {
    HttpClient.Builder builder = new JdkHttpClientFactory().newBuilder();
    try (HttpClient http = builder.build()) {
      return http.newHttpRequestBuilder().uri("https://127.0.0.1:6443/api/v1/namespaces/ml/pods")
          .post("application/json", "{}").build();
    }
  }
}

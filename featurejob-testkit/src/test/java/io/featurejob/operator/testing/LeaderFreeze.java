package io.featurejob.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Freezes one operator thread at an exact point, as SIGSTOP freezes a leader between two requests: the
 * reconciler thread that writes a FeatureJob's status recording an attempt stops before a later request of
 * its own (the next one, or its pod create) until {@link #release()}. Fabric8 runs interceptors on the
 * calling thread, so only that reconcile waits; the rest of the client keeps going (a frozen process would
 * also stop its informers, which changes nothing for a successor that has taken over).
 *
 * <p>The frozen operator runs with leader election (the fence is on only then), so its client also answers
 * the one request of JOSDK's the CRUD server cannot: the Lease access review (422 "metadata is required",
 * LeaderElectionTest), with {@link LeaseAccessReview}.
 */
public final class LeaderFreeze {
  /** Where the thread stops after its status write. */
  public enum Point {
    /** Before its next request: right after the write returned, before anything else. */
    NEXT_REQUEST,
    /** Before its pod create: past any check it makes between the write and the create. */
    POD_CREATE
  }

  private final Point point;
  private final AtomicBoolean armed = new AtomicBoolean(true);
  private final ThreadLocal<Boolean> wroteStatus = ThreadLocal.withInitial(() -> false);
  private final CountDownLatch frozen = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile String frozenBefore;
  private final List<String> writesAfterRelease = new CopyOnWriteArrayList<>();

  public LeaderFreeze(Point point) {
    this.point = point;
  }

  /** A client for {@code config} whose first status write of an attempt freezes its thread. */
  public KubernetesClient client(Config config) {
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("leader-freeze", new Freeze()))
        .build();
  }

  /** Waits until the thread is frozen; returns the request it was about to send ("POST /api/v1/..."). */
  public String awaitFrozen(Duration within) throws InterruptedException {
    if (!frozen.await(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("no status write of an attempt froze within " + within);
    }
    return frozenBefore;
  }

  public void release() {
    released.countDown();
  }

  /**
   * Every write (not GET) this client sent from {@link #release()} on, the thawed request included, as
   * "POST /api/v1/namespaces/.../configmaps": what a leader that lost its Lease while frozen still changed.
   */
  public List<String> writesAfterRelease() {
    return List.copyOf(writesAfterRelease);
  }

  private final class Freeze implements Interceptor {
    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if ("POST".equals(request.method()) && request.uri().getPath().endsWith("/selfsubjectrulesreviews")) {
        SelfSubjectRulesReview review = LeaseAccessReview.granted(null);
        // a name of its own each time: the CRUD server stores every review it is sent
        review.setMetadata(new ObjectMetaBuilder().withName(UUID.randomUUID().toString()).build());
        ((HttpRequest.Builder) builder).post("application/json", Serialization.asJson(review));
        return;
      }
      if (released.getCount() == 0 && !"GET".equals(request.method())) {
        writesAfterRelease.add(request.method() + " " + request.uri().getPath());
      }
      if (wroteStatus.get() && (point == Point.NEXT_REQUEST || isPodCreate(request))) {
        wroteStatus.set(false);
        frozenBefore = request.method() + " " + request.uri().getPath();
        frozen.countDown();
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (!"GET".equals(request.method())) {
          writesAfterRelease.add(frozenBefore);
        }
        return;
      }
      if ("PUT".equals(request.method()) && request.uri().getPath().matches(".*/featurejobs/[^/]+/status")
          && request.bodyString() != null && request.bodyString().contains("\"currentAttempt\"")
          && armed.compareAndSet(true, false)) {
        wroteStatus.set(true); // this thread's next requests come after the write returned (calls are synchronous)
      }
    }
  }

  private static boolean isPodCreate(HttpRequest request) {
    return "POST".equals(request.method()) && request.uri().getPath().endsWith("/pods");
  }
}

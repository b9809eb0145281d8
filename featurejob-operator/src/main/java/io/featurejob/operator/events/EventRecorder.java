package io.featurejob.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.classify.EvidenceSummary;
import io.featurejob.operator.classify.SafeText;
import io.featurejob.operator.spark.Sha256;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about FeatureJobs, aggregated the way Flink's EventUtils does it: the Event's
 * name is derived from (job uid, reason, message), so the same event again bumps {@code count} and
 * {@code lastTimestamp} of the existing object instead of piling up new ones.
 *
 * <p>One API request per event in the common case: a new event is created without a read first (the
 * name is deterministic), a repeat is a PUT of the count this recorder wrote last (its resourceVersion
 * guards against a concurrent writer). Only on a conflict (another replica wrote it, or this process
 * restarted) or a 404 (the event expired) does it read and retry. Only get, create and update are used:
 * the CRUD mock server rejects server-side apply and strategic merge patch, and tests must exercise the
 * production path.
 *
 * <p>Writes happen on one background thread, behind a bounded queue and a rate limit, so a slow API
 * server never holds a reconcile thread. A full queue drops the event and counts it in
 * {@code featurejob_events_dropped_total}. Events are best effort: {@link #record} never blocks on the
 * API server and never throws. {@code featurejob_events_pending} says how many are queued or being written:
 * after a burst (a cold start of thousands of jobs) the queue drains at the API server's pace, so events
 * recorded minutes ago may still be written.
 */
public final class EventRecorder implements AutoCloseable {
  public static final String COMPONENT = "featurejob-operator";
  /** Kubernetes' limit for an event note (events.k8s.io); also keeps `kubectl describe` readable. */
  public static final int MAX_MESSAGE_BYTES = 1024;
  /** Events waiting to be written; beyond this they are dropped (a storm must not grow the heap). */
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;
  /** Event writes per second: leaves the API server to the reconcilers in a storm. */
  public static final double DEFAULT_WRITES_PER_SECOND = 50;
  static final String DROPPED = "featurejob.events.dropped";
  static final String PENDING = "featurejob.events.pending";

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int ATTEMPTS = 3;
  // Room for ".<reason>.<hash>" within the 253 characters of an object name.
  private static final int MAX_NAME_PREFIX = 200;
  private static final String ELLIPSIS = "...";
  // Events whose count this recorder knows; bounded so memory does not grow with the number of jobs.
  private static final int KNOWN_EVENTS = 10_000;
  private static final Duration IDLE_THREAD = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final Clock clock;
  private final String reportingInstance;
  private final Counter dropped;
  private final ThreadPoolExecutor writer;
  private final long nanosPerWrite;
  // Used by the writer thread only, under the lock of `known` all the same: an idle pool replaces its thread.
  private long nextWriteNanos;
  private final Map<String, Known> known = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
      return size() > KNOWN_EVENTS;
    }
  };
  /** How long close waits for an interrupted write to end after giving up on the queue. */
  private static final Duration ABANDON_GRACE = Duration.ofSeconds(2);
  private final Object pendingLock = new Object();
  private int pending; // guarded by pendingLock

  /** Reporting instance from {@code POD_NAME} or {@code HOSTNAME} (the pod's name in a cluster). */
  public EventRecorder(KubernetesClient client, Clock clock) {
    this(client, clock, defaultInstance());
  }

  public EventRecorder(KubernetesClient client, Clock clock, MeterRegistry registry) {
    this(client, clock, defaultInstance(), registry, DEFAULT_QUEUE_CAPACITY, DEFAULT_WRITES_PER_SECOND);
  }

  public EventRecorder(KubernetesClient client, Clock clock, String reportingInstance) {
    this(client, clock, reportingInstance, new SimpleMeterRegistry(), DEFAULT_QUEUE_CAPACITY,
        DEFAULT_WRITES_PER_SECOND);
  }

  /**
   * @param registry where {@code featurejob_events_dropped_total} is counted
   * @param queueCapacity events waiting beyond the one being written
   * @param writesPerSecond at most this many event writes start per second
   */
  public EventRecorder(KubernetesClient client, Clock clock, String reportingInstance, MeterRegistry registry,
      int queueCapacity, double writesPerSecond) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reportingInstance = Objects.requireNonNull(reportingInstance, "reportingInstance");
    if (queueCapacity < 1 || !(writesPerSecond > 0)) {
      throw new IllegalArgumentException("queueCapacity and writesPerSecond must be positive");
    }
    this.dropped = Counter.builder(DROPPED)
        .description("Events not written because the event queue was full or the operator was stopping")
        .register(Objects.requireNonNull(registry, "registry"));
    Gauge.builder(PENDING, this, EventRecorder::pending)
        .description("Events recorded and not yet written or given up: queued, or being written")
        .register(registry);
    this.nanosPerWrite = (long) (1e9 / writesPerSecond);
    // One thread (events of one job stay in order), which ends when idle: nothing to leak if never closed.
    this.writer = new ThreadPoolExecutor(1, 1, IDLE_THREAD.toMillis(), TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity), r -> {
          Thread t = new Thread(r, "featurejob-events");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.writer.allowCoreThreadTimeOut(true);
  }

  /**
   * Records (or re-counts) an event about {@code job}: queues it and returns at once. The message should
   * be stable for the same situation (no timestamps or counters in it), or repeats cannot be aggregated.
   */
  public void record(FeatureJob job, EventReason reason, String message) {
    Pending event;
    try {
      event = Pending.of(job, reason, truncate(SafeText.forEvent(message == null ? "" : message)),
          timestamp(clock.instant()));
    } catch (RuntimeException e) {
      LOG.warn("Could not record event {} for FeatureJob {}/{}: {}", reason, namespaceOf(job), nameOf(job),
          e.toString());
      return;
    }
    synchronized (pendingLock) {
      pending++;
    }
    try {
      writer.execute(() -> {
        try {
          write(event);
        } finally {
          done();
        }
      });
    } catch (RejectedExecutionException e) {
      done();
      dropped.increment();
      LOG.debug("Event queue full: dropped {} for FeatureJob {}/{}", reason, event.namespace, event.jobName);
    }
  }

  /** Events recorded and not yet written or given up. */
  public int pending() {
    synchronized (pendingLock) {
      return pending;
    }
  }

  /** Waits until every queued event is written (or given up), at most {@code timeout}; true if so. */
  public boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (pendingLock) {
      while (pending > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(pendingLock, left);
      }
      return true;
    }
  }

  /** Stops taking events and writes what is queued for at most {@code timeout}; the rest is dropped. */
  public void close(Duration timeout) {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Stopped with {} events unwritten", abandonQueued());
      }
    } catch (InterruptedException e) {
      abandonQueued();
      Thread.currentThread().interrupt();
    }
  }

  private int abandonQueued() {
    int lost = writer.shutdownNow().size();
    dropped.increment(lost);
    synchronized (pendingLock) {
      pending -= lost;
      pendingLock.notifyAll();
    }
    // The write in progress was interrupted (it counts itself as dropped): let it finish, briefly, so
    // that once close returns every event is written or counted.
    try {
      writer.awaitTermination(ABANDON_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return lost;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private void done() {
    synchronized (pendingLock) {
      pending--;
      pendingLock.notifyAll();
    }
  }

  private void write(Pending event) {
    synchronized (known) {
      writeLocked(event);
    }
  }

  private void writeLocked(Pending event) {
    try {
      awaitRateLimit();
      writeNow(event);
    } catch (RuntimeException e) {
      known.remove(event.name);
      LOG.warn("Could not record event {} for FeatureJob {}/{}: {}", event.reason, event.namespace, event.jobName,
          e.toString());
    } catch (InterruptedException e) {
      dropped.increment(); // close() gave up waiting for the rate limit
      Thread.currentThread().interrupt();
    }
  }

  private void awaitRateLimit() throws InterruptedException {
    long now = System.nanoTime();
    long wait = nextWriteNanos - now;
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    nextWriteNanos = Math.max(now, nextWriteNanos) + nanosPerWrite;
  }

  private void writeNow(Pending event) {
    var events = client.v1().events().inNamespace(event.namespace);
    Known last = known.get(event.name);
    try {
      // The physical minimum: one request, no read. A repeat carries the resourceVersion we wrote last.
      remember(last == null
          ? events.resource(newEvent(event, 1, event.timestamp, null)).create()
          : events.resource(newEvent(event, last.count + 1, last.firstTimestamp, last.resourceVersion)).update());
      return;
    } catch (KubernetesClientException e) {
      if (!isRace(e)) {
        throw e;
      }
    }
    // Someone else wrote it (another replica, or us before a restart), or it expired: count on from the server's.
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Event existing = events.withName(event.name).get();
      try {
        if (existing == null) {
          remember(events.resource(newEvent(event, 1, event.timestamp, null)).create());
        } else {
          Integer count = existing.getCount();
          existing.setCount(count == null ? 2 : count + 1);
          existing.setLastTimestamp(event.timestamp);
          // Carries the resourceVersion we read: a concurrent writer makes this fail with 409.
          remember(events.resource(existing).update());
        }
        return;
      } catch (KubernetesClientException e) {
        if (!isRace(e) || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  // 409: someone created or updated it first; 404: it expired (event TTL) before our update.
  private static boolean isRace(KubernetesClientException e) {
    return e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND;
  }

  private void remember(Event saved) {
    Integer count = saved.getCount();
    known.put(saved.getMetadata().getName(), new Known(count == null ? 1 : count, saved.getFirstTimestamp(),
        saved.getMetadata().getResourceVersion()));
  }

  /** What this recorder last wrote of one event: enough to PUT the next count without a read. */
  private record Known(int count, String firstTimestamp, String resourceVersion) {}

  /** An event as recorded: copied from the job at record time (the reconciler may change the job later). */
  private record Pending(String name, String namespace, String apiVersion, String kind, String jobName, String uid,
      EventReason reason, String message, String timestamp) {
    static Pending of(FeatureJob job, EventReason reason, String message, String timestamp) {
      Objects.requireNonNull(reason, "reason");
      return new Pending(eventName(job, reason, message), job.getMetadata().getNamespace(), job.getApiVersion(),
          job.getKind(), job.getMetadata().getName(), job.getMetadata().getUid(), reason, message, timestamp);
    }
  }

  private Event newEvent(Pending e, int count, String firstTimestamp, String resourceVersion) {
    return new EventBuilder()
        .withNewMetadata()
            .withName(e.name)
            .withNamespace(e.namespace)
            .withResourceVersion(resourceVersion)
            .endMetadata()
        .withNewInvolvedObject()
            .withApiVersion(e.apiVersion)
            .withKind(e.kind)
            .withName(e.jobName)
            .withNamespace(e.namespace)
            .withUid(e.uid)
            .endInvolvedObject()
        .withType(e.reason.type())
        .withReason(e.reason.name())
        .withMessage(e.message)
        .withCount(count)
        .withFirstTimestamp(firstTimestamp)
        .withLastTimestamp(e.timestamp)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(reportingInstance)
        .build();
  }

  /**
   * Deterministic per (job, reason, message): {@code <job>.<reason>.<hash>}. The uid is hashed in so
   * a job deleted and created again under the same name does not inherit the old counts.
   */
  static String eventName(HasMetadata job, EventReason reason, String message) {
    String jobName = job.getMetadata().getName();
    String prefix = jobName.length() > MAX_NAME_PREFIX
        ? jobName.substring(0, MAX_NAME_PREFIX).replaceAll("[-.]+$", "")
        : jobName;
    String uid = Objects.requireNonNullElse(job.getMetadata().getUid(), "");
    String hash = Sha256.hex(uid + "\n" + jobName + "\n" + reason.name() + "\n" + message).substring(0, 16);
    return prefix + "." + reason.name().toLowerCase(Locale.ROOT) + "." + hash;
  }

  /** At most {@link #MAX_MESSAGE_BYTES} UTF-8 bytes, cut on a character boundary, marked with "...". */
  static String truncate(String message) {
    return EvidenceSummary.truncate(message, MAX_MESSAGE_BYTES, ELLIPSIS);
  }

  // RFC 3339 in whole seconds, as the core/v1 Event timestamps are serialized.
  private static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }


  private static String defaultInstance() {
    for (String var : new String[] {"POD_NAME", "HOSTNAME"}) {
      String value = System.getenv(var);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return COMPONENT;
  }

  private static String namespaceOf(FeatureJob job) {
    return job == null || job.getMetadata() == null ? null : job.getMetadata().getNamespace();
  }

  private static String nameOf(FeatureJob job) {
    return job == null || job.getMetadata() == null ? null : job.getMetadata().getName();
  }
}

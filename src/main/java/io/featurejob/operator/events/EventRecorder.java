package io.featurejob.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.classify.SafeText;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about FeatureJobs, aggregated the way Flink's EventUtils does it: the Event's
 * name is derived from (job uid, reason, message), so the same event again bumps {@code count} and
 * {@code lastTimestamp} of the existing object instead of piling up new ones.
 *
 * <p>Only get, create and update (PUT with resourceVersion) are used: the CRUD mock server rejects
 * server-side apply and strategic merge patch, and tests must exercise the production path. Events are
 * best effort: {@link #record} logs and returns on any failure, it never throws.
 */
public final class EventRecorder {
  public static final String COMPONENT = "featurejob-operator";
  /** Kubernetes' limit for an event note (events.k8s.io); also keeps `kubectl describe` readable. */
  public static final int MAX_MESSAGE_BYTES = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int ATTEMPTS = 3;
  // Room for ".<reason>.<hash>" within the 253 characters of an object name.
  private static final int MAX_NAME_PREFIX = 200;
  private static final String ELLIPSIS = "...";

  private final KubernetesClient client;
  private final Clock clock;
  private final String reportingInstance;

  /** Reporting instance from {@code POD_NAME} or {@code HOSTNAME} (the pod's name in a cluster). */
  public EventRecorder(KubernetesClient client, Clock clock) {
    this(client, clock, defaultInstance());
  }

  public EventRecorder(KubernetesClient client, Clock clock, String reportingInstance) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reportingInstance = Objects.requireNonNull(reportingInstance, "reportingInstance");
  }

  /**
   * Records (or re-counts) an event about {@code job}. The message should be stable for the same
   * situation (no timestamps or counters in it), or repeats cannot be aggregated.
   */
  public void record(FeatureJob job, EventReason reason, String message) {
    try {
      write(job, reason, truncate(SafeText.forEvent(message == null ? "" : message)));
    } catch (RuntimeException e) {
      LOG.warn("Could not record event {} for FeatureJob {}/{}: {}", reason, namespaceOf(job), nameOf(job),
          e.toString());
    }
  }

  private void write(FeatureJob job, EventReason reason, String message) {
    String namespace = job.getMetadata().getNamespace();
    String name = eventName(job, reason, message);
    var events = client.v1().events().inNamespace(namespace);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Event existing = events.withName(name).get();
      String now = timestamp(clock.instant());
      try {
        if (existing == null) {
          events.resource(newEvent(job, reason, message, name, now)).create();
        } else {
          Integer count = existing.getCount();
          existing.setCount(count == null ? 2 : count + 1);
          existing.setLastTimestamp(now);
          // Carries the resourceVersion we read: a concurrent writer makes this fail with 409.
          events.resource(existing).update();
        }
        return;
      } catch (KubernetesClientException e) {
        // 409: someone created or updated it first; 404: it expired (event TTL) between get and update.
        boolean race = e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND;
        if (!race || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private Event newEvent(FeatureJob job, EventReason reason, String message, String name, String now) {
    return new EventBuilder()
        .withNewMetadata()
            .withName(name)
            .withNamespace(job.getMetadata().getNamespace())
            .endMetadata()
        .withNewInvolvedObject()
            .withApiVersion(job.getApiVersion())
            .withKind(job.getKind())
            .withName(job.getMetadata().getName())
            .withNamespace(job.getMetadata().getNamespace())
            .withUid(job.getMetadata().getUid())
            .endInvolvedObject()
        .withType(reason.type())
        .withReason(reason.name())
        .withMessage(message)
        .withCount(1)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
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
    String hash = sha256Hex(uid + "\n" + jobName + "\n" + reason.name() + "\n" + message).substring(0, 16);
    return prefix + "." + reason.name().toLowerCase(Locale.ROOT) + "." + hash;
  }

  /** At most {@link #MAX_MESSAGE_BYTES} UTF-8 bytes, cut on a character boundary, marked with "...". */
  static String truncate(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_MESSAGE_BYTES) {
      return message;
    }
    int budget = MAX_MESSAGE_BYTES - ELLIPSIS.length();
    StringBuilder out = new StringBuilder();
    int used = 0;
    for (int i = 0; i < message.length(); ) {
      int cp = message.codePointAt(i);
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + size > budget) {
        break;
      }
      out.appendCodePoint(cp);
      used += size;
      i += Character.charCount(cp);
    }
    return out.append(ELLIPSIS).toString();
  }

  // RFC 3339 in whole seconds, as the core/v1 Event timestamps are serialized.
  private static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
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

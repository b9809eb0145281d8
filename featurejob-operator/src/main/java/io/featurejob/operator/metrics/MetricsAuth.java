package io.featurejob.operator.metrics;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may read {@code /metrics} (operator option metricsAuth): the scrape's bearer token is checked by
 * the API server, as kube-rbac-proxy and the Prometheus Operator ecosystem do. A TokenReview says who
 * the token belongs to; a SubjectAccessReview says whether that user may {@code get} the non-resource
 * URL {@code /metrics} (granted by a ClusterRole rule {@code nonResourceURLs: ["/metrics"]}). No token
 * = 401, a token the API server rejects = 401, no permission = 403. Tokens are never logged.
 */
public final class MetricsAuth {
  /** The non-resource URL and verb a scraper needs, as in Kubernetes' own /metrics endpoints. */
  public static final String PATH = "/metrics";
  public static final String VERB = "get";
  private static final Logger LOG = LoggerFactory.getLogger(MetricsAuth.class);

  /** No check: /metrics answers everyone (the default). */
  public static final MetricsAuth OPEN = new MetricsAuth(null);

  /** An HTTP status and a short body for refusals. */
  public record Verdict(int status, String message) {
    public boolean allowed() {
      return status == 200;
    }
  }

  private static final Verdict ALLOWED = new Verdict(200, "");

  private final KubernetesClient client;

  private MetricsAuth(KubernetesClient client) {
    this.client = client;
  }

  /** Checks each scrape with TokenReview and SubjectAccessReview through {@code client} (the operator's own). */
  public static MetricsAuth reviewedBy(KubernetesClient client) {
    return new MetricsAuth(java.util.Objects.requireNonNull(client, "client"));
  }

  /** @param authorization the request's Authorization header, or null */
  public Verdict check(String authorization) {
    if (client == null) {
      return ALLOWED;
    }
    String token = bearerToken(authorization);
    if (token == null) {
      return new Verdict(401, "a bearer token is required\n");
    }
    try {
      TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
          .create();
      if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
        return new Verdict(401, "the token was not accepted\n");
      }
      UserInfo user = review.getStatus().getUser();
      SubjectAccessReview access = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
          .withUser(user.getUsername())
          .withUid(user.getUid())
          .withGroups(user.getGroups())
          .withExtra(user.getExtra())
          .withNewNonResourceAttributes().withPath(PATH).withVerb(VERB).endNonResourceAttributes()
          .endSpec().build()).create();
      if (access.getStatus() == null || !Boolean.TRUE.equals(access.getStatus().getAllowed())) {
        return new Verdict(403, "forbidden: " + user.getUsername() + " may not " + VERB + " " + PATH + "\n");
      }
      return ALLOWED;
    } catch (KubernetesClientException e) {
      // Without the reviews (API server down, or the operator lacks create on them) nobody is let in.
      LOG.warn("metrics authentication unavailable: {} {}", e.getCode(), e.getStatus() == null ? "" : e.getStatus().getMessage());
      return new Verdict(503, "authentication unavailable\n");
    }
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null when there is none. */
  static String bearerToken(String authorization) {
    if (authorization == null) {
      return null;
    }
    String trimmed = authorization.trim();
    if (trimmed.length() <= 7 || !trimmed.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String token = trimmed.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}

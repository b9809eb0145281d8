package io.featurejob.operator.observe;

import java.util.Locale;

/**
 * What an API server error means for the reconcile loop, by its HTTP status and message. Pure.
 *
 * <p>Transient: the same request may succeed later, so it is retried with backoff and never counted
 * as a failed run: 429 (API priority and fairness), 5xx, 408/timeouts and connection errors (no status,
 * code 0 or below), 409 on an update (a stale view: optimistic locking), the ResourceQuota admission
 * plugin's 403 {@code exceeded quota} (capacity frees up as other pods finish), and the authorizer's 403
 * (the operator's own permission, never the job's fault; a restarted kube-apiserver denies for a moment
 * until its RBAC caches have synced). One that persists is reported too ({@link #persists}). Everything else a pod
 * create returns (400/422 validation, 403 from a webhook or policy, 404 namespace gone) is a rejection
 * retrying cannot fix: the attempt fails as ConfigError.
 */
public final class ApiErrors {
  private ApiErrors() {}

  public enum Kind { Transient, AlreadyExists, Rejected }

  /** The ResourceQuota admission plugin's wording (plugin/pkg/admission/resourcequota/controller.go). */
  static final String QUOTA = "exceeded quota";
  /** The authorization filter's denial: {@code User %q cannot %s resource ...} (responsewriters/errors.go). */
  static final String AUTHORIZER_USER = "User \"";
  static final String AUTHORIZER_CANNOT = "\" cannot ";
  /**
   * JOSDK retries a transient error quietly this many times (0.5 s x1.5 up to 1 min: about two minutes);
   * from then on it is also reported as ReconcileError, so a permission that is really missing is not silent.
   */
  static final int QUIET_RETRIES = 12;

  /** The kind of an error returned by a pod (or ConfigMap) create. */
  public static Kind ofCreate(int code, String message) {
    if (code == 409) {
      return Kind.AlreadyExists;
    }
    return isTransient(code, message) ? Kind.Transient : Kind.Rejected;
  }

  /** True for errors of any request that a retry with backoff may get past. */
  public static boolean isTransient(int code, String message) {
    if (code <= 0 || code == 408 || code == 409 || code == 429 || code >= 500) {
      return true;
    }
    return code == 403 && message != null && (message.toLowerCase(Locale.ROOT).contains(QUOTA)
        || message.contains(AUTHORIZER_USER) && message.contains(AUTHORIZER_CANNOT));
  }

  /** True when a transient error has outlasted {@link #QUIET_RETRIES} retries: report it (not as a failed run). */
  public static boolean persists(int retryAttempt) {
    return retryAttempt >= QUIET_RETRIES;
  }
}

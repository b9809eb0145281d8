package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Observed state, written only through the status subresource. No Java-side defaults here: a
 * JSON patch against a field the stored object lacks must not be generated. Times are RFC 3339.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeatureJobStatus {
  public Phase phase;
  public Long observedGeneration;
  /**
   * Fingerprint of the resourceVersions of the Secrets and ConfigMaps the spec references, as last
   * seen; a change on a failing job retries it at once (a rotated password). Hash only, no names or data.
   */
  public String observedReferences;
  public Integer consecutiveFailures;
  /** Scheduled run time or retry time. */
  public String nextRunTime;
  public String lastSuccessTime;
  public String lastSuccessfulWindowEnd;
  public Attempt currentAttempt;
  public FailureRecord lastFailure;
  public Remediation remediation;
  /** Newest first, at most spec.historyLimit entries. */
  public List<HistoryEntry> history;
  public List<Condition> conditions;
  public String lastUnblockToken;
  /** The featurejob.io/run-now token last honoured (each token runs once). */
  public String lastRunNowToken;
}

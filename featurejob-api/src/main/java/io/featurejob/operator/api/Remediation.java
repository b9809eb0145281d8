package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** What the operator changed on its own to get the job through. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Remediation {
  /** Spot pods run on on-demand capacity until the next success. */
  public Boolean onDemandFallback;
  public String onDemandFallbackSince;
  public String onDemandFallbackReason;
  /** Consecutive SpotInterruption/CapacityUnavailable failures; reset by any other outcome. */
  public Integer infrastructureFailures;
  /** Escalated memory after OutOfMemory failures; absent = spec value. */
  public String driverMemory;
  public String executorMemory;
  /** When memory was last escalated (an OutOfMemory); escalated memory is given back keepFor after it. */
  public String memoryEscalatedAt;
  /**
   * The escalated memory last given back, and when: an OutOfMemory within keepFor of it means the spike
   * outlasted the keep, so memory goes straight back to this size instead of climbing again from the spec's.
   */
  public String givenBackDriverMemory;
  public String givenBackExecutorMemory;
  public String memoryGivenBackAt;
}

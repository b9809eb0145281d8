package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The attempt whose driver pod is (or was last seen) running. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Attempt {
  public String runId;
  public Integer attempt;
  public String podName;
  /**
   * The driver pod's UID, recorded once the operator has seen the pod: an attempt with a UID whose pod is
   * gone was deleted (PodDeleted); one without a UID and without a pod was never created and is created now.
   */
  public String podUid;
  public String windowStart;
  public String windowEnd;
  public CapacityType driverCapacity;
  public CapacityType executorCapacity;
  public String driverMemory;
  public String executorMemory;
  public String startTime;
  /** Schedule, Retry, Unblock, OneOff or RunNow: why this attempt was launched. */
  public String trigger;
}

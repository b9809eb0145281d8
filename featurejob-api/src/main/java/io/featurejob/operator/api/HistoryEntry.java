package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One finished attempt. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {
  public String runId;
  public Integer attempt;
  public String podName;
  public String windowStart;
  public String windowEnd;
  public String startTime;
  public String finishTime;
  public Outcome outcome;
  @JsonProperty("class")
  public FailureClass failureClass;
  public String reason;
  public String message;
  public CapacityType driverCapacity;
  public CapacityType executorCapacity;
  /** Schedule, Retry, Unblock, OneOff or RunNow: why this attempt was launched. */
  public String trigger;
}

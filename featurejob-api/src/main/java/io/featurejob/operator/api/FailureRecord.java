package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The most recent failure. The message is at most 1 KiB with secrets redacted. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailureRecord {
  @JsonProperty("class")
  public FailureClass failureClass;
  @JsonProperty("transient")
  public Boolean transientFailure;
  /** Name of the classification rule that matched. */
  public String reason;
  public String message;
  public Integer exitCode;
  public String podName;
  public String time;
}

package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What the user asks for. Every field but spark.image and spark.mainApplicationFile has a default. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class FeatureJobSpec {
  @JsonPropertyDescription("Feature view this job materializes; shown in columns and metrics.")
  @Size(max = Defaults.MAX_NAME_LENGTH)
  public String featureView;

  @JsonPropertyDescription("Cron schedule (5 fields) or @hourly/@daily/@weekly/...; omit for a one-off run.")
  @Pattern(Defaults.SCHEDULE_PATTERN)
  @Size(max = Defaults.MAX_SCHEDULE_LENGTH)
  public String schedule;

  @JsonPropertyDescription("IANA time zone the schedule is evaluated in.")
  @Default(Defaults.TIME_ZONE)
  @Size(max = Defaults.MAX_NAME_LENGTH)
  public String timeZone;

  @JsonPropertyDescription("Stop launching new runs; a running attempt finishes.")
  @Default("false")
  public Boolean suspend;

  @JsonPropertyDescription("Critical | High | Normal | Low: how much stale features hurt.")
  @Default(Defaults.IMPORTANCE)
  public Importance importance;

  @JsonPropertyDescription("Maximum tolerated age of the features (e.g. 2h). Default: twice the schedule period.")
  @Pattern(Defaults.DURATION_PATTERN)
  @Size(max = Defaults.MAX_DURATION_LENGTH)
  @ValidationRule(value = Defaults.FRESHNESS_MIN_RULE, message = Defaults.FRESHNESS_MIN_MESSAGE)
  @ValidationRule(value = Defaults.DURATION_MAX_RULE, message = Defaults.DURATION_MAX_MESSAGE)
  public String freshnessSLO;

  @JsonPropertyDescription("Missed windows are coalesced into one run of at most this many windows.")
  @Default("24")
  @Min(1)
  @Max(10000)
  public Integer maxCatchUpWindows;

  @JsonPropertyDescription("An attempt running longer than this fails with class Timeout.")
  @Default(Defaults.RUN_TIMEOUT)
  @Pattern(Defaults.DURATION_PATTERN)
  @Size(max = Defaults.MAX_DURATION_LENGTH)
  @ValidationRule(value = Defaults.TIMEOUT_MIN_RULE, message = Defaults.TIMEOUT_MIN_MESSAGE)
  @ValidationRule(value = Defaults.DURATION_MAX_RULE, message = Defaults.DURATION_MAX_MESSAGE)
  public String runTimeout;

  @JsonPropertyDescription("The Spark application: image, file, arguments, and the driver and executor pods.")
  @Required
  public SparkSpec spark;

  @JsonPropertyDescription("Spot or on-demand capacity for driver and executors, fallback to on-demand, scheduling timeout.")
  public CapacitySpec capacity;

  @JsonPropertyDescription("Back-off between retries, when to alert and when to park the job.")
  public RetryPolicy retryPolicy;

  @JsonPropertyDescription("More memory after an OutOfMemory failure, up to a ceiling.")
  public MemoryEscalation memoryEscalation;

  @JsonPropertyDescription("How many attempts status.history keeps (newest first).")
  @Default("20")
  @Min(1)
  @Max(100)
  public Integer historyLimit;
}

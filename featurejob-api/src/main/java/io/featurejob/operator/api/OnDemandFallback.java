package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonIgnoreProperties(ignoreUnknown = true)
public class OnDemandFallback {
  @JsonPropertyDescription("Move spot pods to on-demand after this many consecutive infrastructure failures; 0 = never.")
  @Default("2")
  @Min(0)
  @Max(100)
  public Integer afterInfrastructureFailures;

  @JsonPropertyDescription("Move to on-demand when waiting for the next retry would breach freshnessSLO.")
  @Default("true")
  public Boolean whenStale;

  @JsonPropertyDescription("Start on on-demand while a capacity shortage is seen on the executors' spot pool and"
      + " falling back the ordinary way (afterInfrastructureFailures scheduling timeouts) would breach freshnessSLO.")
  @Default("true")
  public Boolean whenPoolShort;
}

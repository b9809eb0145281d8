package io.featurejob.operator.policy;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.RetryPolicy;
import io.featurejob.operator.api.SparkSpec;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.observe.Observation;
import java.time.Instant;

/** Shared builders for the policy tests: a valid hourly job and a decider with readable pod names. */
final class PolicyFixtures {
  static final Instant CREATED = Instant.parse("2026-11-23T10:20:00Z");
  static final Decider DECIDER = new Decider((job, run, attempt) -> job + "-" + run + "-" + attempt);
  static final SpecResolver RESOLVER = new SpecResolver(SpecResolver.BUILT_IN_RETRY);

  private PolicyFixtures() {}

  static FeatureJobSpec hourly() {
    FeatureJobSpec spec = new FeatureJobSpec();
    spec.featureView = "trips_hourly";
    spec.schedule = "0 * * * *";
    spec.spark = new SparkSpec();
    spec.spark.image = "apache/spark:3.5.3";
    spec.spark.mainApplicationFile = "local:///opt/app/features.py";
    spec.retryPolicy = new RetryPolicy();
    spec.retryPolicy.jitter = 0.0; // exact times in assertions; jitter has its own test
    return spec;
  }

  static JobRef job() {
    return job(null);
  }

  static JobRef job(String unblock) {
    return new JobRef("ml", "trips", "uid-1", CREATED, 1, unblock);
  }

  static Decision decide(FeatureJobSpec spec, FeatureJobStatus status, Observation observation, Instant now) {
    return DECIDER.decide(job(), RESOLVER.resolve(spec), status, observation, now);
  }

  static Observation failed(FailureClass c, String message) {
    return new Observation.Failed(null, new Classification(c, "test:" + c, "test evidence", message, 1,
        c == FailureClass.OutOfMemory ? Classification.MemoryTarget.Executor : null), false);
  }

  static Observation succeeded() {
    return new Observation.Succeeded(null);
  }

  static Observation noPod() {
    return new Observation.NoPod();
  }
}

package io.featurejob.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.policy.SparkAllowList;
import io.featurejob.operator.policy.SpecResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A job's spec is resolved once per generation; each reconcile gets JOSDK's fresh copy of the same spec. */
class ResolvedSpecsTest {
  final AtomicInteger resolutions = new AtomicInteger();
  final ResolvedSpecs specs = new ResolvedSpecs(new SpecResolver(SpecResolver.BUILT_IN_RETRY,
      SparkAllowList.UNRESTRICTED, (spec, resolved) -> {
        resolutions.incrementAndGet(); // the overrides check runs once per resolution of a valid spec
        return List.of();
      }));

  /** As a reconcile sees it: a new object each time (JOSDK clones the cached one). */
  static FeatureJob job(String uid, Long generation) throws Exception {
    FeatureJob job = Serialization.unmarshal(Files.readString(Path.of("examples/trip-features.yaml")),
        FeatureJob.class);
    job.getMetadata().setUid(uid);
    job.getMetadata().setGeneration(generation);
    return job;
  }

  @Test
  void theSameGenerationIsResolvedOnce() throws Exception {
    SpecResolver.Result first = specs.of(job("u1", 1L));
    assertTrue(first.valid(), first.errors().toString());
    assertSame(first, specs.of(job("u1", 1L)));
    assertEquals(1, resolutions.get());
  }

  @Test
  void aNewGenerationIsResolvedAgain() throws Exception {
    specs.of(job("u1", 1L));
    FeatureJob edited = job("u1", 2L);
    edited.getSpec().spark.image = "apache/spark:3.5.4";
    SpecResolver.Result second = specs.of(edited);
    assertEquals("apache/spark:3.5.4", second.spec().spark().image());
    assertEquals(2, resolutions.get());
  }

  @Test
  void jobsAreKeptApartByUid() throws Exception {
    assertNotSame(specs.of(job("u1", 1L)), specs.of(job("u2", 1L)));
    assertEquals(2, specs.size());
  }

  @Test
  void withoutUidOrGenerationNothingIsKept() throws Exception {
    specs.of(job(null, 1L));
    specs.of(job("u1", null));
    specs.of(job("u1", null));
    assertEquals(3, resolutions.get());
    assertEquals(0, specs.size());
  }

  @Test
  void aForgottenJobIsResolvedAfresh() throws Exception {
    specs.of(job("u1", 1L));
    specs.forget("u1");
    specs.forget(null);
    assertEquals(0, specs.size());
    specs.of(job("u1", 1L));
    assertEquals(2, resolutions.get());
  }
}

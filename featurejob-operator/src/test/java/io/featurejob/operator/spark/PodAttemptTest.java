package io.featurejob.operator.spark;

import static io.featurejob.operator.spark.SparkFixtures.examplePlan;
import static io.featurejob.operator.spark.SparkFixtures.exampleSpec;
import static io.featurejob.operator.spark.SparkFixtures.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.policy.LaunchPlan;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PodAttemptTest {

  static Stream<LaunchPlan> plans() {
    String job = "trip-features";
    return Stream.of(
        examplePlan(job),
        new LaunchPlan("once", 1, PodNames.driverPod(job, "once", 1), null, null,
            CapacityType.OnDemand, CapacityType.Spot, 2048, 4096, LaunchPlan.Trigger.OneOff),
        new LaunchPlan("20261124-0000", 7, PodNames.driverPod(job, "20261124-0000", 7),
            Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z"),
            CapacityType.OnDemand, CapacityType.OnDemand, 3072, 6144 + 512, LaunchPlan.Trigger.Unblock),
        new LaunchPlan("20261124-0100", 2, PodNames.driverPod(job, "20261124-0100", 2),
            Instant.parse("2026-11-24T00:00:00Z"), Instant.parse("2026-11-24T01:00:00Z"),
            CapacityType.Spot, CapacityType.Spot, 1024, 2048, LaunchPlan.Trigger.Schedule));
  }

  @ParameterizedTest
  @MethodSource("plans")
  void planRoundTripsThroughThePod(LaunchPlan plan) {
    Pod pod = DriverPodBuilder.build(job("trip-features"), exampleSpec(), plan, CapacityProfiles.named("karpenter"), true);
    assertEquals(plan, PodAttempt.planFromPod(pod));
  }

  @Test
  void attemptFromPodMatchesThePlan() {
    LaunchPlan plan = examplePlan("trip-features");
    Pod pod = new PodBuilder(DriverPodBuilder.build(job("trip-features"), exampleSpec(), plan,
        CapacityProfiles.named("eks"), true))
        .editMetadata().withCreationTimestamp("2026-11-23T23:00:05Z").endMetadata()
        .withNewStatus().withStartTime("2026-11-23T23:00:07Z").endStatus()
        .build();
    Attempt attempt = PodAttempt.fromPod(pod);
    assertEquals("20261123-2300", attempt.runId);
    assertEquals(3, attempt.attempt);
    assertEquals("trip-features-20261123-2300-3", attempt.podName);
    assertEquals("2026-11-23T22:00:00Z", attempt.windowStart);
    assertEquals("2026-11-23T23:00:00Z", attempt.windowEnd);
    assertEquals(CapacityType.OnDemand, attempt.driverCapacity);
    assertEquals(CapacityType.Spot, attempt.executorCapacity);
    assertEquals("2g", attempt.driverMemory);
    assertEquals("4g", attempt.executorMemory);
    assertEquals("Retry", attempt.trigger);
    assertEquals("2026-11-23T23:00:07Z", attempt.startTime, "pod start wins over creation");
  }

  @Test
  void startTimeFallsBackToCreationAndWindowsMayBeAbsent() {
    LaunchPlan once = new LaunchPlan("once", 1, "trip-features-once-1", null, null,
        CapacityType.OnDemand, CapacityType.Spot, 2048, 4096, LaunchPlan.Trigger.OneOff);
    Pod pod = new PodBuilder(DriverPodBuilder.build(job("trip-features"), exampleSpec(), once,
        CapacityProfiles.named("none"), false))
        .editMetadata().withCreationTimestamp("2026-11-23T23:00:05Z").endMetadata()
        .build();
    Attempt attempt = PodAttempt.fromPod(pod);
    assertEquals("2026-11-23T23:00:05Z", attempt.startTime);
    assertNull(attempt.windowStart);
    assertNull(attempt.windowEnd);
    assertEquals("OneOff", attempt.trigger);
  }

  @Test
  void recognisesOnlyOperatorDriverPods() {
    LaunchPlan plan = examplePlan("trip-features");
    assertTrue(PodAttempt.isDriverPod(DriverPodBuilder.build(job("trip-features"), exampleSpec(), plan,
        CapacityProfiles.named("none"), true)));
    assertFalse(PodAttempt.isDriverPod(ExecutorPodTemplate.pod(job("trip-features"), plan,
        CapacityProfiles.named("none"), true)));
    assertFalse(PodAttempt.isDriverPod(new PodBuilder().withNewMetadata().withName("other").endMetadata().build()));
  }

  @Test
  void podWithoutRunLabelIsRejected() {
    Pod foreign = new PodBuilder().withNewMetadata().withName("foreign")
        .addToLabels(Labels.SPARK_ROLE, Labels.ROLE_DRIVER).endMetadata().build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PodAttempt.fromPod(foreign));
    assertTrue(e.getMessage().contains("foreign"));
  }
}

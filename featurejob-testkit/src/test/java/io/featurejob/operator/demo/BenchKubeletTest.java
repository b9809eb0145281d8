package io.featurejob.operator.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.observe.AttemptObserver;
import io.featurejob.operator.observe.Observation;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The mix benchmark's node layer: what it writes is what the operator reads as a success or a transient failure. */
class BenchKubeletTest {
  private static final Instant BOUND = Instant.parse("2026-12-01T06:00:00Z");
  private static final Instant RUNNING = BOUND.plusSeconds(1);
  private static final Instant ENDED = RUNNING.plusSeconds(10);

  @Test
  void exitZeroIsASuccessAtItsFinishTime() {
    Observation o = observe(BenchKubelet.ended(runningFacts(), ENDED, false));
    assertEquals(new Observation.Succeeded(ENDED), o);
  }

  @Test
  void nodeShutdownIsATransientSpotInterruption() {
    Observation o = observe(BenchKubelet.ended(runningFacts(), ENDED, true));
    Observation.Failed failed = assertInstanceOf(Observation.Failed.class, o);
    assertEquals(FailureClass.SpotInterruption, failed.classification().failureClass());
    assertTrue(failed.classification().failureClass().isTransient());
    assertEquals(143, failed.classification().exitCode());
    assertEquals(ENDED, failed.finishedAt());
  }

  @Test
  void runningIsRunningSinceTheContainerStarted() {
    Observation o = observe(BenchKubelet.running(runningFacts()));
    assertEquals(RUNNING, assertInstanceOf(Observation.Running.class, o).startedAt());
  }

  @Test
  void failsTheGivenShareOfPodNames() {
    long failing = IntStream.range(0, 10_000).filter(i -> BenchKubelet.fails("storm-" + i + "-29912345-x", 5)).count();
    assertTrue(failing > 400 && failing < 600, failing + " of 10,000 names fail at 5%");
    assertEquals(0, IntStream.range(0, 1000).filter(i -> BenchKubelet.fails("p" + i, 0)).count());
    assertEquals(1000, IntStream.range(0, 1000).filter(i -> BenchKubelet.fails("p" + i, 100)).count());
  }

  private static PodFacts runningFacts() {
    Pod pod = new PodBuilder().withNewMetadata().withName("storm-1-20261201-0559-1").endMetadata()
        .withNewSpec().addNewContainer().withName("spark-kubernetes-driver").withImage("apache/spark:3.5.3")
        .endContainer().endSpec().withNewStatus().withQosClass("Burstable").endStatus().build();
    return BenchKubelet.facts(pod, "10.244.0.2", BOUND).running(RUNNING);
  }

  private static Observation observe(io.fabric8.kubernetes.api.model.PodStatus status) {
    Pod pod = new PodBuilder().withNewMetadata().withName("storm-1-20261201-0559-1")
        .withCreationTimestamp(BOUND.toString()).endMetadata().withStatus(status).build();
    return new AttemptObserver().observe(pod, List.of(), Classifier.defaults(), ENDED.plusSeconds(5));
  }
}

package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * The kubelet's record of one pod it simulates (a driver, or an executor of one). Mutated only
 * on the kubelet's single simulation thread; fields read by tests are volatile.
 */
final class SimulatedPod {

  enum State { PENDING, STARTING, RUNNING, TERMINATED, GONE }

  final String namespace;
  final String name;
  final String uid;
  final String job;
  final Pod pod;
  /** The driver that owns this executor, null for a driver. */
  final SimulatedPod driver;
  /** Spark's executor id (1-based), 0 for a driver. */
  final int executorId;

  volatile State state = State.PENDING;
  PodFacts facts;
  PodStatus lastStatus;
  String unschedulableMessage;
  boolean capacityEventSent;

  // Driver only.
  DriverBehaviour behaviour;
  boolean workStarted;
  final List<SimulatedPod> executors = new ArrayList<>();
  final List<ScheduledFuture<?>> timers = new ArrayList<>();

  SimulatedPod(Pod pod, String job, SimulatedPod driver, int executorId) {
    this.pod = pod;
    this.namespace = pod.getMetadata().getNamespace();
    this.name = pod.getMetadata().getName();
    this.uid = pod.getMetadata().getUid();
    this.job = job;
    this.driver = driver;
    this.executorId = executorId;
    this.facts = new PodFacts(pod.getSpec().getContainers().get(0).getName(),
        pod.getSpec().getContainers().get(0).getImage(), SparkExecutors.qosClass(pod.getSpec()),
        null, null, null, null);
  }

  boolean isDriver() {
    return driver == null;
  }

  boolean isGoneOrClosed(boolean closed) {
    return closed || state == State.GONE;
  }

  boolean isOver() {
    return state == State.TERMINATED || state == State.GONE;
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}

package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;

/**
 * The core/v1 Events kube-scheduler and the kubelet record about a pod, as a real node 1.36 wrote them
 * (hack/node/capture-pod-status.sh): the scheduler's through the events.k8s.io API (eventTime, action,
 * no source), the kubelet's with a source, a count and first/last timestamps, about the container
 * ({@code spec.containers{NAME}}). Pure.
 */
final class PodEvents {
  private PodEvents() {}

  static final String SCHEDULER = "default-scheduler";
  /** kube-scheduler names itself after its host: default-scheduler-HOSTNAME. */
  static final String SCHEDULER_INSTANCE = SCHEDULER + "-control-plane";
  static final String KUBELET = "kubelet";

  /** Bound to {@code node}: Normal Scheduled. */
  static Event scheduled(Pod pod, String node, Instant at) {
    return scheduler(pod, "Normal", "Scheduled", "Binding",
        "Successfully assigned " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " to " + node, at);
  }

  /** No node fits: Warning FailedScheduling with the scheduler's message. */
  static Event failedScheduling(Pod pod, String message, Instant at) {
    return scheduler(pod, "Warning", "FailedScheduling", "Scheduling", message, at);
  }

  /** The image is on the node (the simulated nodes have every image): Normal Pulled. */
  static Event pulled(Pod pod, String node, Instant at) {
    return kubelet(pod, node, "Pulled", "Container image \"" + container(pod).getImage()
        + "\" already present on machine and can be accessed by the pod", at);
  }

  static Event created(Pod pod, String node, Instant at) {
    return kubelet(pod, node, "Created", "Container created", at);
  }

  static Event started(Pod pod, String node, Instant at) {
    return kubelet(pod, node, "Started", "Container started", at);
  }

  /**
   * A ConfigMap volume whose ConfigMap does not exist: Warning FailedMount about the pod (no container
   * field path: the container was never created).
   */
  static Event failedMount(Pod pod, String node, String volume, String configMap, Instant at) {
    return kubelet(pod, node, "Warning", null, "FailedMount", "MountVolume.SetUp failed for volume \"" + volume
        + "\" : configmap \"" + configMap + "\" not found", at);
  }

  /** The pod is being deleted: the kubelet stops its container. */
  static Event killing(Pod pod, String node, Instant at) {
    return kubelet(pod, node, "Killing", "Stopping container " + container(pod).getName(), at);
  }

  private static Event scheduler(Pod pod, String type, String reason, String action, String message, Instant at) {
    return new EventBuilder()
        .withNewMetadata().withGenerateName(pod.getMetadata().getName() + ".")
            .withNamespace(pod.getMetadata().getNamespace()).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
            .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid()).build())
        .withType(type).withReason(reason).withAction(action).withMessage(message)
        .withEventTime(new MicroTime(at.toString()))
        .withReportingComponent(SCHEDULER).withReportingInstance(SCHEDULER_INSTANCE)
        .build();
  }

  private static Event kubelet(Pod pod, String node, String reason, String message, Instant at) {
    return kubelet(pod, node, "Normal", "spec.containers{" + container(pod).getName() + "}", reason, message, at);
  }

  private static Event kubelet(Pod pod, String node, String type, String fieldPath, String reason, String message,
      Instant at) {
    String time = PodStatuses.time(at);
    return new EventBuilder()
        .withNewMetadata().withGenerateName(pod.getMetadata().getName() + ".")
            .withNamespace(pod.getMetadata().getNamespace()).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
            .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid()).withFieldPath(fieldPath)
            .build())
        .withType(type).withReason(reason).withMessage(message)
        .withNewSource().withComponent(KUBELET).withHost(node).endSource()
        .withReportingComponent(KUBELET).withReportingInstance(node)
        .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Container container(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }
}

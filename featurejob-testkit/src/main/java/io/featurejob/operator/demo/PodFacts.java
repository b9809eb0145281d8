package io.featurejob.operator.demo;

import java.time.Instant;

/**
 * What the kubelet knows about one pod it runs, from which every status it writes is derived.
 *
 * @param containerName the pod's (only) container
 * @param image the image as written in the pod spec
 * @param qosClass Guaranteed, Burstable or BestEffort, as the API server computes it
 * @param node the node the pod is bound to, null while unscheduled
 * @param podIp the sandbox IP, null until the sandbox exists
 * @param boundAt when the pod was bound (PodScheduled=True; the kubelet's startTime)
 * @param runningAt when the container started, null before
 */
record PodFacts(
    String containerName,
    String image,
    String qosClass,
    SimulatedNode node,
    String podIp,
    Instant boundAt,
    Instant runningAt) {

  PodFacts bound(SimulatedNode to, String ip, Instant at) {
    return new PodFacts(containerName, image, qosClass, to, ip, at, runningAt);
  }

  PodFacts running(Instant at) {
    return new PodFacts(containerName, image, qosClass, node, podIp, boundAt, at);
  }
}

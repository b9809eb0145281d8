package io.featurejob.operator.node;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.cluster.ClusterHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * What a story on the real node records: every version of the job's pods the API server showed (name,
 * phase, deletion, termination), and at the end a transcript in target/node-story/STORY.txt with
 * `kubectl get fj`, the namespace's events and those pod versions, so a run can be read afterwards.
 */
final class NodeStory implements AutoCloseable {
  static final Path DIRECTORY = Path.of("target", "node-story");

  private final ClusterHarness harness;
  private final String story;
  private final List<String> podLines = Collections.synchronizedList(new ArrayList<>());
  private final Watch watch;

  NodeStory(ClusterHarness harness, String story) {
    this.harness = harness;
    this.story = story;
    this.watch = harness.admin.pods().inNamespace(harness.namespace).withLabel(Labels.SPARK_ROLE)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            podLines.add(Instant.now() + " " + action + " " + pod.getMetadata().getName() + " "
                + RealNode.summary(pod) + (pod.getMetadata().getDeletionTimestamp() == null ? "" : " (deleting)")
                + disruption(pod));
          }

          @Override
          public void onClose(WatcherException cause) {
            // closed by close()
          }
        });
  }

  /** Pod versions seen so far, one line each. */
  List<String> podLines() {
    synchronized (podLines) {
      return List.copyOf(podLines);
    }
  }

  /** Writes the transcript (also printed): kubectl get fj, events by time, the pod versions seen. */
  void writeTranscript(String job, String... notes) {
    String ns = "--namespace=" + harness.namespace;
    StringBuilder text = new StringBuilder();
    text.append("# story ").append(story).append(", namespace ").append(harness.namespace).append(", ")
        .append(Instant.now()).append('\n');
    for (String note : notes) {
      text.append("# ").append(note).append('\n');
    }
    text.append("\n$ kubectl get fj ").append(job).append('\n')
        .append(ClusterHarness.kubectl(null, "get", "fj", job, ns).output())
        .append("\n$ kubectl get events --sort-by=.metadata.creationTimestamp\n")
        .append(ClusterHarness.kubectl(null, "get", "events", ns, "--sort-by=.metadata.creationTimestamp",
            "-o", "custom-columns=CREATED:.metadata.creationTimestamp,TYPE:.type,REASON:.reason,"
                + "OBJECT:.involvedObject.name,COUNT:.count,MESSAGE:.message").output())
        .append("\n# pod versions the API server showed (watch)\n");
    podLines().forEach(line -> text.append(line).append('\n'));
    text.append("\n$ kubectl get fj ").append(job).append(" -o yaml (status)\n")
        .append(ClusterHarness.kubectl(null, "get", "fj", job, ns, "-o", "jsonpath={.status}").output()).append('\n');
    System.out.println("[real node] transcript of " + story + ":\n" + text);
    try {
      Files.createDirectories(DIRECTORY);
      Files.writeString(DIRECTORY.resolve(story + ".txt"), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The driver pod of {@code job}'s attempt {@code attempt}, or null while there is none. */
  static Pod driver(ClusterHarness harness, String job, int attempt) {
    return harness.driverPods(job).stream().filter(p -> ClusterHarness.attemptOf(p) == attempt).findFirst().orElse(null);
  }

  /** Waits until the two executor pods of {@code job}'s attempt {@code attempt} both run; returns them. */
  static List<Pod> runningExecutors(ClusterHarness harness, String job, int attempt) {
    return RealNode.diagnosed(harness, () -> Awaitility.await(job + ": attempt " + attempt + "'s executors run")
        .atMost(RealNode.RUN_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> {
          String prefix = driver(harness, job, attempt).getMetadata().getName() + "-exec-";
          return harness.podsOf(job).stream()
              .filter(p -> p.getMetadata().getName().startsWith(prefix))
              .filter(RealNode::containerRunning).toList();
        }, executors -> executors.size() == 2));
  }

  static String names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).toList().toString();
  }

  /** The Eviction API (policy/v1), as `kubectl drain` uses it; true when the API server accepted it. */
  static boolean evict(ClusterHarness harness, String pod) {
    return harness.admin.pods().inNamespace(harness.namespace).withName(pod).evict();
  }

  private static String disruption(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return "";
    }
    return pod.getStatus().getConditions().stream().filter(c -> "DisruptionTarget".equals(c.getType()))
        .map(c -> " DisruptionTarget=" + c.getStatus() + " " + c.getReason()).findFirst().orElse("");
  }

  @Override
  public void close() {
    watch.close();
  }
}

package io.featurejob.operator.testing;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The pods and events hack/node/capture-pod-status.sh captured from the real node, one file per scenario
 * under featurejob-operator/src/test/resources/io/featurejob/operator/demo/real-node: a comment header
 * saying how and when, the pod, its events, and the container's log (captures before the script saved
 * logs have no log document).
 */
public final class RealNodeFixtures {
  public static final String DIRECTORY = "/io/featurejob/operator/demo/real-node/";
  /** The scenarios the script captures. */
  public static final List<String> SCENARIOS =
      List.of("succeeded", "exit-1", "oom-limit", "oom-child", "unschedulable", "deleted", "evicted", "configmap-missing");

  private RealNodeFixtures() {}

  /** The pod as the API server returned it (for deleted and evicted: its last version before it went). */
  public static Pod pod(String scenario) {
    return Serialization.unmarshal(document(scenario, 0), Pod.class);
  }

  /** The events about the pod, oldest first. */
  public static List<Event> events(String scenario) {
    return Serialization.unmarshal(document(scenario, 1), EventList.class).getItems();
  }

  /**
   * What the container printed: the fixture's log document (kubectl logs), else, in fixtures captured
   * before the script saved logs, the termination message, which is the whole log for these scenarios
   * (each prints a line or two, less than the kubelet's tail keeps); empty for a pod that never ran.
   */
  public static String log(String scenario) {
    String[] documents = documents(scenario);
    if (documents.length > 2) {
      Object log = Serialization.unmarshal(documents[2], java.util.Map.class).get("log");
      return log == null ? "" : log.toString();
    }
    var statuses = pod(scenario).getStatus().getContainerStatuses();
    var terminated = statuses == null || statuses.isEmpty() ? null : statuses.get(0).getState().getTerminated();
    return terminated == null || terminated.getMessage() == null ? "" : terminated.getMessage();
  }

  /** The header's "Scenario NAME: how" line. */
  public static String how(String scenario) {
    return text(scenario).lines().filter(line -> line.startsWith("# Scenario ")).findFirst()
        .orElseThrow(() -> new IllegalStateException(scenario + ": no '# Scenario' line"));
  }

  private static String document(String scenario, int index) {
    return documents(scenario)[index];
  }

  private static String[] documents(String scenario) {
    String[] documents = text(scenario).split("(?m)^---$");
    if (documents.length < 2 || documents.length > 3) {
      throw new IllegalStateException(scenario + ": expected 2 or 3 YAML documents, found " + documents.length);
    }
    return documents;
  }

  private static String text(String scenario) {
    try (InputStream in = RealNodeFixtures.class.getResourceAsStream(DIRECTORY + scenario + ".yaml")) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + DIRECTORY + scenario + ".yaml");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

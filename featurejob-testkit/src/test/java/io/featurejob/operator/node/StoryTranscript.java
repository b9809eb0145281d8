package io.featurejob.operator.node;

import io.featurejob.operator.cluster.ClusterHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * A story's record for people: each step with its time since the start and what {@code kubectl get fj
 * -o wide} showed then, the FeatureJob's events timeline and whatever else the test adds. Written as
 * it goes (a failing run leaves its transcript up to the failure).
 */
final class StoryTranscript {
  private final Path file;
  private final ClusterHarness harness;
  private final Instant start = Instant.now();

  StoryTranscript(Path file, ClusterHarness harness, String title) {
    this.file = file;
    this.harness = harness;
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, title + "\n" + "=".repeat(title.length()) + "\nstarted " + start
          + ", namespace " + harness.namespace + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Seconds since the transcript started. */
  long elapsedSeconds() {
    return Duration.between(start, Instant.now()).toSeconds();
  }

  /** A numbered step: its title and {@code kubectl get fj -o wide} now. */
  void step(String title) {
    section(title, kubectl("get", "fj", "-o", "wide"));
  }

  /** A titled block of text. */
  void section(String title, String body) {
    append("\n## [+" + elapsedSeconds() + "s] " + title + "\n" + body.stripTrailing() + "\n");
  }

  /** The FeatureJob's events in order: when, type, reason, how often, message. */
  String eventsTimeline() {
    return kubectl("get", "events", "--field-selector", "involvedObject.kind=FeatureJob",
        "--sort-by=.metadata.creationTimestamp",
        "-o", "custom-columns=FIRST:.firstTimestamp,LAST:.lastTimestamp,TYPE:.type,REASON:.reason,COUNT:.count,"
            + "MESSAGE:.message");
  }

  /** {@code kubectl ARGS -n <namespace>}, its output (or its error). */
  String kubectl(String... args) {
    ClusterHarness.Result result = harness.kubectlHere(null, args);
    String command = "$ kubectl " + String.join(" ", args) + "\n";
    return command + (result.exitCode() == 0 ? result.stdout() : "(exit " + result.exitCode() + ") " + result.output());
  }

  private void append(String text) {
    try {
      Files.writeString(file, text, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

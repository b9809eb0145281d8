package io.featurejob.operator.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The processes of the control plane {@code hack/cluster.sh up} started, which the chaos test restarts and
 * pauses through {@code hack/cluster.sh restart|pause|resume} (by the PIDs in its state dir). Present only
 * when {@code make e2e} / {@code make chaos} started it (FEATUREJOB_CLUSTER_STATE), not on a cluster named by
 * KUBECONFIG, whose processes are not ours to stop.
 */
record LocalControlPlane(Path state) {
  static final Path SCRIPT = Path.of("hack", "cluster.sh");

  static Optional<LocalControlPlane> find() {
    String state = System.getenv("FEATUREJOB_CLUSTER_STATE");
    if (state == null || state.isBlank() || !Files.isRegularFile(Path.of(state, "pids", "kube-apiserver"))) {
      return Optional.empty();
    }
    return Optional.of(new LocalControlPlane(Path.of(state)));
  }

  /** Stops kube-apiserver and starts it again with the same arguments; returns once /readyz answers. */
  void restartApiServer() {
    cluster("restart", "kube-apiserver");
  }

  /** SIGSTOP to etcd: the API server's requests to it hang until {@link #resumeEtcd}. */
  void pauseEtcd() {
    cluster("pause", "etcd");
  }

  void resumeEtcd() {
    cluster("resume", "etcd");
  }

  /** The cluster's CA (certificate and key), with which the fault proxy gets a serving certificate. */
  Path pki() {
    return state.resolve("pki");
  }

  private void cluster(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    ClusterHarness.Result result = ClusterHarness.run(command, null, Duration.ofMinutes(3));
    if (result.exitCode() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + result.output());
    }
  }
}

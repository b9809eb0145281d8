package io.featurejob.operator.demo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The termination message the kubelet writes into a container's status under
 * terminationMessagePolicy FallbackToLogsOnError, for tests outside this package. As kubelet's
 * getTerminationMessage (pkg/kubelet/kuberuntime): the last 4096 bytes of the termination-message
 * file; when that file is empty or absent and the container failed, the log's tail as
 * {@link PodStatuses#fallbackToLogs} keeps it.
 */
public final class KubeletTermination {
  /** kubecontainer.MaxContainerTerminationMessageLength. */
  static final int MAX_FILE_BYTES = 4096;

  private KubeletTermination() {}

  /**
   * @param file the termination-message file's bytes, null when the container wrote none
   * @param log the container's log
   * @param exitCode the container's exit code
   */
  public static String message(byte[] file, String log, int exitCode) {
    if (file != null && file.length > 0) {
      int from = Math.max(0, file.length - MAX_FILE_BYTES);
      return new String(Arrays.copyOfRange(file, from, file.length), StandardCharsets.UTF_8);
    }
    return exitCode == 0 ? null : PodStatuses.fallbackToLogs(log);
  }
}

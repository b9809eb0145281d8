package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.featurejob.operator.classify.EvidenceSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * How a driver pod leaves the root cause of a failure in its termination message: the driver
 * container runs spark-submit through {@code driver-entrypoint.sh}, which keeps a bounded tail of the
 * log and, on a non-zero exit, writes the {@link EvidenceSummary} of it to /dev/termination-log.
 *
 * <p>Both files travel in the per-job ConfigMap that already holds the executor template (one write
 * per attempt, no image change: stock apache/spark images and images built on them work). The
 * summarizer goes as its class file compiled for Java 11, because those images carry a JRE, which
 * cannot run a source file (no jdk.compiler module). They are mounted read-only beside the template
 * under {@value #MOUNT}, a directory of its own: a mount inside the template's read-only volume
 * would need a mount point the runtime cannot create there.
 */
public final class DriverEvidence {
  private DriverEvidence() {}

  public static final String VOLUME = "featurejob-evidence";
  public static final String MOUNT = "/opt/featurejob/evidence";
  public static final String ENTRYPOINT_KEY = "driver-entrypoint.sh";
  public static final String SUMMARY_CLASS_KEY = "EvidenceSummary.class";
  /** Where the class file sits under {@link #MOUNT}: its package path, so the mount is a class path root. */
  public static final String SUMMARY_CLASS_PATH =
      EvidenceSummary.class.getName().replace('.', '/') + ".class";
  public static final String ENTRYPOINT = MOUNT + "/" + ENTRYPOINT_KEY;

  static final String ENTRYPOINT_RESOURCE = "driver-entrypoint.sh";
  /** Put into the jar by the build (pom.xml, execution evidence-summary-java11). */
  static final String SUMMARY_CLASS_RESOURCE = "evidence/" + SUMMARY_CLASS_PATH;

  private static final class Files {
    static final String ENTRYPOINT_TEXT = new String(resource(ENTRYPOINT_RESOURCE), StandardCharsets.UTF_8);
    static final byte[] SUMMARY_CLASS = resource(SUMMARY_CLASS_RESOURCE);
  }

  /** The container command: the entrypoint (run by sh, a ConfigMap file has no exec bit) then {@code command}. */
  public static List<String> command(String... command) {
    List<String> result = new ArrayList<>();
    result.add("sh");
    result.add(ENTRYPOINT);
    result.addAll(List.of(command));
    return result;
  }

  /** The entrypoint script, as shipped. */
  public static String entrypointScript() {
    return Files.ENTRYPOINT_TEXT;
  }

  /** The summarizer's class file (Java 11), as shipped. */
  public static byte[] summaryClass() {
    return Files.SUMMARY_CLASS.clone();
  }

  /** ConfigMap {@code data} entries. */
  public static Map<String, String> configMapData() {
    return Map.of(ENTRYPOINT_KEY, Files.ENTRYPOINT_TEXT);
  }

  /** ConfigMap {@code binaryData} entries (base64, as the API wants them). */
  public static Map<String, String> configMapBinaryData() {
    return Map.of(SUMMARY_CLASS_KEY, Base64.getEncoder().encodeToString(Files.SUMMARY_CLASS));
  }

  /** The volume: only the two keys, the class file under its package path. */
  public static Volume volume(String configMapName) {
    return new VolumeBuilder()
        .withName(VOLUME)
        .withNewConfigMap()
        .withName(configMapName)
        .withItems(new KeyToPath(ENTRYPOINT_KEY, null, ENTRYPOINT_KEY),
            new KeyToPath(SUMMARY_CLASS_KEY, null, SUMMARY_CLASS_PATH))
        .endConfigMap()
        .build();
  }

  public static VolumeMount volumeMount() {
    return new VolumeMountBuilder().withName(VOLUME).withMountPath(MOUNT).withReadOnly(true).build();
  }

  private static byte[] resource(String name) {
    try (InputStream in = DriverEvidence.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the operator's jar (build it with mvn)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

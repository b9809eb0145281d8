package io.featurejob.operator.spark;

import io.featurejob.operator.api.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The label sets the operator puts on Spark pods. Drivers and executors share the job, run and
 * attempt labels, so one selector finds every pod of an attempt; {@code spark-role} tells them apart.
 */
public final class PodLabels {
  private PodLabels() {}

  /** Labels of every object the operator manages for a job (pods and the template ConfigMap). */
  public static Map<String, String> forJob(String job) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    labels.put(Labels.NAME, Labels.NAME_VALUE);
    labels.put(Labels.JOB, PodNames.jobLabelValue(job));
    return labels;
  }

  /** Job, run and attempt labels, without {@code spark-role}. */
  public static Map<String, String> forAttempt(String job, String runId, int attempt) {
    Map<String, String> labels = forJob(job);
    labels.put(Labels.RUN, runId);
    labels.put(Labels.ATTEMPT, Integer.toString(attempt));
    return labels;
  }

  /** Everything on the driver pod, including {@code spark-role: driver}. */
  public static Map<String, String> driver(String job, String runId, int attempt) {
    Map<String, String> labels = forAttempt(job, runId, attempt);
    labels.put(Labels.SPARK_ROLE, Labels.ROLE_DRIVER);
    return labels;
  }

  /**
   * The executor template's labels: job and {@code spark-role: executor}, no run or attempt (Spark adds
   * those from the executor label confs), so one template serves every attempt of the job.
   */
  public static Map<String, String> executorTemplate(String job) {
    Map<String, String> labels = forJob(job);
    labels.put(Labels.SPARK_ROLE, Labels.ROLE_EXECUTOR);
    return labels;
  }
}

package io.featurejob.operator.spark;

import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.ResolvedSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The spark-submit command line of a driver pod (client mode against the in-cluster API server).
 * Each {@code --conf} and its {@code key=value} are separate elements, so anything reading the pod
 * (a simulated kubelet, a human with {@code kubectl get -o yaml}) can find a setting by key.
 */
public final class SparkSubmitArgs {
  private SparkSubmitArgs() {}

  public static final String SPARK_SUBMIT = "/opt/spark/bin/spark-submit";
  public static final String MASTER = "k8s://https://kubernetes.default.svc";
  /** Fixed ports, so NetworkPolicies and the pod's declared ports can name them. */
  public static final int DRIVER_PORT = 7078;
  public static final int BLOCK_MANAGER_PORT = 7079;
  public static final int UI_PORT = 4040;

  public static final String WINDOW_START_PLACEHOLDER = "${WINDOW_START}";
  public static final String WINDOW_END_PLACEHOLDER = "${WINDOW_END}";

  static final String EXECUTOR_LABEL_PREFIX = "spark.kubernetes.executor.label.";
  private static final Set<String> OPERATOR_LABELS =
      Set.of(Labels.MANAGED_BY, Labels.NAME, Labels.JOB, Labels.RUN, Labels.ATTEMPT, Labels.SPARK_ROLE);

  /**
   * Keys the operator sets itself. A user's sparkConf entry for one of them is dropped (it would
   * break what the operator relies on: pod identity, executor placement, memory escalation) and
   * reported in the SpecAdjusted condition and a Warning event (see {@link OperatorOverrides}).
   */
  public static final Set<String> RESERVED_CONF = Set.of(
      "spark.master",
      "spark.submit.deployMode",
      "spark.driver.host",
      "spark.driver.port",
      "spark.driver.blockManager.port",
      "spark.driver.memory",
      "spark.kubernetes.driver.pod.name",
      "spark.kubernetes.namespace",
      "spark.kubernetes.container.image",
      "spark.kubernetes.authenticate.driver.serviceAccountName",
      "spark.executor.instances",
      "spark.executor.cores",
      "spark.executor.memory",
      "spark.executor.memoryOverhead",
      "spark.kubernetes.executor.request.cores",
      "spark.kubernetes.executor.podTemplateFile",
      "spark.kubernetes.executor.podTemplateContainerName",
      "spark.kubernetes.executor.podNamePrefix",
      "spark.kubernetes.driver.service.deleteOnTermination",
      "spark.kubernetes.driver.ownPersistentVolumeClaim",
      "spark.kubernetes.driver.reusePersistentVolumeClaim");

  /** Arguments after {@link #SPARK_SUBMIT}, in a stable order. */
  public static List<String> build(String job, String namespace, ResolvedSpec.Spark spark, LaunchPlan plan) {
    List<String> args = new ArrayList<>();
    args.add("--master");
    args.add(MASTER);
    args.add("--deploy-mode");
    args.add("client");
    args.add("--name");
    args.add(job);

    // $(VAR) is expanded by the kubelet from the container's env (downward API).
    conf(args, "spark.driver.host", "$(" + DriverPodBuilder.ENV_POD_IP + ")");
    conf(args, "spark.kubernetes.driver.pod.name", "$(" + DriverPodBuilder.ENV_POD_NAME + ")");
    conf(args, "spark.kubernetes.namespace", namespace);
    conf(args, "spark.kubernetes.container.image", spark.image());
    conf(args, "spark.kubernetes.authenticate.driver.serviceAccountName", spark.serviceAccountName());
    conf(args, "spark.executor.instances", Integer.toString(spark.executorInstances()));
    conf(args, "spark.executor.cores", Integer.toString(taskSlots(spark.executorCores())));
    // The pod's CPU request may be fractional (0.5, 500m) even though task slots are whole.
    conf(args, "spark.kubernetes.executor.request.cores", spark.executorCores());
    conf(args, "spark.executor.memory", SparkMemory.fromMebibytes(plan.executorMemoryMiB()));
    conf(args, "spark.executor.memoryOverhead", SparkMemory.fromMebibytes(
        MemoryOverhead.mebibytes(spark.executorOverheadMiB(), plan.executorMemoryMiB())));
    // In client mode spark-submit sizes its own JVM heap from this.
    conf(args, "spark.driver.memory", SparkMemory.fromMebibytes(plan.driverMemoryMiB()));
    // The ConfigMap holds a template per capacity: a fallback to on-demand changes only this path.
    conf(args, "spark.kubernetes.executor.podTemplateFile", ExecutorPodTemplate.file(plan.executorCapacity()));
    conf(args, "spark.kubernetes.executor.podTemplateContainerName", ExecutorPodTemplate.CONTAINER_NAME);
    conf(args, "spark.kubernetes.executor.podNamePrefix",
        PodNames.executorPodNamePrefix(job, plan.runId(), plan.attempt()));
    conf(args, "spark.driver.port", Integer.toString(DRIVER_PORT));
    conf(args, "spark.driver.blockManager.port", Integer.toString(BLOCK_MANAGER_PORT));
    // Spark features the driver pod does not use, off so its Role needs no rights for them
    // (docs/spark-driver-rbac.md): client mode creates no driver Service, the executor template mounts no PVC.
    conf(args, "spark.kubernetes.driver.service.deleteOnTermination", "false");
    conf(args, "spark.kubernetes.driver.ownPersistentVolumeClaim", "false");
    conf(args, "spark.kubernetes.driver.reusePersistentVolumeClaim", "false");
    for (Map.Entry<String, String> label : executorLabels(job, plan).entrySet()) {
      conf(args, EXECUTOR_LABEL_PREFIX + label.getKey(), label.getValue());
    }

    // The user's settings, sorted so the same spec always yields the same pod.
    for (Map.Entry<String, String> entry : userConf(spark.sparkConf()).entrySet()) {
      conf(args, entry.getKey(), entry.getValue());
    }

    if (spark.mainClass() != null && !spark.mainClass().isBlank()) {
      args.add("--class");
      args.add(spark.mainClass());
    }
    args.add(spark.mainApplicationFile());
    if (spark.arguments() != null) {
      for (String argument : spark.arguments()) {
        args.add(substituteWindow(argument, plan.windowStart(), plan.windowEnd()));
      }
    }
    return args;
  }

  /** The user's sparkConf minus {@link #isReserved reserved} keys, sorted by key. */
  public static Map<String, String> userConf(Map<String, String> sparkConf) {
    Map<String, String> kept = new TreeMap<>();
    if (sparkConf != null) {
      sparkConf.forEach((key, value) -> {
        if (!isReserved(key)) {
          kept.put(key, value);
        }
      });
    }
    return kept;
  }

  /** sparkConf keys the operator ignores, so the reconciler can say so (sorted). */
  public static List<String> ignoredUserConf(Map<String, String> sparkConf) {
    return sparkConf == null ? List.of() : sparkConf.keySet().stream().filter(SparkSubmitArgs::isReserved).sorted().toList();
  }

  /** Reserved: a key in {@link #RESERVED_CONF}, or an executor label the operator sets. */
  public static boolean isReserved(String key) {
    if (RESERVED_CONF.contains(key)) {
      return true;
    }
    if (key.startsWith(EXECUTOR_LABEL_PREFIX)) {
      String label = key.substring(EXECUTOR_LABEL_PREFIX.length());
      return OPERATOR_LABELS.contains(label);
    }
    return false;
  }

  /** Replaces ${WINDOW_START} and ${WINDOW_END} with RFC 3339 times (empty when there is no window). */
  public static String substituteWindow(String argument, Instant windowStart, Instant windowEnd) {
    return argument
        .replace(WINDOW_START_PLACEHOLDER, rfc3339(windowStart))
        .replace(WINDOW_END_PLACEHOLDER, rfc3339(windowEnd));
  }

  static String rfc3339(Instant t) {
    return t == null ? "" : Times.format(t);
  }

  /**
   * Labels Spark puts on each executor. spark-role is left out: Spark sets it and rejects it as a
   * custom label.
   */
  static Map<String, String> executorLabels(String job, LaunchPlan plan) {
    return PodLabels.forAttempt(job, plan.runId(), plan.attempt());
  }

  /** spark.executor.cores is a whole number of task slots: at least 1, fractions rounded down. */
  static int taskSlots(String cores) {
    BigDecimal value = cores.endsWith("m")
        ? new BigDecimal(cores.substring(0, cores.length() - 1)).movePointLeft(3)
        : new BigDecimal(cores);
    return Math.max(1, value.setScale(0, RoundingMode.FLOOR).intValueExact());
  }

  private static void conf(List<String> args, String key, String value) {
    args.add("--conf");
    args.add(key + "=" + value);
  }
}

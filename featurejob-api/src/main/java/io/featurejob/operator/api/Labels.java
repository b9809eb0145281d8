package io.featurejob.operator.api;

/** Label and annotation keys the operator puts on the objects it creates, and the user-facing annotation. */
public final class Labels {
  private Labels() {}

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "featurejob-operator";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String NAME_VALUE = "featurejob-spark";

  /** The FeatureJob's name (truncated with a hash suffix when longer than a label value may be). */
  public static final String JOB = "featurejob.io/job";
  public static final String RUN = "featurejob.io/run";
  public static final String ATTEMPT = "featurejob.io/attempt";
  /** Spark's own label: driver or executor. */
  public static final String SPARK_ROLE = "spark-role";
  public static final String ROLE_DRIVER = "driver";
  public static final String ROLE_EXECUTOR = "executor";

  // Annotations on the driver pod, so an attempt can be adopted from the pod alone after a restart.
  public static final String WINDOW_START = "featurejob.io/window-start";
  public static final String WINDOW_END = "featurejob.io/window-end";
  public static final String DRIVER_CAPACITY = "featurejob.io/driver-capacity";
  public static final String EXECUTOR_CAPACITY = "featurejob.io/executor-capacity";
  public static final String DRIVER_MEMORY = "featurejob.io/driver-memory";
  public static final String EXECUTOR_MEMORY = "featurejob.io/executor-memory";
  public static final String TRIGGER = "featurejob.io/trigger";

  /** Users set this annotation on a FeatureJob (any new value) to unblock it. */
  public static final String UNBLOCK = "featurejob.io/unblock";
  /** Users set this annotation on a FeatureJob (any new value) for one extra run now. */
  public static final String RUN_NOW = "featurejob.io/run-now";

  /** Where the driver mounts its job's executor-template ConfigMap (one template per executor capacity). */
  public static final String EXECUTOR_TEMPLATE_MOUNT = "/opt/featurejob/executor-template";
}

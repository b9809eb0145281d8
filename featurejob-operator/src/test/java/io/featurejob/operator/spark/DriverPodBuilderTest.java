package io.featurejob.operator.spark;

import static io.featurejob.operator.spark.SparkFixtures.conf;
import static io.featurejob.operator.spark.SparkFixtures.examplePlan;
import static io.featurejob.operator.spark.SparkFixtures.exampleSpec;
import static io.featurejob.operator.spark.SparkFixtures.job;
import static io.featurejob.operator.spark.SparkFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.ResolvedSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DriverPodBuilderTest {
  private static final String JOB = "trip-features";
  private final FeatureJob job = job(JOB);
  private final LaunchPlan plan = examplePlan(JOB);

  private Pod build(ResolvedSpec spec, LaunchPlan plan) {
    return DriverPodBuilder.build(job, spec, plan, CapacityProfiles.named("karpenter"), true);
  }

  private static Container container(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }

  @Test
  void metadataIdentifiesTheAttempt() {
    Pod pod = build(exampleSpec(), plan);
    assertEquals("trip-features-20261123-2300-3", pod.getMetadata().getName());
    assertEquals("ml", pod.getMetadata().getNamespace());
    assertEquals(Map.of(
        "app.kubernetes.io/managed-by", "featurejob-operator",
        "app.kubernetes.io/name", "featurejob-spark",
        "featurejob.io/job", "trip-features",
        "featurejob.io/run", "20261123-2300",
        "featurejob.io/attempt", "3",
        "spark-role", "driver"), pod.getMetadata().getLabels());
    assertEquals(Map.of(
        "featurejob.io/window-start", "2026-11-23T22:00:00Z",
        "featurejob.io/window-end", "2026-11-23T23:00:00Z",
        "featurejob.io/driver-capacity", "OnDemand",
        "featurejob.io/executor-capacity", "Spot",
        "featurejob.io/driver-memory", "2g",
        "featurejob.io/executor-memory", "4g",
        "featurejob.io/trigger", "Retry"), pod.getMetadata().getAnnotations());
  }

  @Test
  void ownedByTheFeatureJobAsController() {
    List<OwnerReference> owners = build(exampleSpec(), plan).getMetadata().getOwnerReferences();
    assertEquals(1, owners.size());
    OwnerReference owner = owners.get(0);
    assertEquals("featurejob.io/v1alpha1", owner.getApiVersion());
    assertEquals("FeatureJob", owner.getKind());
    assertEquals("trip-features", owner.getName());
    assertEquals(SparkFixtures.UID, owner.getUid());
    assertTrue(owner.getController());
    assertTrue(owner.getBlockOwnerDeletion());
  }

  @Test
  void podRunsSparkSubmitOnceAndReportsFailuresInStatus() {
    Pod pod = build(exampleSpec(), plan);
    assertEquals("Never", pod.getSpec().getRestartPolicy());
    assertEquals("spark", pod.getSpec().getServiceAccountName());
    Container c = container(pod);
    assertEquals(1, pod.getSpec().getContainers().size());
    assertEquals("spark-kubernetes-driver", c.getName());
    assertEquals("apache/spark:3.5.3", c.getImage());
    assertEquals("FallbackToLogsOnError", c.getTerminationMessagePolicy());
    assertEquals(List.of("sh", "/opt/featurejob/evidence/driver-entrypoint.sh", "/opt/spark/bin/spark-submit"),
        c.getCommand());
    assertEquals(List.of(7078, 7079, 4040), c.getPorts().stream().map(p -> p.getContainerPort()).toList());
  }

  @Test
  void argsInFullForTheDesignExample() {
    assertEquals(List.of(
        "--master", "k8s://https://kubernetes.default.svc",
        "--deploy-mode", "client",
        "--name", "trip-features",
        "--conf", "spark.driver.host=$(POD_IP)",
        "--conf", "spark.kubernetes.driver.pod.name=$(POD_NAME)",
        "--conf", "spark.kubernetes.namespace=ml",
        "--conf", "spark.kubernetes.container.image=apache/spark:3.5.3",
        "--conf", "spark.kubernetes.authenticate.driver.serviceAccountName=spark",
        "--conf", "spark.executor.instances=4",
        "--conf", "spark.executor.cores=2",
        "--conf", "spark.kubernetes.executor.request.cores=2",
        "--conf", "spark.executor.memory=4g",
        "--conf", "spark.executor.memoryOverhead=1g",
        "--conf", "spark.driver.memory=2g",
        "--conf", "spark.kubernetes.executor.podTemplateFile=/opt/featurejob/executor-template/executor-template-spot.yaml",
        "--conf", "spark.kubernetes.executor.podTemplateContainerName=spark-kubernetes-executor",
        "--conf", "spark.kubernetes.executor.podNamePrefix=trip-features-20261123-2300-3",
        "--conf", "spark.driver.port=7078",
        "--conf", "spark.driver.blockManager.port=7079",
        "--conf", "spark.kubernetes.driver.service.deleteOnTermination=false",
        "--conf", "spark.kubernetes.driver.ownPersistentVolumeClaim=false",
        "--conf", "spark.kubernetes.driver.reusePersistentVolumeClaim=false",
        "--conf", "spark.kubernetes.executor.label.app.kubernetes.io/managed-by=featurejob-operator",
        "--conf", "spark.kubernetes.executor.label.app.kubernetes.io/name=featurejob-spark",
        "--conf", "spark.kubernetes.executor.label.featurejob.io/job=trip-features",
        "--conf", "spark.kubernetes.executor.label.featurejob.io/run=20261123-2300",
        "--conf", "spark.kubernetes.executor.label.featurejob.io/attempt=3",
        "--conf", "spark.sql.shuffle.partitions=64",
        "local:///opt/app/features.py",
        "--start", "2026-11-23T22:00:00Z", "--end", "2026-11-23T23:00:00Z"),
        container(build(exampleSpec(), plan)).getArgs());
  }

  @Test
  void mainClassGoesRightBeforeTheApplicationFile() {
    ResolvedSpec jvm = spec("1", 2048, null, "2", 4096, null, "io.example.Features", List.of("x"), null);
    List<String> args = container(build(jvm, plan)).getArgs();
    int file = args.indexOf("local:///opt/app/features.py");
    assertEquals(List.of("--class", "io.example.Features", "local:///opt/app/features.py", "x"),
        args.subList(file - 2, args.size()));
    assertFalse(container(build(exampleSpec(), plan)).getArgs().contains("--class"));
  }

  @Test
  void windowPlaceholdersAreSubstitutedAnywhereInAnArgument() {
    ResolvedSpec spec = spec("1", 2048, null, "1", 2048, null, null,
        List.of("--range=${WINDOW_START}/${WINDOW_END}", "$WINDOW_START", "plain"), null);
    List<String> args = container(build(spec, plan)).getArgs();
    assertEquals(List.of("--range=2026-11-23T22:00:00Z/2026-11-23T23:00:00Z", "$WINDOW_START", "plain"),
        args.subList(args.size() - 3, args.size()));
  }

  @Test
  void oneOffWithoutWindowSubstitutesEmptyAndOmitsWindowAnnotations() {
    LaunchPlan once = new LaunchPlan("once", 1, PodNames.driverPod(JOB, "once", 1), null, null,
        CapacityType.OnDemand, CapacityType.Spot, 2048, 4096, LaunchPlan.Trigger.OneOff);
    Pod pod = build(exampleSpec(), once);
    assertEquals("trip-features-once-1", pod.getMetadata().getName());
    List<String> args = container(pod).getArgs();
    assertEquals(List.of("--start", "", "--end", ""), args.subList(args.size() - 4, args.size()));
    assertFalse(pod.getMetadata().getAnnotations().containsKey(Labels.WINDOW_START));
    assertEquals("", env(pod).get("WINDOW_START").getValue());
  }

  /** driver heap, driver overhead (or empty = default), executor heap, executor overhead -> pod memory, executor confs. */
  @ParameterizedTest
  @CsvSource({
      "2048, 512,  4096, 1024, 2560Mi, 4g,    1g",
      "2048,    ,  4096,     , 2432Mi, 4g,    409m",
      "8192,    ,  3072,     , 9011Mi, 3g,    384m",
      "3072,    ,  6144,     , 3456Mi, 6g,    614m",
      "1024, 256,  1536,  512, 1280Mi, 1536m, 512m",
  })
  void memoryAndOverhead(long driverMiB, Long driverOverhead, long executorMiB, Long executorOverhead,
      String podMemory, String executorMemory, String executorMemoryOverhead) {
    ResolvedSpec spec = spec("1", 2048, driverOverhead, "2", 4096, executorOverhead, null, List.of(), null);
    // The plan carries the effective (possibly escalated) memory; the spec's is not used.
    LaunchPlan escalated = SparkFixtures.plan(JOB, "20261123-2300", 1, CapacityType.OnDemand, CapacityType.Spot,
        driverMiB, executorMiB);
    Pod pod = build(spec, escalated);
    Container c = container(pod);
    assertEquals(new Quantity(podMemory), c.getResources().getRequests().get("memory"));
    assertEquals(new Quantity(podMemory), c.getResources().getLimits().get("memory"));
    assertNull(c.getResources().getLimits().get("cpu"), "no CPU limit: throttling slows Spark for nothing");
    assertEquals(executorMemory, conf(c.getArgs(), "spark.executor.memory"));
    assertEquals(executorMemoryOverhead, conf(c.getArgs(), "spark.executor.memoryOverhead"));
    assertEquals(pod.getMetadata().getAnnotations().get(Labels.EXECUTOR_MEMORY), executorMemory);
  }

  @ParameterizedTest
  @CsvSource({"1, 1, 1", "0.5, 0.5, 1", "2, 500m, 1", "1500m, 3, 3", "4, 2.5, 2"})
  void cpuRequestsAndExecutorTaskSlots(String driverCores, String executorCores, String taskSlots) {
    ResolvedSpec spec = spec(driverCores, 2048, null, executorCores, 4096, null, null, List.of(), null);
    Container c = container(build(spec, plan));
    assertEquals(new Quantity(driverCores), c.getResources().getRequests().get("cpu"));
    assertEquals(taskSlots, conf(c.getArgs(), "spark.executor.cores"));
    assertEquals(executorCores, conf(c.getArgs(), "spark.kubernetes.executor.request.cores"));
  }

  @Test
  void userConfIsSortedAndCannotOverrideOperatorSettings() {
    Map<String, String> user = new LinkedHashMap<>();
    user.put("spark.sql.shuffle.partitions", "64");
    user.put("spark.executor.memory", "1g");
    user.put("spark.kubernetes.executor.label.featurejob.io/run", "forged");
    user.put("spark.kubernetes.executor.label.team", "ml-platform");
    user.put("spark.eventLog.enabled", "true");
    ResolvedSpec spec = spec("1", 2048, null, "2", 4096, null, null, List.of(), user);
    List<String> args = container(build(spec, plan)).getArgs();
    assertEquals("4g", conf(args, "spark.executor.memory"));
    assertEquals(1, args.stream().filter(a -> a.startsWith("spark.executor.memory=")).count());
    assertEquals("20261123-2300", conf(args, "spark.kubernetes.executor.label.featurejob.io/run"));
    int eventLog = args.indexOf("spark.eventLog.enabled=true");
    int team = args.indexOf("spark.kubernetes.executor.label.team=ml-platform");
    int shuffle = args.indexOf("spark.sql.shuffle.partitions=64");
    assertTrue(eventLog > 0 && eventLog < team && team < shuffle, args.toString());
    assertEquals(List.of("spark.executor.memory", "spark.kubernetes.executor.label.featurejob.io/run"),
        SparkSubmitArgs.ignoredUserConf(user));
  }

  @Test
  void executorLabelsNeverIncludeSparkRole() {
    List<String> args = container(build(exampleSpec(), plan)).getArgs();
    assertNull(conf(args, "spark.kubernetes.executor.label.spark-role"), "Spark reserves spark-role");
    assertTrue(SparkSubmitArgs.isReserved("spark.kubernetes.executor.label.spark-role"));
  }

  @Test
  void envCarriesWindowAndPodIdentity() {
    Map<String, EnvVar> env = env(build(exampleSpec(), plan));
    assertEquals(List.of("POD_IP", "POD_NAME", "POD_NAMESPACE", "SPARK_DRIVER_BIND_ADDRESS", "WINDOW_START", "WINDOW_END"),
        List.copyOf(env.keySet()));
    assertEquals("status.podIP", env.get("POD_IP").getValueFrom().getFieldRef().getFieldPath());
    assertEquals("metadata.name", env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath());
    assertEquals("metadata.namespace", env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
    assertEquals("status.podIP", env.get("SPARK_DRIVER_BIND_ADDRESS").getValueFrom().getFieldRef().getFieldPath());
    assertEquals("2026-11-23T22:00:00Z", env.get("WINDOW_START").getValue());
    assertEquals("2026-11-23T23:00:00Z", env.get("WINDOW_END").getValue());
  }

  private static Map<String, EnvVar> env(Pod pod) {
    return container(pod).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, Function.identity(), (a, b) -> a, LinkedHashMap::new));
  }

  @Test
  void executorTemplateIsMountedReadOnlyFromTheJobsConfigMap() {
    Pod pod = build(exampleSpec(), plan);
    Volume volume = pod.getSpec().getVolumes().get(0);
    assertEquals("trip-features-executor-template", volume.getConfigMap().getName());
    VolumeMount mount = container(pod).getVolumeMounts().get(0);
    assertEquals(volume.getName(), mount.getName());
    assertEquals(Labels.EXECUTOR_TEMPLATE_MOUNT, mount.getMountPath());
    assertTrue(mount.getReadOnly());
    assertEquals(mount.getMountPath() + "/executor-template-spot.yaml",
        conf(container(pod).getArgs(), "spark.kubernetes.executor.podTemplateFile"), "the plan's executors are spot");
    assertEquals(ExecutorPodTemplate.configMap(job, CapacityProfiles.named("none"), true).getMetadata().getName(),
        volume.getConfigMap().getName());
  }

  @Test
  void aFallbackToOnDemandNamesTheOtherTemplateInTheSameConfigMap() {
    LaunchPlan fallback = SparkFixtures.plan("trip-features", "20261123-2300", 4,
        CapacityType.OnDemand, CapacityType.OnDemand, plan.driverMemoryMiB(), plan.executorMemoryMiB());
    Pod pod = build(exampleSpec(), fallback);
    assertEquals(Labels.EXECUTOR_TEMPLATE_MOUNT + "/executor-template-on-demand.yaml",
        conf(container(pod).getArgs(), "spark.kubernetes.executor.podTemplateFile"));
    assertEquals("trip-features-executor-template", pod.getSpec().getVolumes().get(0).getConfigMap().getName());
  }

  @Test
  void evidenceEntrypointAndSummarizerAreMountedFromTheSameConfigMap() {
    Pod pod = build(exampleSpec(), plan);
    Volume volume = pod.getSpec().getVolumes().get(1);
    assertEquals("featurejob-evidence", volume.getName());
    assertEquals("trip-features-executor-template", volume.getConfigMap().getName());
    assertEquals(Map.of(
            "driver-entrypoint.sh", "driver-entrypoint.sh",
            "EvidenceSummary.class", "io/featurejob/operator/classify/EvidenceSummary.class"),
        volume.getConfigMap().getItems().stream().collect(Collectors.toMap(i -> i.getKey(), i -> i.getPath())));
    VolumeMount mount = container(pod).getVolumeMounts().get(1);
    assertEquals("featurejob-evidence", mount.getName());
    assertEquals("/opt/featurejob/evidence", mount.getMountPath());
    assertTrue(mount.getReadOnly());
    assertEquals("/opt/featurejob/evidence/driver-entrypoint.sh", container(pod).getCommand().get(1));
    var configMap = ExecutorPodTemplate.configMap(job, CapacityProfiles.named("none"), true);
    for (var item : volume.getConfigMap().getItems()) {
      assertTrue(configMap.getData().containsKey(item.getKey()) || configMap.getBinaryData().containsKey(item.getKey()),
          item.getKey());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"karpenter", "eks", "gke", "aks", "none"})
  void driverOnDemandAndExecutorsSpotForEachPreset(String profileName) {
    CapacityProfile profile = CapacityProfiles.named(profileName);
    Pod driver = DriverPodBuilder.build(job, exampleSpec(), plan, profile, true);
    Pod template = ExecutorPodTemplate.pod(job, plan, profile, true);

    Pod expectedDriver = new Pod();
    expectedDriver.setSpec(new io.fabric8.kubernetes.api.model.PodSpec());
    profile.onDemand().applyTo(expectedDriver.getSpec());
    Pod expectedExecutor = new Pod();
    expectedExecutor.setSpec(new io.fabric8.kubernetes.api.model.PodSpec());
    profile.spot().applyTo(expectedExecutor.getSpec());

    assertEquals(expectedDriver.getSpec().getNodeSelector(), driver.getSpec().getNodeSelector());
    assertEquals(expectedDriver.getSpec().getTolerations(), driver.getSpec().getTolerations());
    assertEquals(expectedDriver.getSpec().getAffinity(), driver.getSpec().getAffinity());
    assertEquals(expectedExecutor.getSpec().getNodeSelector(), template.getSpec().getNodeSelector());
    assertEquals(expectedExecutor.getSpec().getTolerations(), template.getSpec().getTolerations());
    assertEquals(expectedExecutor.getSpec().getAffinity(), template.getSpec().getAffinity());
  }

  @Test
  void presetPlacementConcretely() {
    Pod gkeDriver = DriverPodBuilder.build(job, exampleSpec(), plan, CapacityProfiles.named("gke"), true);
    assertNull(gkeDriver.getSpec().getNodeSelector());
    assertNull(gkeDriver.getSpec().getTolerations(), "an on-demand driver must not tolerate spot");
    assertEquals("DoesNotExist", gkeDriver.getSpec().getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0)
        .getMatchExpressions().get(0).getOperator());

    Pod eksDriver = DriverPodBuilder.build(job, exampleSpec(), plan, CapacityProfiles.named("eks"), true);
    assertEquals(Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND"), eksDriver.getSpec().getNodeSelector());
    assertNull(eksDriver.getSpec().getAffinity());

    LaunchPlan spotDriver = SparkFixtures.plan(JOB, "20261123-2300", 1, CapacityType.Spot, CapacityType.Spot, 2048, 4096);
    Pod aksDriver = DriverPodBuilder.build(job, exampleSpec(), spotDriver, CapacityProfiles.named("aks"), true);
    assertEquals(Map.of("kubernetes.azure.com/scalesetpriority", "spot"), aksDriver.getSpec().getNodeSelector());
    assertEquals("NoSchedule", aksDriver.getSpec().getTolerations().get(0).getEffect());
  }

  @Test
  void restrictedSecurityContextOn() {
    Pod pod = DriverPodBuilder.build(job, exampleSpec(), plan, CapacityProfiles.named("none"), true);
    var podContext = pod.getSpec().getSecurityContext();
    assertTrue(podContext.getRunAsNonRoot());
    assertEquals(185L, podContext.getRunAsUser());
    assertEquals(185L, podContext.getFsGroup());
    assertEquals("RuntimeDefault", podContext.getSeccompProfile().getType());
    var containerContext = container(pod).getSecurityContext();
    assertFalse(containerContext.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), containerContext.getCapabilities().getDrop());
  }

  @Test
  void restrictedSecurityContextOff() {
    Pod pod = DriverPodBuilder.build(job, exampleSpec(), plan, CapacityProfiles.named("none"), false);
    assertNull(pod.getSpec().getSecurityContext());
    assertNull(container(pod).getSecurityContext());
  }

  @Test
  void longJobNameStillYieldsValidNamesEverywhere() {
    String longName = "customer-lifetime-value-features-with-a-very-long-descriptive-name-v2";
    FeatureJob longJob = job(longName);
    LaunchPlan longPlan = examplePlan(longName);
    Pod pod = DriverPodBuilder.build(longJob, exampleSpec(), longPlan, CapacityProfiles.named("none"), true);
    assertTrue(pod.getMetadata().getName().length() <= 63);
    assertTrue(pod.getMetadata().getLabels().get(Labels.JOB).length() <= 63);
    assertEquals(longName, container(pod).getArgs().get(5), "--name keeps the full job name");
    String prefix = conf(container(pod).getArgs(), "spark.kubernetes.executor.podNamePrefix");
    assertTrue(prefix.length() <= 47, prefix);
    assertEquals(pod.getMetadata().getLabels().get(Labels.JOB),
        conf(container(pod).getArgs(), "spark.kubernetes.executor.label.featurejob.io/job"));
  }

  @Test
  void sameInputsBuildTheSamePod() {
    assertEquals(build(exampleSpec(), plan), build(exampleSpec(), plan));
  }
}

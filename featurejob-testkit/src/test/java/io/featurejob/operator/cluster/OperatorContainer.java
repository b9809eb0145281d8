package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator image run the way a kubelet would run the operator pod of a Deployment: the pod
 * template's command, args, env, security context, memory limit, ConfigMap and emptyDir volumes and
 * a projected ServiceAccount token become container-engine options (podman or docker). Only what the
 * chart's pod uses is translated; anything else fails loudly rather than being silently dropped.
 *
 * <p>Two stand-ins, because there is no pod network here: the container shares the host network (so
 * it reaches kube-apiserver on 127.0.0.1 as {@code KUBERNETES_SERVICE_HOST}), and the metrics port
 * is moved to a free one on 127.0.0.1 through the {@code FEATUREJOB_METRICS_*} environment (which
 * overrides the ConfigMap, as documented).
 */
final class OperatorContainer implements AutoCloseable {
  static final String IMAGE_ENV = "FEATUREJOB_IMAGE";
  static final String ENGINE_ENV = "FEATUREJOB_CONTAINER_COMMAND";
  static final String RUN_OPTIONS_ENV = "FEATUREJOB_CONTAINER_RUN_OPTIONS";
  private static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

  /** How a stop went: seconds from SIGTERM to exit, the exit code, and the container's output. */
  record Stopped(double seconds, int exitCode, String logs) {}

  private final List<String> engine;
  private final String name;
  private final int metricsPort;
  private final PodSpec pod;
  private final Path workDir;
  private final String token;

  private OperatorContainer(List<String> engine, String name, int metricsPort, PodSpec pod, Path workDir, String token) {
    this.engine = engine;
    this.name = name;
    this.metricsPort = metricsPort;
    this.pod = pod;
    this.workDir = workDir;
    this.token = token;
  }

  /** The image under test ({@code FEATUREJOB_IMAGE}, set by `make e2e` after building it), if any. */
  static Optional<String> imageUnderTest() {
    return Optional.ofNullable(System.getenv(IMAGE_ENV)).filter(s -> !s.isBlank());
  }

  /** The engine command line, e.g. {@code podman --runtime runc} (hack/image.sh engine). */
  static List<String> engineCommand() {
    String engine = System.getenv(ENGINE_ENV);
    return List.of((engine == null || engine.isBlank() ? "podman" : engine.trim()).split("\\s+"));
  }

  /**
   * Starts {@code image} as a pod of {@code deployment} (as stored by the API server), with a token
   * of its ServiceAccount, and waits until its startup probe passes.
   */
  static OperatorContainer start(KubernetesClient admin, Deployment deployment, String image) {
    String namespace = deployment.getMetadata().getNamespace();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    if (pod.getContainers().size() != 1) {
      throw new IllegalArgumentException("expected one container in the operator pod, got " + pod.getContainers());
    }
    Container container = pod.getContainers().get(0);
    List<String> engine = engineCommand();
    String name = "featurejob-operator-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    int metricsPort = Ports.freeLoopbackPort();
    try {
      Path workDir = Files.createTempDirectory("featurejob-operator-pod");
      String token = ClusterHarness.token(admin, namespace, pod.getServiceAccountName());

      List<String> run = new ArrayList<>(engine);
      // a pod's hostname (and HOSTNAME, part of the leader-election identity) is the pod's name
      run.addAll(List.of("run", "--detach", "--name", name, "--hostname", name, "--network", "host"));
      String runOptions = System.getenv(RUN_OPTIONS_ENV);
      if (runOptions != null && !runOptions.isBlank()) {
        run.addAll(List.of(runOptions.trim().split("\\s+")));
      }
      run.addAll(securityOptions(engine, pod.getSecurityContext(), container.getSecurityContext()));
      run.addAll(memoryLimit(container));
      run.addAll(serviceAccountMount(admin, workDir, namespace, token));
      run.addAll(volumeMounts(admin, workDir, namespace, pod, container));
      run.addAll(environment(admin, container, metricsPort));
      if (container.getCommand() != null && !container.getCommand().isEmpty()) {
        // the chart relies on the image's ENTRYPOINT; docker and podman spell an override differently
        throw new IllegalArgumentException("a container command is not translated: " + container.getCommand());
      }
      run.add(image);
      run.addAll(Objects.requireNonNullElse(container.getArgs(), List.of()));

      OperatorContainer operator = new OperatorContainer(engine, name, metricsPort, pod, workDir, token);
      try {
        ClusterHarness.Result started = exec(run, Duration.ofMinutes(2));
        if (started.exitCode() != 0) {
          throw new IllegalStateException("container did not start: " + started.output());
        }
        operator.awaitProbe(container.getStartupProbe().getHttpGet().getPath());
        return operator;
      } catch (RuntimeException | AssertionError e) {
        operator.close(); // no container or token file left behind
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the readiness probe passes, as the kubelet would before the pod counts as available. */
  void awaitReady() {
    awaitProbe(pod.getContainers().get(0).getReadinessProbe().getHttpGet().getPath());
  }

  /** The container's (= pod's) name, which is also its hostname. */
  String name() {
    return name;
  }

  int metricsPort() {
    return metricsPort;
  }

  /** The ServiceAccount token the container was given (to check that no output contains it). */
  String token() {
    return token;
  }

  /** Runs {@code command} inside the running container. */
  ClusterHarness.Result exec(String... command) {
    List<String> all = new ArrayList<>(engine);
    all.addAll(List.of("exec", name));
    all.addAll(List.of(command));
    return exec(all, Duration.ofSeconds(30));
  }

  /** {@code image inspect} of a Go template over the image's config, e.g. {@code {{.Config.User}}}. */
  static String imageConfig(String image, String template) {
    List<String> all = new ArrayList<>(engineCommand());
    all.addAll(List.of("image", "inspect", "--format", template, image));
    ClusterHarness.Result result = exec(all, Duration.ofSeconds(30));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("image inspect " + image + ": " + result.output());
    }
    return result.stdout().trim();
  }

  String logs() {
    List<String> all = new ArrayList<>(engine);
    all.addAll(List.of("logs", name));
    return exec(all, Duration.ofSeconds(30)).output();
  }

  /** The kubelet's stop: SIGTERM, then SIGKILL after the pod's terminationGracePeriodSeconds. */
  Stopped stop() {
    long grace = Objects.requireNonNullElse(pod.getTerminationGracePeriodSeconds(), 30L);
    List<String> stop = new ArrayList<>(engine);
    stop.addAll(List.of("stop", "--time", Long.toString(grace), name));
    long startedNanos = System.nanoTime();
    ClusterHarness.Result stopped = exec(stop, Duration.ofSeconds(grace + 30));
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    if (stopped.exitCode() != 0) {
      throw new IllegalStateException("stop failed: " + stopped.output());
    }
    List<String> inspect = new ArrayList<>(engine);
    inspect.addAll(List.of("inspect", "--format", "{{.State.ExitCode}}", name));
    int exitCode = Integer.parseInt(exec(inspect, Duration.ofSeconds(30)).stdout().trim());
    return new Stopped(seconds, exitCode, logs());
  }

  /** Removes the container (stopping it first if it still runs) and the token and config files. */
  @Override
  public void close() {
    List<String> rm = new ArrayList<>(engine);
    rm.addAll(List.of("rm", "--force", name));
    exec(rm, Duration.ofSeconds(60));
    try (var files = Files.walk(workDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not remove " + workDir + ": " + e);
    }
  }

  // ------------------------------------------------------------------ pod spec -> engine options

  /** Pod-level settings with container-level ones taking precedence, as the kubelet merges them. */
  static List<String> securityOptions(List<String> engine, PodSecurityContext podContext, SecurityContext context) {
    PodSecurityContext podLevel = podContext != null ? podContext : new PodSecurityContext();
    SecurityContext container = context != null ? context : new SecurityContext();
    List<String> options = new ArrayList<>();
    Long user = container.getRunAsUser() != null ? container.getRunAsUser() : podLevel.getRunAsUser();
    Long group = container.getRunAsGroup() != null ? container.getRunAsGroup() : podLevel.getRunAsGroup();
    if (user != null) {
      options.add("--user=" + user + (group != null ? ":" + group : ""));
    }
    if (podLevel.getFsGroup() != null) {
      options.add("--group-add=" + podLevel.getFsGroup());
    }
    if (Boolean.TRUE.equals(container.getReadOnlyRootFilesystem())) {
      options.add("--read-only");
      if (engine.get(0).endsWith("podman")) {
        // podman would otherwise mount its own tmpfs on /tmp, /var/tmp and /run, hiding a missing emptyDir
        options.add("--read-only-tmpfs=false");
      }
    }
    Capabilities capabilities = container.getCapabilities();
    if (capabilities != null) {
      for (String drop : Objects.requireNonNullElse(capabilities.getDrop(), List.<String>of())) {
        options.add("--cap-drop=" + drop.toLowerCase(java.util.Locale.ROOT));
      }
      for (String add : Objects.requireNonNullElse(capabilities.getAdd(), List.<String>of())) {
        options.add("--cap-add=" + add);
      }
    }
    if (Boolean.FALSE.equals(container.getAllowPrivilegeEscalation())) {
      options.add("--security-opt=no-new-privileges");
    }
    var seccomp = container.getSeccompProfile() != null ? container.getSeccompProfile() : podLevel.getSeccompProfile();
    if (seccomp != null && !"RuntimeDefault".equals(seccomp.getType())) {
      throw new IllegalArgumentException("only seccomp RuntimeDefault (the engine's default profile) is translated: " + seccomp);
    }
    return options;
  }

  private static List<String> memoryLimit(Container container) {
    if (container.getResources() == null || container.getResources().getLimits() == null) {
      return List.of();
    }
    Quantity memory = container.getResources().getLimits().get("memory");
    return memory == null ? List.of() : List.of("--memory=" + Quantity.getAmountInBytes(memory).longValueExact() + "b");
  }

  /** What the kubelet projects for a ServiceAccount: token, the cluster's CA and the namespace. */
  private static List<String> serviceAccountMount(KubernetesClient admin, Path workDir, String namespace, String token)
      throws IOException {
    Path dir = Files.createDirectories(workDir.resolve("serviceaccount"));
    writeReadable(dir.resolve("token"), token);
    writeReadable(dir.resolve("namespace"), namespace);
    writeReadable(dir.resolve("ca.crt"), caCertificate(admin.getConfiguration()));
    readableDirectory(workDir);
    readableDirectory(dir);
    return List.of("--volume=" + dir + ":" + SERVICE_ACCOUNT_DIR + ":ro");
  }

  private static String caCertificate(Config config) throws IOException {
    if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
      return new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.UTF_8);
    }
    if (config.getCaCertFile() != null) {
      return Files.readString(Path.of(config.getCaCertFile()));
    }
    throw new IllegalStateException("the kubeconfig names no CA certificate to give the container");
  }

  private static List<String> volumeMounts(KubernetesClient admin, Path workDir, String namespace, PodSpec pod,
      Container container) throws IOException {
    List<String> options = new ArrayList<>();
    for (VolumeMount mount : Objects.requireNonNullElse(container.getVolumeMounts(), List.<VolumeMount>of())) {
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("volumeMount of an undeclared volume " + mount.getName()));
      boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly());
      if (volume.getConfigMap() != null) {
        ConfigMap configMap = admin.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
        if (configMap == null) {
          throw new IllegalStateException("ConfigMap " + namespace + "/" + volume.getConfigMap().getName() + " is missing");
        }
        Path dir = Files.createDirectories(workDir.resolve("volume-" + volume.getName()));
        for (Map.Entry<String, String> file : configMap.getData().entrySet()) {
          writeReadable(dir.resolve(file.getKey()), file.getValue());
        }
        readableDirectory(dir);
        options.add("--volume=" + dir + ":" + mount.getMountPath() + (readOnly ? ":ro" : ""));
      } else if (volume.getEmptyDir() != null) {
        String size = volume.getEmptyDir().getSizeLimit() == null ? ""
            : ",size=" + Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit()).longValueExact();
        // world-writable like an emptyDir, so the non-root user can write to it
        options.add("--tmpfs=" + mount.getMountPath() + ":rw,mode=1777" + size);
      } else {
        throw new IllegalArgumentException("volume " + volume.getName() + " is neither a ConfigMap nor an emptyDir");
      }
    }
    return options;
  }

  private static List<String> environment(KubernetesClient admin, Container container, int metricsPort) {
    List<String> options = new ArrayList<>();
    for (EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
      if (env.getValueFrom() != null) {
        throw new IllegalArgumentException("env valueFrom is not translated: " + env.getName());
      }
      options.add("--env=" + env.getName() + "=" + Objects.requireNonNullElse(env.getValue(), ""));
    }
    URI server = URI.create(admin.getConfiguration().getMasterUrl());
    options.add("--env=KUBERNETES_SERVICE_HOST=" + server.getHost());
    options.add("--env=KUBERNETES_SERVICE_PORT=" + server.getPort());
    options.add("--env=FEATUREJOB_METRICS_BIND_ADDRESS=127.0.0.1");
    options.add("--env=FEATUREJOB_METRICS_PORT=" + metricsPort);
    return options;
  }

  // ------------------------------------------------------------------ helpers

  private void awaitProbe(String path) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI uri = URI.create("http://127.0.0.1:" + metricsPort + path);
    try {
      await("container " + path).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    } catch (RuntimeException e) {
      throw new AssertionError(path + " never answered 200; container output:\n" + logs(), e);
    }
  }

  private static void writeReadable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  private static void readableDirectory(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static ClusterHarness.Result exec(List<String> command, Duration timeout) {
    return ClusterHarness.run(command, null, timeout);
  }
}

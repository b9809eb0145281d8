package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.featurejob.operator.spark.Sha256;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node layer of the success-heavy mix (`BENCH_MIX=success make bench`), the same for the operator's
 * driver pods and the Job controller's pods: one Node object that kube-scheduler binds pods to, and a
 * kubelet for it that writes the statuses a real kubelet 1.36 writes ({@link PodStatuses}, checked against
 * captured ones): Running a second after the binding, then after the run either exit 0 (Succeeded) or, for
 * {@code failPercent} of the pods (by a hash of the pod's name), a graceful node shutdown (Failed,
 * DisruptionTarget TerminationByKubelet, exit 143), which the operator classifies as SpotInterruption and
 * the Job controller counts against backoffLimit: both retry.
 *
 * <p>Not {@link SimulatedKubelet}: that one plays kube-scheduler too, drives only the operator's driver pods
 * and creates executor pods, so the Job controller's pods would get no kubelet and the operator's would
 * get more work than the Job controller's.
 */
public final class BenchKubelet implements AutoCloseable {
  public static final String NODE = "featurejob-bench-node";
  static final String NODE_IP = "10.0.0.10";
  /** Labels of the node: the default capacity profile's on-demand driver placement (karpenter) fits it. */
  static final Map<String, String> NODE_LABELS = Map.of(
      "kubernetes.io/hostname", NODE, "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64",
      "karpenter.sh/capacity-type", "on-demand");
  /** Room for every pod of a 10,000-job run at once. */
  static final Map<String, Quantity> ALLOCATABLE = Map.of("cpu", new Quantity("100000"),
      "memory", new Quantity("100Ti"), "pods", new Quantity("100000"), "ephemeral-storage", new Quantity("100Ti"));
  /** From binding to the container running (sandbox and image already there). */
  static final Duration START = Duration.ofSeconds(1);
  /** A status write that meets a newer pod reads it again, at most this often. */
  static final int CONFLICT_RETRIES = 5;

  private static final SimulatedNode SIMULATED = new SimulatedNode(NODE, null, NODE_LABELS, List.of(), NODE_IP, 0);

  private final KubernetesClient client;
  private final String namespace;
  private final Duration run;
  private final int failPercent;
  private final ScheduledExecutorService loop;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger ips = new AtomicInteger();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile SharedIndexInformer<Pod> informer;

  /**
   * @param run how long each pod's container runs before it exits
   * @param failPercent the share of pods whose node shuts down at the end of the run instead
   */
  public BenchKubelet(KubernetesClient client, String namespace, Duration run, int failPercent) {
    this.client = client;
    this.namespace = namespace;
    this.run = run;
    this.failPercent = failPercent;
    this.loop = Executors.newScheduledThreadPool(8, r -> {
      Thread thread = new Thread(r, "bench-kubelet");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Creates the node (or updates it) Ready with room for every pod, and removes the not-ready taint the
   * API server's admission adds to a new Node (its node lifecycle controller, which would remove it, does
   * not run on this control plane).
   */
  public static void registerNode(KubernetesClient client) {
    Node wanted = new NodeBuilder()
        .withNewMetadata().withName(NODE).withLabels(NODE_LABELS).endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus()
          .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
            .withMessage("kubelet is posting ready status").endCondition()
          .addNewAddress().withType("InternalIP").withAddress(NODE_IP).endAddress()
          .addNewAddress().withType("Hostname").withAddress(NODE).endAddress()
          .withCapacity(ALLOCATABLE).withAllocatable(ALLOCATABLE)
          .withNewNodeInfo().withKubeletVersion("v1.36.3").withContainerRuntimeVersion("containerd://2.1.4")
            .withOperatingSystem("linux").withArchitecture("amd64").endNodeInfo()
        .endStatus()
        .build();
    Node stored = client.nodes().resource(wanted).createOr(NonDeletingOperation::update);
    stored.getSpec().setTaints(List.of());
    stored = client.nodes().resource(stored).update();
    stored.setStatus(wanted.getStatus());
    client.nodes().resource(stored).updateStatus();
  }

  public static void removeNode(KubernetesClient client) {
    client.nodes().withName(NODE).delete();
  }

  /** Starts running the namespace's pods that kube-scheduler binds to {@link #NODE}; returns this. */
  public BenchKubelet start() {
    informer = client.pods().inNamespace(namespace).withField("spec.nodeName", NODE).inform(new Handler(), 0);
    return this;
  }

  /** Pods this kubelet ended with exit 0 / with a node shutdown so far. */
  public long succeeded() {
    return succeeded.sum();
  }

  public long failed() {
    return failed.sum();
  }

  /** Whether the pod named {@code name} ends with a node shutdown: {@code percent} of names, by hash. */
  static boolean fails(String name, int percent) {
    return Math.floorMod(Sha256.hex(name).hashCode(), 100) < percent;
  }

  /** The statuses this kubelet writes for {@code pod}: Running, then exit 0 or a node shutdown. */
  static PodStatus running(PodFacts facts) {
    return PodStatuses.running(facts);
  }

  static PodStatus ended(PodFacts facts, Instant at, boolean nodeShutdown) {
    return nodeShutdown
        ? PodStatuses.nodeShutdown(facts, at, PodStatuses.driverTerminationMessage(SparkLogs.driverSigterm(at), 143))
        : PodStatuses.driverExited(facts, at, 0, "Completed", null);
  }

  static PodFacts facts(Pod pod, String podIp, Instant boundAt) {
    var container = pod.getSpec().getContainers().get(0);
    String qos = pod.getStatus() == null ? null : pod.getStatus().getQosClass();
    return new PodFacts(container.getName(), container.getImage(), qos, SIMULATED, podIp, boundAt, null);
  }

  private final class Handler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      if (finished(pod) || pod.getMetadata().getDeletionTimestamp() != null || !seen.add(uid(pod))) {
        return;
      }
      int n = ips.incrementAndGet();
      PodFacts bound = facts(pod, "10.244." + (n / 250 % 250) + "." + (n % 250 + 2), Instant.now());
      later(START, () -> {
        PodFacts running = bound.running(Instant.now());
        if (write(pod, running(running))) {
          later(run, () -> {
            boolean shutdown = fails(pod.getMetadata().getName(), failPercent);
            if (write(pod, ended(running, Instant.now(), shutdown))) {
              (shutdown ? failed : succeeded).increment();
            }
          });
        }
      });
    }

    @Override
    public void onUpdate(Pod before, Pod after) {
      // A bound pod stays Terminating until its kubelet confirms the containers stopped: confirm at once.
      if (after.getMetadata().getDeletionTimestamp() != null && !finished(after)) {
        later(Duration.ZERO, () -> confirmDeletion(after));
      }
    }

    @Override
    public void onDelete(Pod pod, boolean unknown) {
      seen.remove(uid(pod));
    }
  }

  private void confirmDeletion(Pod pod) {
    try {
      client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      // gone already
    }
  }

  /**
   * Replaces the pod's status through the status subresource, reading the pod again on a conflict (the
   * Job controller's finalizer, the scheduler's condition). False when the pod is gone or being deleted.
   */
  private boolean write(Pod seenPod, PodStatus status) {
    String name = seenPod.getMetadata().getName();
    for (int i = 0; i < CONFLICT_RETRIES; i++) {
      Pod current = client.pods().inNamespace(namespace).withName(name).get();
      if (current == null || !uid(seenPod).equals(uid(current)) || current.getMetadata().getDeletionTimestamp() != null) {
        return false;
      }
      long generation = current.getMetadata().getGeneration() == null ? 1L : current.getMetadata().getGeneration();
      current.setStatus(PodStatuses.observed(status, generation));
      try {
        client.pods().inNamespace(namespace).resource(current).updateStatus();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          return false; // gone (404), or the namespace is going away
        }
      }
    }
    return false;
  }

  private void later(Duration delay, Runnable step) {
    try {
      loop.schedule(() -> {
        try {
          step.run();
        } catch (KubernetesClientException e) {
          // the API server refused or the namespace is going away: this pod's simulation ends
        }
      }, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String uid(Pod pod) {
    return pod.getMetadata().getUid();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    loop.shutdownNow();
  }
}

package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.ResolvedSpec;
import io.featurejob.operator.spark.CapacityProfile;
import io.featurejob.operator.spark.DriverPodBuilder;
import io.featurejob.operator.spark.ExecutorPodTemplate;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator's only writes besides status and events: create a driver pod, delete one. */
final class DriverPods {
  private static final Logger LOG = LoggerFactory.getLogger(DriverPods.class);

  private final KubernetesClient client;
  private final CapacityProfile profile;
  private final boolean restrictedSecurityContext;
  private final TemplateWrites templates;
  /** With leader election or shards: check before each launch that no other process wrote the job since. */
  private final boolean fenced;
  // Per job uid, the driver pod this process created last: the fact "it was created" before the status
  // records its uid (see FeatureJobReconciler#withCreatedPodUid).
  private final Map<String, Launched> launched = new ConcurrentHashMap<>();

  private record Launched(String podName, String podUid) {}

  DriverPods(KubernetesClient client, CapacityProfile profile, boolean restrictedSecurityContext,
      TemplateWrites templates, boolean fenced) {
    this.client = client;
    this.profile = profile;
    this.restrictedSecurityContext = restrictedSecurityContext;
    this.templates = templates;
    this.fenced = fenced;
  }

  /** What {@link #launch} did. */
  enum Launch {
    CREATED,
    /**
     * A pod already exists under the deterministic name: left as it is. The next observation tells whether
     * it is the attempt (created by this job before a restart) or a pod that is not the job's.
     */
    NAME_TAKEN,
    /**
     * The job was written after this decision's status write (by a successor that took over while this
     * process was frozen, or by anyone): nothing created. The decision may be stale; the next pass decides
     * again from the newer status.
     */
    SUPERSEDED
  }

  /**
   * Unless the job's resourceVersion on the API server is no longer {@code writtenVersion} (the status write
   * that recorded this attempt), writes the executor template ConfigMap when its content changed
   * ({@link TemplateWrites}), then the driver pod. That check is the fence for a leader frozen between its
   * status write and these writes: its successor's first write makes them no-ops. A freeze between the
   * check and the writes remains; the successor's next pass deletes such a pod ({@code PodCleanup}: a
   * running driver that is not the attempt); a template it overwrote with an older spec stays until this
   * job's spec changes again or a failure puts it in doubt ({@link TemplateWrites#suspect}).
   *
   * <p>Only with leader election or shards (one GET per launch): otherwise the chart runs one replica with
   * the Recreate strategy, so there is no other writer to fence against.
   */
  Launch launch(FeatureJob job, ResolvedSpec spec, LaunchPlan plan, String writtenVersion) {
    String namespace = job.getMetadata().getNamespace();
    if (fenced && supersededSince(job, writtenVersion)) {
      LOG.info("{}/{} changed since attempt {} was recorded: {} not created", namespace, job.getMetadata().getName(),
          plan.attempt(), plan.podName());
      return Launch.SUPERSEDED;
    }
    // after the fence: a frozen leader's older spec must not overwrite the successor's template either
    ConfigMap template = ExecutorPodTemplate.configMap(job, profile, restrictedSecurityContext);
    templates.ensure(job.getMetadata().getUid(), template, launchedBefore(job));
    Pod driver = DriverPodBuilder.build(job, spec, plan, profile, restrictedSecurityContext);
    try {
      Pod created = client.pods().inNamespace(namespace).resource(driver).create();
      launched.put(job.getMetadata().getUid(), new Launched(plan.podName(), created.getMetadata().getUid()));
      return Launch.CREATED;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      LOG.info("driver pod {}/{} already exists", namespace, plan.podName());
      return Launch.NAME_TAKEN;
    }
  }

  /** Whether an earlier attempt of the job finished: then its template ConfigMap was written before. */
  private static boolean launchedBefore(FeatureJob job) {
    return job.getStatus() != null && job.getStatus().history != null && !job.getStatus().history.isEmpty();
  }

  /** Whether the job on the API server (not the informer cache) is no longer at {@code writtenVersion}. */
  private boolean supersededSince(FeatureJob job, String writtenVersion) {
    FeatureJob current = client.resources(FeatureJob.class).inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName()).get();
    return current == null || !writtenVersion.equals(current.getMetadata().getResourceVersion());
  }

  /** The uid of pod {@code podName} if this process created it for the job, else null. */
  String createdUid(String jobUid, String podName) {
    Launched last = launched.get(jobUid);
    return last != null && last.podName.equals(podName) ? last.podUid : null;
  }

  /** An attempt failed in a way a missing template could explain: write it again before the next launch. */
  void suspectTemplate(String jobUid) {
    templates.suspect(jobUid);
  }

  /** The job was deleted: its pods and template ConfigMap go with it (owner references), so forget it. */
  void forget(String jobUid) {
    templates.forget(jobUid);
    launched.remove(jobUid);
  }

  /** Reads a driver pod from the API server (used when the informer cache has not seen it yet). */
  Pod get(String namespace, String name) {
    return client.pods().inNamespace(namespace).withName(name).get();
  }

  /** Idempotent: a pod that is already gone (404) is not an error; fabric8 returns an empty list for it. */
  void delete(String namespace, String name) {
    client.pods().inNamespace(namespace).withName(name).delete();
  }

  /** Driver pods of a job must carry the operator's labels; executor pods are found by job label. */
  static boolean isDriver(Pod pod) {
    return Labels.ROLE_DRIVER.equals(pod.getMetadata().getLabels().get(Labels.SPARK_ROLE));
  }
}

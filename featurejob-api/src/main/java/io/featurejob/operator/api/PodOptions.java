package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;

/**
 * What a user adds to the driver pod or to every executor pod, in the shape of the Kubernetes fields
 * it ends up in. Merged under what the operator sets (spark.PodTemplateMerge): where both set the same
 * thing the operator wins and the SpecAdjusted condition says so. Volumes and imagePullSecrets are
 * shared by both roles (spark.volumes, spark.imagePullSecrets).
 */
public class PodOptions {
  @JsonPropertyDescription("Labels added to the pod, e.g. for cost reports; the operator's and Spark's own labels win.")
  @Size(max = 64)
  public Map<String, String> labels;

  @JsonPropertyDescription("Annotations added to the pod, e.g. for IRSA or a service mesh; the operator's own win.")
  @Size(max = 64)
  public Map<String, String> annotations;

  @JsonPropertyDescription("Environment variables of the Spark container; take secrets with valueFrom.secretKeyRef,"
      + " never as a literal value. Names the operator sets (POD_IP, WINDOW_START, ...) are ignored.")
  @Size(max = 256)
  public List<EnvVar> env;

  @JsonPropertyDescription("Whole ConfigMaps or Secrets as environment variables of the Spark container.")
  @Size(max = 64)
  public List<EnvFromSource> envFrom;

  @JsonPropertyDescription("Mounts of spark.volumes into the Spark container.")
  @Size(max = 64)
  public List<VolumeMount> volumeMounts;

  @JsonPropertyDescription("Tolerations added to the capacity profile's, e.g. for a dedicated or GPU node pool.")
  @Size(max = 64)
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Node labels the pod requires, added to the capacity profile's (the profile wins on a shared key).")
  @Size(max = 64)
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("Affinity: required node-affinity terms are ANDed with the capacity profile's;"
      + " preferred terms and pod (anti-)affinity are used as given.")
  public Affinity affinity;

  @JsonPropertyDescription("PriorityClass of the pod.")
  @Size(max = Defaults.MAX_NAME_LENGTH)
  public String priorityClassName;

  @JsonPropertyDescription("Pod security context fields added to the operator's (e.g. runAsGroup, supplementalGroups,"
      + " sysctls); a field the operator sets (runAsNonRoot, runAsUser, fsGroup, seccompProfile) keeps its value.")
  public PodSecurityContext podSecurityContext;

  @JsonPropertyDescription("Security context fields added to the Spark container's (e.g. readOnlyRootFilesystem);"
      + " a field the operator sets keeps its value.")
  public SecurityContext securityContext;

  @JsonPropertyDescription("Extra containers running beside Spark in the pod (e.g. a proxy or log shipper).")
  @Size(max = 16)
  public List<Container> sidecars;

  @JsonPropertyDescription("Containers that run to completion before Spark starts (e.g. fetch a file).")
  @Size(max = 16)
  public List<Container> initContainers;
}

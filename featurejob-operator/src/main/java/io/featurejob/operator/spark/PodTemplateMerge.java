package io.featurejob.operator.spark;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.PodOptions;
import io.featurejob.operator.api.SparkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Merges what a user adds to a pod ({@link PodOptions}, spark.volumes, spark.imagePullSecrets) into
 * the pod the operator builds. Pure: a copy of the operator's pod comes back with the user's values
 * added, plus the list of user values dropped because the operator (or Spark) sets that field.
 *
 * <p>Rules: maps (labels, annotations, nodeSelector) and named lists (env, volumes, mounts, containers)
 * take the user's entries whose key or name is free; a taken key with a different value is reported.
 * Tolerations, envFrom and imagePullSecrets are added. Required node-affinity terms are ANDed with the
 * capacity profile's (every profile term combined with every user term). Security contexts take the
 * user's fields the operator left unset. Messages name fields, never values (a value may be a secret).
 */
public final class PodTemplateMerge {
  private PodTemplateMerge() {}

  /** The merged pod, and each ignored user value as {@code spark.driver.env[POD_IP]}. */
  public record Result(Pod pod, List<String> overridden) {}

  /**
   * Labels Spark puts on every executor, overwriting a template's (Spark's Constants.scala:
   * SPARK_APP_ID_LABEL, SPARK_EXECUTOR_ID_LABEL, SPARK_RESOURCE_PROFILE_ID_LABEL, SPARK_ROLE_LABEL).
   */
  static final Set<String> SPARK_EXECUTOR_LABELS =
      Set.of("spark-app-selector", "spark-exec-id", "spark-exec-resourceprofile-id", "spark-role");

  private static final ObjectMapper FIELDS = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** The driver pod with spark.driver's additions. */
  public static Result forDriver(Pod operatorPod, FeatureJobSpec spec) {
    SparkSpec spark = spec == null ? null : spec.spark;
    return merge(operatorPod, DriverPodBuilder.CONTAINER_NAME, "spark.driver", spark == null ? null : spark.driver,
        spark, Set.of());
  }

  /** The executor template with spark.executor's additions. */
  public static Result forExecutors(Pod operatorTemplate, FeatureJobSpec spec) {
    SparkSpec spark = spec == null ? null : spec.spark;
    return merge(operatorTemplate, ExecutorPodTemplate.CONTAINER_NAME, "spark.executor",
        spark == null ? null : spark.executor, spark, SPARK_EXECUTOR_LABELS);
  }

  /**
   * @param container name of the Spark container in {@code operatorPod}
   * @param field spec path of {@code user}, for messages
   * @param shared spark.volumes and spark.imagePullSecrets (null: none)
   * @param reservedLabels label keys someone else (Spark) sets, besides the operator pod's own
   */
  static Result merge(Pod operatorPod, String container, String field, PodOptions user, SparkSpec shared,
      Set<String> reservedLabels) {
    Pod pod = new PodBuilder(operatorPod).build();
    List<String> overridden = new ArrayList<>();
    PodSpec spec = pod.getSpec();
    if (shared != null) {
      spec.setVolumes(named(spec.getVolumes(), shared.volumes, Volume::getName, "spark.volumes", overridden));
      spec.setImagePullSecrets(added(spec.getImagePullSecrets(), shared.imagePullSecrets));
    }
    if (user == null) {
      return new Result(pod, List.copyOf(overridden));
    }
    Map<String, String> reserved = new LinkedHashMap<>();
    reservedLabels.forEach(key -> reserved.put(key, null));
    pod.getMetadata().setLabels(keyed(pod.getMetadata().getLabels(), reserved, user.labels, field + ".labels", overridden));
    pod.getMetadata().setAnnotations(keyed(pod.getMetadata().getAnnotations(), Map.of(), user.annotations,
        field + ".annotations", overridden));

    Container spark = spec.getContainers().stream().filter(c -> container.equals(c.getName())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no container " + container + " in the operator's pod"));
    spark.setEnv(named(spark.getEnv(), user.env, EnvVar::getName, field + ".env", overridden));
    spark.setEnvFrom(added(spark.getEnvFrom(), user.envFrom));
    // A volume may be mounted more than once (subPath): mounts are told apart by their path.
    spark.setVolumeMounts(named(spark.getVolumeMounts(), user.volumeMounts, VolumeMount::getMountPath,
        field + ".volumeMounts", overridden));
    spark.setSecurityContext(fields(spark.getSecurityContext(), user.securityContext, SecurityContext.class,
        field + ".securityContext", overridden));

    spec.setContainers(named(spec.getContainers(), copies(user.sidecars), Container::getName, field + ".sidecars",
        overridden));
    spec.setInitContainers(named(spec.getInitContainers(), copies(user.initContainers), Container::getName,
        field + ".initContainers", overridden));
    spec.setTolerations(added(spec.getTolerations(), user.tolerations));
    Map<String, String> nodeSelector = keyed(spec.getNodeSelector(), Map.of(), user.nodeSelector, field + ".nodeSelector",
        overridden);
    spec.setNodeSelector(nodeSelector == null ? null : new TreeMap<>(nodeSelector));
    spec.setAffinity(affinity(spec.getAffinity(), user.affinity));
    if (user.priorityClassName != null) {
      if (spec.getPriorityClassName() != null && !spec.getPriorityClassName().equals(user.priorityClassName)) {
        overridden.add(field + ".priorityClassName");
      } else {
        spec.setPriorityClassName(user.priorityClassName);
      }
    }
    spec.setSecurityContext(fields(spec.getSecurityContext(), user.podSecurityContext, PodSecurityContext.class,
        field + ".podSecurityContext", overridden));
    return new Result(pod, List.copyOf(overridden));
  }

  /** Map entries: the user's where the key is free (or already has the same value). */
  private static Map<String, String> keyed(Map<String, String> operator, Map<String, String> reserved,
      Map<String, String> user, String field, List<String> overridden) {
    if (user == null || user.isEmpty()) {
      return operator;
    }
    Map<String, String> merged = operator == null ? new LinkedHashMap<>() : new LinkedHashMap<>(operator);
    new TreeMap<>(user).forEach((key, value) -> {
      boolean taken = reserved.containsKey(key) || (merged.containsKey(key) && !Objects.equals(merged.get(key), value));
      if (taken) {
        overridden.add(field + "[" + key + "]");
      } else {
        merged.put(key, value);
      }
    });
    return merged;
  }

  /** List entries with a key: the user's whose key is not taken yet (by the operator or an earlier entry). */
  private static <T> List<T> named(List<T> operator, List<T> user, Function<T, String> key,
      String field, List<String> overridden) {
    if (user == null || user.isEmpty()) {
      return operator;
    }
    List<T> merged = operator == null ? new ArrayList<>() : new ArrayList<>(operator);
    for (T entry : user) {
      String name = key.apply(entry);
      if (name != null && merged.stream().anyMatch(m -> name.equals(key.apply(m)))) {
        overridden.add(field + "[" + name + "]");
      } else {
        merged.add(entry);
      }
    }
    return merged;
  }

  private static <T> List<T> added(List<T> operator, List<T> user) {
    if (user == null || user.isEmpty()) {
      return operator;
    }
    List<T> merged = operator == null ? new ArrayList<>() : new ArrayList<>(operator);
    user.stream().filter(u -> !merged.contains(u)).forEach(merged::add);
    return merged;
  }

  /** Top-level fields of a security context: the user's where the operator left the field unset. */
  @SuppressWarnings("unchecked")
  private static <T> T fields(T operator, T user, Class<T> type, String field, List<String> overridden) {
    if (user == null) {
      return operator;
    }
    Map<String, Object> merged = operator == null ? new TreeMap<>() : new TreeMap<>(FIELDS.convertValue(operator, Map.class));
    new TreeMap<String, Object>(FIELDS.convertValue(user, Map.class)).forEach((key, value) -> {
      if (merged.containsKey(key) && !Objects.equals(merged.get(key), value)) {
        overridden.add(field + "." + key);
      } else {
        merged.put(key, value);
      }
    });
    return FIELDS.convertValue(merged, type);
  }

  /**
   * The user's affinity, with required node-affinity terms ANDed with the operator's. Kubernetes ORs
   * terms, so (P1 or P2) and (U1 or U2) is every Pi+Uj: each pair's expressions and fields concatenated.
   */
  static Affinity affinity(Affinity operator, Affinity user) {
    if (user == null) {
      return operator;
    }
    Affinity merged = new AffinityBuilder(user).build();
    List<NodeSelectorTerm> profileTerms = requiredTerms(operator);
    if (profileTerms.isEmpty()) {
      return merged;
    }
    List<NodeSelectorTerm> userTerms = requiredTerms(user);
    List<NodeSelectorTerm> terms = new ArrayList<>();
    if (userTerms.isEmpty()) {
      terms.addAll(profileTerms);
    } else {
      for (NodeSelectorTerm p : profileTerms) {
        for (NodeSelectorTerm u : userTerms) {
          terms.add(new NodeSelectorTerm(concat(p.getMatchExpressions(), u.getMatchExpressions()),
              concat(p.getMatchFields(), u.getMatchFields())));
        }
      }
    }
    if (merged.getNodeAffinity() == null) {
      merged.setNodeAffinity(new NodeAffinity());
    }
    merged.getNodeAffinity().setRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelector(terms));
    return merged;
  }

  private static List<NodeSelectorTerm> requiredTerms(Affinity affinity) {
    if (affinity == null || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return List.of();
    }
    List<NodeSelectorTerm> terms =
        affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
    return terms == null ? List.of() : terms;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a == null ? List.of() : a);
    all.addAll(b == null ? List.of() : b);
    return all.isEmpty() ? null : all;
  }

  private static List<Container> copies(List<Container> containers) {
    return containers == null ? null : containers.stream().map(c -> new ContainerBuilder(c).build()).toList();
  }

}

package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.PodOptions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The Secrets and ConfigMaps a FeatureJob's pods read (volumes, projected volumes, env and envFrom of the
 * driver, the executors and their sidecars and init containers, image pull secrets), and a fingerprint of
 * their resourceVersions: a change on a failing job is a fix to retry at once (policy.RetryOnFix). Only
 * names and versions: no data is read or kept.
 */
public final class SpecReferences {
  private SpecReferences() {}

  public enum Kind { Secret, ConfigMap }

  public record Ref(Kind kind, String name) implements Comparable<Ref> {
    @Override
    public int compareTo(Ref o) {
      int k = kind.compareTo(o.kind);
      return k != 0 ? k : name.compareTo(o.name);
    }
  }

  /** Every Secret and ConfigMap the spec names, sorted. */
  public static Set<Ref> of(FeatureJobSpec spec) {
    Set<Ref> refs = new TreeSet<>();
    if (spec == null || spec.spark == null) {
      return refs;
    }
    for (Volume v : orEmpty(spec.spark.volumes)) {
      if (v.getSecret() != null) {
        add(refs, Kind.Secret, v.getSecret().getSecretName());
      }
      if (v.getConfigMap() != null) {
        add(refs, Kind.ConfigMap, v.getConfigMap().getName());
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : orEmpty(v.getProjected().getSources())) {
          if (p.getSecret() != null) {
            add(refs, Kind.Secret, p.getSecret().getName());
          }
          if (p.getConfigMap() != null) {
            add(refs, Kind.ConfigMap, p.getConfigMap().getName());
          }
        }
      }
    }
    for (LocalObjectReference pull : orEmpty(spec.spark.imagePullSecrets)) {
      add(refs, Kind.Secret, pull.getName());
    }
    pod(refs, spec.spark.driver);
    pod(refs, spec.spark.executor);
    return refs;
  }

  /**
   * A short hash of {@code kind/name=resourceVersion} over the references ({@code absent} for a missing
   * object), or null when there are none: nothing to watch.
   */
  public static String fingerprint(Set<Ref> refs, Function<Ref, String> resourceVersion) {
    if (refs.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (Ref r : refs) {
      String version = resourceVersion.apply(r);
      text.append(r.kind()).append('/').append(r.name()).append('=').append(version == null ? "absent" : version)
          .append('\n');
    }
    return Sha256.hex(text.toString()).substring(0, 16); // the first 8 bytes
  }

  private static void pod(Set<Ref> refs, PodOptions p) {
    if (p == null) {
      return;
    }
    env(refs, p.env, p.envFrom);
    for (Container c : orEmpty(p.sidecars)) {
      env(refs, c.getEnv(), c.getEnvFrom());
    }
    for (Container c : orEmpty(p.initContainers)) {
      env(refs, c.getEnv(), c.getEnvFrom());
    }
  }

  private static void env(Set<Ref> refs, List<EnvVar> env, List<EnvFromSource> envFrom) {
    for (EnvVar e : orEmpty(env)) {
      if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        add(refs, Kind.Secret, e.getValueFrom().getSecretKeyRef().getName());
      }
      if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
        add(refs, Kind.ConfigMap, e.getValueFrom().getConfigMapKeyRef().getName());
      }
    }
    for (EnvFromSource e : orEmpty(envFrom)) {
      if (e.getSecretRef() != null) {
        add(refs, Kind.Secret, e.getSecretRef().getName());
      }
      if (e.getConfigMapRef() != null) {
        add(refs, Kind.ConfigMap, e.getConfigMapRef().getName());
      }
    }
  }

  private static void add(Set<Ref> refs, Kind kind, String name) {
    if (name != null && !name.isBlank()) {
      refs.add(new Ref(kind, name));
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** For tests and logs: the references as {@code Kind/name}. */
  static List<String> names(Set<Ref> refs) {
    return refs.stream().map(r -> r.kind() + "/" + r.name()).toList();
  }
}

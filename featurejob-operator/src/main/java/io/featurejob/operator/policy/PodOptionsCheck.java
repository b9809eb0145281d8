package io.featurejob.operator.policy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.featurejob.operator.api.PodOptions;
import io.featurejob.operator.api.SparkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pod options of a spec may not do, because the operator creates the pods with its own
 * rights (anyone who may create a FeatureJob must not get more than that through it): a sidecar or
 * init container image outside the operator's image allow-list, a hostPath volume, a privileged
 * container or one that may escalate privileges or add capabilities.
 */
final class PodOptionsCheck {
  private PodOptionsCheck() {}

  static List<String> problems(SparkSpec spark, SparkAllowList allowList) {
    List<String> problems = new ArrayList<>();
    if (spark == null) {
      return problems;
    }
    if (spark.volumes != null) {
      for (Volume v : spark.volumes) {
        if (v.getHostPath() != null) {
          problems.add("spark.volumes[" + v.getName() + "]: hostPath volumes are not allowed");
        }
      }
    }
    role(problems, "spark.driver", spark.driver, allowList);
    role(problems, "spark.executor", spark.executor, allowList);
    return problems;
  }

  private static void role(List<String> problems, String field, PodOptions options, SparkAllowList allowList) {
    if (options == null) {
      return;
    }
    privileges(problems, field + ".securityContext", options.securityContext);
    containers(problems, field + ".sidecars", options.sidecars, allowList);
    containers(problems, field + ".initContainers", options.initContainers, allowList);
  }

  private static void containers(List<String> problems, String field, List<Container> containers, SparkAllowList allowList) {
    if (containers == null) {
      return;
    }
    for (Container c : containers) {
      String at = field + "[" + c.getName() + "]";
      if (c.getImage() != null && !allowList.imageAllowed(c.getImage())) {
        problems.add(at + ": image '" + c.getImage() + "' is not allowed (operator option sparkImages: "
            + String.join(",", allowList.images()) + ")");
      }
      privileges(problems, at + ".securityContext", c.getSecurityContext());
    }
  }

  private static void privileges(List<String> problems, String field, SecurityContext sc) {
    if (sc == null) {
      return;
    }
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      problems.add(field + ".privileged: not allowed");
    }
    if (Boolean.TRUE.equals(sc.getAllowPrivilegeEscalation())) {
      problems.add(field + ".allowPrivilegeEscalation: not allowed");
    }
    if (sc.getCapabilities() != null && sc.getCapabilities().getAdd() != null && !sc.getCapabilities().getAdd().isEmpty()) {
      problems.add(field + ".capabilities.add: not allowed");
    }
  }
}

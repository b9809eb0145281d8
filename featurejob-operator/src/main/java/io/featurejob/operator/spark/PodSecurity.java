package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * Security contexts that pass the Kubernetes "restricted" Pod Security Standard. The user id is the
 * one the apache/spark images run as (185, "spark"), so the images work unchanged.
 */
public final class PodSecurity {
  private PodSecurity() {}

  public static final long SPARK_USER_ID = 185L;

  public static PodSecurityContext restrictedPod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(SPARK_USER_ID)
        .withFsGroup(SPARK_USER_ID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  public static SecurityContext restrictedContainer() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .build();
  }
}

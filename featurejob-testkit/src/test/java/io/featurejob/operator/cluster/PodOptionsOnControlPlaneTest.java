package io.featurejob.operator.cluster;

import io.featurejob.operator.testing.PodOptionsStory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 on a real kube-apiserver: the JDBC example's driver pod and the executor pods Spark's side
 * creates from the template are accepted by the server's pod validation and carry the options.
 */
@Tag("cluster")
class PodOptionsOnControlPlaneTest {
  private ClusterHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void driverAndExecutorsCarryEnvFromASecretAConfigMapMountAVolumeAndAToleration() {
    h = ClusterHarness.start("pod-options");
    PodOptionsStory.run(h, h.admin);
  }
}

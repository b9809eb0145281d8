package io.featurejob.operator.e2e;

import io.featurejob.operator.testing.PodOptionsStory;
import org.junit.jupiter.api.Test;

/** Issue 14 on the mock API server: the JDBC example's driver, template and executors carry its options. */
class PodOptionsTest extends E2eTest {

  @Test
  void driverAndExecutorsCarryEnvFromASecretAConfigMapMountAVolumeAndAToleration() {
    PodOptionsStory.run(h, h.client);
  }
}

package io.featurejob.operator.e2e;

import io.featurejob.operator.testing.PodOptionsStory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 14 on the mock API server: the JDBC example's driver, template and executors carry its options. */
class PodOptionsTest {
  private E2eHarness h;

  @BeforeEach
  void start() {
    h = E2eHarness.start();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void driverAndExecutorsCarryEnvFromASecretAConfigMapMountAVolumeAndAToleration() {
    PodOptionsStory.run(h, h.client);
  }
}

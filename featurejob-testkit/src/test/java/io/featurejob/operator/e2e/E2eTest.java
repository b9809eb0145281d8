package io.featurejob.operator.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The mock-server end-to-end tests' set-up: a fresh {@link E2eHarness} (embedded API server, simulated
 * kubelet, operator) before each test, closed after it. A test that needs another set-up (injected API
 * faults, captured logs from before the operator starts) starts its own harness instead.
 */
abstract class E2eTest {
  protected E2eHarness h;

  @BeforeEach
  final void startHarness() {
    h = E2eHarness.start();
  }

  @AfterEach
  final void closeHarness() {
    if (h != null) {
      h.close();
    }
  }
}

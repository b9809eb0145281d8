package io.featurejob.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header parsing; the reviews themselves are checked on the real API server (RbacOnControlPlaneTest). */
class MetricsAuthTest {

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "Bearer abc.def          | abc.def",
      "bearer abc              | abc",
      "BEARER   abc            | abc",
      "Bearer                  | null",
      "'Bearer '               | null",
      "Basic dXNlcjpwYXNz      | null",
      "abc                     | null",
      "null                    | null",
  })
  void bearerTokenOfTheAuthorizationHeader(String header, String token) {
    assertEquals(token, MetricsAuth.bearerToken(header));
  }

  @Test
  void openLetsEveryoneIn() {
    assertTrue(MetricsAuth.OPEN.check(null).allowed());
  }
}

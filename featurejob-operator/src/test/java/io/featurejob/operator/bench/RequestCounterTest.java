package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestCounterTest {
  @ParameterizedTest(name = "{0} {1}?{2} -> {3}")
  @CsvSource(nullValues = "null", value = {
      "POST, /api/v1/namespaces/ml/events, null, POST events",
      "PUT, /api/v1/namespaces/ml/events/trip.runfailed.abc, null, PUT events",
      "GET, /api/v1/namespaces/ml/pods, labelSelector=x&watch=true, WATCH pods",
      "GET, /api/v1/namespaces/ml/pods, labelSelector=x, LIST pods",
      "PUT, /apis/featurejob.io/v1alpha1/namespaces/ml/featurejobs/trip/status, null, PUT featurejobs/status",
      "DELETE, /api/v1/namespaces/ml/pods/trip-1, null, DELETE pods",
      "GET, /apis/featurejob.io/v1alpha1/featurejobs, null, LIST featurejobs",
  })
  void keys(String method, String path, String query, String expected) {
    assertEquals(expected, RequestCounter.key(method, path, query));
  }
}

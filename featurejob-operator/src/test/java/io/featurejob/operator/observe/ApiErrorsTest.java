package io.featurejob.operator.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pod create errors by kind. The messages follow Kubernetes' format strings: quota
 * {@code "exceeded quota: %s, requested: %s, used: %s, limited: %s"} wrapped by admission.NewForbidden
 * (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go), webhook denials
 * {@code "admission webhook %q denied the request: %s"} (apiserver/pkg/admission/plugin/webhook/errors),
 * Pod Security {@code "violates PodSecurity %q: %s"} (pod-security-admission), the in-flight limiter's
 * {@code "Too many requests, please try again later."} (apiserver/pkg/server/filters/maxinflight.go).
 */
class ApiErrorsTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "429 | Too many requests, please try again later. | Transient",
      "500 | etcdserver: request timed out | Transient",
      "503 | the server is currently unable to handle the request | Transient",
      "504 | Timeout: request did not complete within requested timeout | Transient",
      "408 | the request timed out | Transient",
      "0   | java.net.ConnectException: Connection refused | Transient",
      "403 | pods \"a\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10 | Transient",
      "403 | pods \"a\" is forbidden: violates PodSecurity \"restricted:latest\": runAsNonRoot != true | Rejected",
      "400 | admission webhook \"validate.kyverno.svc\" denied the request: image registry not allowed | Rejected",
      "403 | admission webhook \"gatekeeper\" denied the request: label team is required | Rejected",
      "422 | Pod \"a\" is invalid: spec.containers[0].image: Required value | Rejected",
      "404 | namespaces \"ml\" not found | Rejected",
      "409 | pods \"a\" already exists | AlreadyExists",
  })
  void classifiesPodCreateErrors(int code, String message, ApiErrors.Kind expected) {
    assertEquals(expected, ApiErrors.ofCreate(code, message));
  }
}

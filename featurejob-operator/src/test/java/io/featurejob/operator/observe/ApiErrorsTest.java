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
 * {@code "Too many requests, please try again later."} (apiserver/pkg/server/filters/maxinflight.go). The
 * authorizer's denial is the one kube-apiserver returned to the operator moments after it restarted
 * (ChaosOnControlPlaneTest, before its RBAC caches synced), in the format of forbiddenMessage
 * {@code "User %q cannot %s resource %q in API group %q in the namespace %q"}
 * (k8s.io/apiserver v0.36.3 pkg/endpoints/handlers/responsewriters/errors.go).
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
      "403 | pods \"chaos-0-20250101-0000-1\" is forbidden: User \"system:serviceaccount:featurejob-system:featurejob-operator\" cannot get resource \"pods\" in API group \"\" in the namespace \"chaos-apiserver-bdaed\" | Transient",
      "403 | pods is forbidden: User \"system:serviceaccount:featurejob-system:featurejob-operator\" cannot create resource \"pods\" in API group \"\" in the namespace \"ml\" | Transient",
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

  /** A transient error is retried quietly for about two minutes of JOSDK's backoff, then also reported. */
  @ParameterizedTest(name = "retry attempt {0} -> report {1}")
  @CsvSource({"0, false", "1, false", "11, false", "12, true", "40, true"})
  void aTransientErrorThatPersistsIsReported(int retryAttempt, boolean report) {
    assertEquals(report, ApiErrors.persists(retryAttempt));
  }
}

package io.featurejob.operator.testing;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;

/**
 * JOSDK checks its Lease permissions with a SelfSubjectRulesReview before leader election starts; the CRUD
 * mock server cannot answer it (422 "metadata is required", LeaderElectionTest). This is what an API server
 * answers when the chart's leader-election Role is bound, for tests that answer that one request themselves.
 */
public final class LeaseAccessReview {
  private LeaseAccessReview() {}

  /** The review granting get, create, patch and update on Leases in {@code namespace} (null: none named). */
  public static SelfSubjectRulesReview granted(String namespace) {
    return new SelfSubjectRulesReviewBuilder()
        .withNewSpec().withNamespace(namespace).endSpec()
        .withNewStatus().withIncomplete(false)
        .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "patch", "update").build())
        .endStatus().build();
  }
}

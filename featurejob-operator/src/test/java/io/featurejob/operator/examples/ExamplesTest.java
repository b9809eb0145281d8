package io.featurejob.operator.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.classify.ClassificationRule;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.classify.Evidence;
import io.featurejob.operator.classify.RuleLoader;
import io.featurejob.operator.policy.SparkAllowList;
import io.featurejob.operator.policy.SpecResolver;
import io.featurejob.operator.spark.CapacityProfiles;
import io.featurejob.operator.spark.OperatorOverrides;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The manifests in examples/ are what users copy: each must be a valid FeatureJob. */
class ExamplesTest {

  static Stream<Path> featureJobs() throws Exception {
    return Files.list(Path.of("examples")).filter(p -> !p.getFileName().toString().startsWith("classifier"));
  }

  @ParameterizedTest
  @MethodSource("featureJobs")
  void exampleIsAValidFeatureJob(Path file) throws Exception {
    FeatureJob job = Serialization.unmarshal(Files.readString(file), FeatureJob.class);
    assertEquals("FeatureJob", job.getKind());
    SpecResolver.Result result = new SpecResolver(SpecResolver.BUILT_IN_RETRY, SparkAllowList.UNRESTRICTED,
        new OperatorOverrides(CapacityProfiles.named("karpenter"), true)).resolve(job.getSpec());
    assertTrue(result.valid(), file + ": " + result.errors());
    assertFalse(result.spec().featureView().isEmpty());
    assertEquals(List.of(), result.adjustments(), file + ": nothing the operator would override");
  }

  @Test
  void exampleClassifierRulesLoadAndWinOverTheBuiltIns() {
    List<ClassificationRule> rules = RuleLoader.load(Path.of("examples/classifier-rules.yaml"));
    assertEquals(2, rules.size());
    assertEquals("vault-lease-expired", Classifier.withExtraRules(rules)
        .classify(Evidence.fromMessage("Exception: vault: lease db/creds/x expired")).rule());
  }
}

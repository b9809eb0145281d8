package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.config.OperatorConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SparkAllowListTest {
  static final SparkAllowList LIST = new SparkAllowList(Set.of("featurejob-spark", "ml-spark"),
      List.of("apache/spark", "registry.example.com/ml/", "registry.example.com:5000/team"));

  @ParameterizedTest(name = "{0} allowed={1}")
  @CsvSource({
      "apache/spark,                                  true",
      "apache/spark:3.5.3,                            true",
      "apache/spark@sha256:0123abcd,                  true",
      "apache/spark:3.5.3@sha256:0123abcd,            true",
      "apache/spark-evil:3.5.3,                       false",
      "apache/sparkle,                                false",
      "apache/spark/sub:1,                            false",
      "docker.io/apache/spark:3.5.3,                  false",  // literal: no registry normalization
      "evil.example.com/apache/spark:3.5.3,           false",
      "registry.example.com/ml/embeddings:2.4.1,      true",
      "registry.example.com/ml/deep/er:1,             true",
      "registry.example.com/mlx/embeddings:1,         false",
      "registry.example.com/ads/x:1,                  false",
      "registry.example.com.evil.io/ml/x:1,           false",
      "registry.example.com:5000/team:7,              true",
      "registry.example.com:5000/team:7/../x,         false",
      "registry.example.com:5000/teamx:7,             false",
      "'',                                            false",
  })
  void imagesMatchARepositoryOrAPrefixEndingInSlash(String image, boolean allowed) {
    assertEquals(allowed, LIST.imageAllowed(image));
  }

  @Test
  void aHostEntryDoesNotAllowAnotherPortOfThatHost() {
    SparkAllowList host = new SparkAllowList(Set.of("*"), List.of("registry.example.com"));
    assertEquals(true, host.imageAllowed("registry.example.com:1"));
    assertEquals(false, host.imageAllowed("registry.example.com:5000/evil:1"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "allowed                  | featurejob-spark | apache/spark:3.5.3 | ''",
      "foreign ServiceAccount   | admin-sa         | apache/spark:3.5.3 | spark.serviceAccountName: ServiceAccount 'admin-sa' is not allowed (operator option sparkServiceAccounts: featurejob-spark,ml-spark)",
      "foreign image            | ml-spark         | evil/miner:1       | spark.image: image 'evil/miner:1' is not allowed (operator option sparkImages: apache/spark,registry.example.com/ml/,registry.example.com:5000/team)",
  })
  void problemsNameTheFieldTheValueAndTheOption(String row, String serviceAccount, String image, String expected) {
    assertEquals(expected.isEmpty() ? List.of() : List.of(expected), LIST.check(image, serviceAccount, Map.of()));
  }

  @Test
  void sparkConfCannotStartExecutorsWithAnotherImageOrIdentity() {
    Map<String, String> conf = Map.of(
        SparkAllowList.EXECUTOR_IMAGE_CONF, "evil/miner:1",
        SparkAllowList.EXECUTOR_SERVICE_ACCOUNT_CONF, "admin-sa",
        "spark.sql.shuffle.partitions", "200");
    assertEquals(List.of(
        "spark.sparkConf[spark.kubernetes.authenticate.executor.serviceAccountName]: ServiceAccount 'admin-sa' is not"
            + " allowed (operator option sparkServiceAccounts: featurejob-spark,ml-spark)",
        "spark.sparkConf[spark.kubernetes.executor.container.image]: image 'evil/miner:1' is not allowed (operator"
            + " option sparkImages: apache/spark,registry.example.com/ml/,registry.example.com:5000/team)"),
        LIST.check("apache/spark:3.5.3", "featurejob-spark", conf));
    assertEquals(List.of(), LIST.check("apache/spark:3.5.3", "featurejob-spark",
        Map.of(SparkAllowList.EXECUTOR_IMAGE_CONF, "registry.example.com/ml/exec:1")));
  }

  @Test
  void specResolverReportsEveryProblemAndResolvesNothing() {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.spark.serviceAccountName = "admin-sa";
    spec.spark.image = "evil/miner:1";
    SpecResolver.Result result = new SpecResolver(SpecResolver.BUILT_IN_RETRY, LIST).resolve(spec);
    assertEquals(null, result.spec());
    assertEquals(LIST.check("evil/miner:1", "admin-sa", Map.of()), result.errors());
    assertEquals(2, result.errors().size());
    // Left out, the ServiceAccount is the chart's featurejob-spark.
    spec.spark.serviceAccountName = null;
    spec.spark.image = "apache/spark:3.5.3";
    assertEquals(List.of(), new SpecResolver(SpecResolver.BUILT_IN_RETRY, LIST).resolve(spec).errors());
  }

  @Test
  void starAllowsAnything() {
    assertEquals(List.of(), SparkAllowList.UNRESTRICTED.check("anything/at:all", "any-sa",
        Map.of(SparkAllowList.EXECUTOR_SERVICE_ACCOUNT_CONF, "other")));
  }

  @Test
  void operatorDefaultsAllowTheChartsServiceAccountAndTheApacheSparkImageOnly() {
    SparkAllowList defaults = OperatorConfig.defaults().sparkAllowList();
    assertEquals(List.of(), defaults.check("apache/spark:3.5.3", "featurejob-spark", Map.of()));
    assertEquals(2, defaults.check("registry.example.com/ml/embeddings:2.4.1", "default", Map.of()).size());
  }
}

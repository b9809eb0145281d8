package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.SparkSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pod options cannot give a FeatureJob author more than the operator's allow-list and a plain pod. */
class PodOptionsCheckTest {
  private static final SparkAllowList LIST = new SparkAllowList(Set.of("featurejob-spark"), List.of("apache/spark", "envoyproxy/"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      allowed sidecar image          | driver: {sidecars: [{name: proxy, image: 'envoyproxy/envoy:v1.31'}]}                        |
      sidecar image not allowed      | driver: {sidecars: [{name: miner, image: 'evil/miner'}]}                                    | spark.driver.sidecars[miner]: image 'evil/miner' is not allowed (operator option sparkImages: apache/spark,envoyproxy/)
      init image not allowed         | executor: {initContainers: [{name: fetch, image: 'busybox'}]}                                | spark.executor.initContainers[fetch]: image 'busybox' is not allowed (operator option sparkImages: apache/spark,envoyproxy/)
      hostPath volume                | volumes: [{name: host, hostPath: {path: /}}]                                                 | spark.volumes[host]: hostPath volumes are not allowed
      privileged sidecar             | executor: {sidecars: [{name: p, image: 'apache/spark', securityContext: {privileged: true}}]} | spark.executor.sidecars[p].securityContext.privileged: not allowed
      escalation on the Spark container | driver: {securityContext: {allowPrivilegeEscalation: true}}                               | spark.driver.securityContext.allowPrivilegeEscalation: not allowed
      added capabilities             | driver: {securityContext: {capabilities: {add: [NET_ADMIN]}}}                                | spark.driver.securityContext.capabilities.add: not allowed
      emptyDir, ConfigMap, Secret    | volumes: [{name: a, emptyDir: {}}, {name: b, configMap: {name: c}}, {name: d, secret: {secretName: s}}] |
      """)
  void checks(String name, String sparkYaml, String expected) {
    SparkSpec spark = Serialization.unmarshal("image: apache/spark:3.5.3\nmainApplicationFile: local:///a.py\n" + sparkYaml,
        SparkSpec.class);
    assertEquals(expected == null ? List.of() : List.of(expected), PodOptionsCheck.problems(spark, LIST));
  }
}

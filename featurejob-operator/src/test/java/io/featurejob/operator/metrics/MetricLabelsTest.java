package io.featurejob.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricLabelsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "team, team",
      "owner, owner",
      "costCenter, cost_center",
      "app.kubernetes.io/part-of, app_kubernetes_io_part_of",
      "example.com/Team-Name, example_com_team_name",
      "9lives, label_9lives",
  })
  void sanitizesToSnakeCase(String key, String expected) {
    assertEquals(expected, MetricLabels.sanitize(key));
  }

  @Test
  void collisionsAreRejected() {
    Set<String> reserved = Set.of("namespace", "featurejob");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MetricLabels.ownerLabels(List.of("team", "Team"), reserved));
    assertTrue(e.getMessage().contains("'Team'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MetricLabels.ownerLabels(List.of("namespace"), reserved));
    assertTrue(e.getMessage().contains("namespace"), e.getMessage());
    assertEquals(List.of(new MetricLabels.OwnerLabel("a.b/c", "a_b_c")),
        MetricLabels.ownerLabels(List.of("a.b/c"), reserved));
  }
}

package io.featurejob.operator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PodNamesTest {
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

  @ParameterizedTest
  @CsvSource({
      "trip-features, 20261123-2300, 1, trip-features-20261123-2300-1",
      "trip-features, once, 2, trip-features-once-2",
      "a, 20261123-2300, 10, a-20261123-2300-10",
  })
  void shortNamesArePlain(String job, String runId, int attempt, String expected) {
    assertEquals(expected, PodNames.driverPod(job, runId, attempt));
  }

  @Test
  void nameOfExactlySixtyThreeCharactersIsKept() {
    String job = "j".repeat(63 - "-20261123-2300-1".length());
    String name = PodNames.driverPod(job, "20261123-2300", 1);
    assertEquals(63, name.length());
    assertEquals(job + "-20261123-2300-1", name);
  }

  @ParameterizedTest
  @ValueSource(ints = {48, 63, 64, 100, 253})
  void longJobNamesAreShortenedWithHashAndKeepRunAndAttempt(int length) {
    String job = "feature-" + "x".repeat(length - 8);
    String name = PodNames.driverPod(job, "20261123-2300", 3);
    assertTrue(name.length() <= 63, name);
    assertTrue(DNS_LABEL.matcher(name).matches(), name);
    assertTrue(name.endsWith("-20261123-2300-3"), name);
    assertTrue(name.startsWith("feature-x"), name);
    assertTrue(name.contains(PodNames.hash(job + "-20261123-2300-3")), name);
    assertEquals(name, PodNames.driverPod(job, "20261123-2300", 3), "deterministic");
  }

  @Test
  void longNamesSharingAPrefixStayDistinct() {
    String common = "f".repeat(70);
    String a = PodNames.driverPod(common + "-a", "once", 1);
    String b = PodNames.driverPod(common + "-b", "once", 1);
    assertNotEquals(a, b);
    assertNotEquals(PodNames.driverPod(common, "once", 1), PodNames.driverPod(common, "once", 2));
  }

  @ParameterizedTest
  @CsvSource({"Trip.Features", "trip_features", "-trip-features"})
  void namesThatAreNotDnsLabelsAreCleanedAndHashed(String job) {
    String name = PodNames.driverPod(job, "once", 1);
    assertTrue(DNS_LABEL.matcher(name).matches(), name);
    assertTrue(name.endsWith("-once-1"), name);
    assertTrue(name.contains(PodNames.hash(job + "-once-1")), name);
  }

  @Test
  void cleanedNamesDoNotCollideWithTheirLookalike() {
    assertNotEquals(PodNames.driverPod("trip.features", "once", 1), PodNames.driverPod("trip-features", "once", 1));
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 20, 30, 40, 63, 253})
  void executorPrefixMeetsSparkLimit(int length) {
    String job = "j".repeat(length);
    String prefix = PodNames.executorPodNamePrefix(job, "20261123-2300", 12);
    assertTrue(prefix.length() <= PodNames.EXECUTOR_PREFIX_MAX, prefix);
    assertTrue(DNS_LABEL.matcher(prefix).matches(), prefix);
    // Spark's longest executor pod name must still be a DNS label.
    assertTrue((prefix + "-exec-" + Integer.MAX_VALUE).length() <= 63);
    assertTrue(prefix.endsWith("-20261123-2300-12"), prefix);
  }

  @Test
  void executorPrefixIsTheDriverNameWhenShort() {
    assertEquals("trip-features-20261123-2300-1", PodNames.executorPodNamePrefix("trip-features", "20261123-2300", 1));
    assertNotEquals(PodNames.executorPodNamePrefix("trip-features", "20261123-2300", 1),
        PodNames.executorPodNamePrefix("trip-features", "20261123-2300", 2), "unique per attempt");
  }

  @Test
  void templateConfigMapName() {
    assertEquals("trip-features-executor-template", PodNames.executorTemplateConfigMap("trip-features"));
    String longName = PodNames.executorTemplateConfigMap("y".repeat(253));
    assertTrue(longName.length() <= 253, longName);
    assertTrue(longName.endsWith("-executor-template"));
    assertTrue(DNS_SUBDOMAIN.matcher(longName).matches());
  }

  @ParameterizedTest
  @CsvSource({"trip-features, trip-features", "trip.features, trip.features"})
  void jobLabelValueIsTheNameWhenItFits(String job, String expected) {
    assertEquals(expected, PodNames.jobLabelValue(job));
  }

  @ParameterizedTest
  @ValueSource(ints = {63, 64, 100, 253})
  void jobLabelValueFitsALabel(int length) {
    String job = "z".repeat(length - 1) + "a";
    String value = PodNames.jobLabelValue(job);
    assertTrue(value.length() <= 63, value);
    assertTrue(LABEL_VALUE.matcher(value).matches(), value);
    if (length > 63) {
      assertTrue(value.endsWith("-" + PodNames.hash(job)), value);
    } else {
      assertEquals(job, value);
    }
  }

  @Test
  void emptyJobNameIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> PodNames.driverPod("", "once", 1));
    assertThrows(IllegalArgumentException.class, () -> PodNames.jobLabelValue(null));
  }
}

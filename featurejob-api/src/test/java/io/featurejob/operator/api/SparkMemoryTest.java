package io.featurejob.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SparkMemoryTest {

  /** SparkConf.getSizeAsMb: "If no suffix is provided then Mebibytes are assumed" (spark.executor.memory=4096 is 4 GiB). */
  @ParameterizedTest(name = "{0} = {1} MiB")
  @CsvSource({
      "4096, 4096",
      "512m, 512",
      "512M, 512",
      "4g, 4096",
      "1t, 1048576",
      "2048k, 2",
      "1k, 1", // Spark would floor this to 0; the operator keeps 1 MiB so no size is ever 0
      "1099511627776, 1099511627776",
      "1073741824g, 1099511627776",
      "1048576t, 1099511627776",
      "999999999999999k, 976562499999",
  })
  void readsSizesAsSparkDoes(String text, long mebibytes) {
    assertEquals(mebibytes, SparkMemory.toMebibytes(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1099511627777", "1073741825g", "1048577t", "999999999999999t", "999999999999999g"})
  void rejectsSizesAboveOneExbibyteInsteadOfWrappingNegative(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkMemory.toMebibytes(text));
    assertTrue(e.getMessage().contains("larger than the maximum memory size 1073741824g"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2 GB", "2gb", "-1g", "1.5g", "9999999999999999"})
  void rejectsWhatIsNotASize(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkMemory.toMebibytes(text));
    assertTrue(e.getMessage().contains("is not a Spark memory size"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"4096, 4g", "3072, 3g", "1536, 1536m"})
  void printsTheShortestExactForm(long mebibytes, String text) {
    assertEquals(text, SparkMemory.fromMebibytes(mebibytes));
  }
}

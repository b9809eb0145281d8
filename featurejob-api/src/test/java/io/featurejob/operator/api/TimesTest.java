package io.featurejob.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written fast path reads and writes exactly what java.time does. */
class TimesTest {

  @Test
  void formatAndParseAgreeWithJavaTime() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 8_000_000_000L), random.nextInt(1_000_000_000));
      String text = Times.format(t);
      assertEquals(t.truncatedTo(ChronoUnit.SECONDS).toString(), text);
      assertEquals(Instant.parse(text), Times.parse(text));
    }
  }

  @Test
  void ceilToSecondIsTheNextInstantFormatWritesExactly() {
    assertEquals(Instant.parse("2026-01-05T10:20:01Z"), Times.ceilToSecond(Instant.parse("2026-01-05T10:20:00.001Z")));
    assertEquals(Instant.parse("2026-01-05T10:20:01Z"), Times.ceilToSecond(Instant.parse("2026-01-05T10:20:00.999999999Z")));
    assertEquals(Instant.parse("2026-01-05T10:20:00Z"), Times.ceilToSecond(Instant.parse("2026-01-05T10:20:00Z")));
    assertEquals(Instant.parse("1969-12-31T23:59:59Z"), Times.ceilToSecond(Instant.parse("1969-12-31T23:59:58.5Z")));
    Instant t = Times.ceilToSecond(Instant.parse("2026-01-05T10:20:00.250Z"));
    assertEquals(t, Times.parse(Times.format(t)));
  }

  @Test
  void edgesAndOtherShapesAsJavaTime() {
    for (String text : new String[] {"2024-02-29T23:59:59Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
        "2026-01-05T10:20:00.250Z", "2026-01-05T10:20:00+02:00", "0999-01-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-06-30T23:59:60Z"}) {
      assertEquals(Instant.parse(text), Times.parse(text), text);
    }
    assertEquals("+10000-01-01T00:00:00Z", Times.format(Instant.parse("+10000-01-01T00:00:00Z")));
    assertNull(Times.parse(""));
    assertNull(Times.parse(null));
    assertNull(Times.format(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T00:60:00Z",
      "2026-01-0xT00:00:00Z", "not a time"})
  void badTextFailsAsJavaTimeFails(String text) {
    Class<? extends Exception> expected = assertThrows(DateTimeException.class, () -> Instant.parse(text)).getClass();
    assertEquals(expected, assertThrows(DateTimeException.class, () -> Times.parse(text)).getClass());
  }
}

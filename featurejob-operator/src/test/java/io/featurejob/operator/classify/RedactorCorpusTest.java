package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.classify.RedactionCorpus.Entry;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every entry of redaction-corpus.txt: secrets go, look-alikes stay as they are. */
class RedactorCorpusTest {

  static List<Entry> secrets() {
    return RedactionCorpus.entries().stream().filter(Entry::secret).toList();
  }

  static List<Entry> lookAlikes() {
    return RedactionCorpus.entries().stream().filter(e -> !e.secret()).toList();
  }

  @Test
  void theCorpusHasAtLeastSixtyOfEach() {
    assertTrue(secrets().size() >= 60, "secret shapes: " + secrets().size());
    assertTrue(lookAlikes().size() >= 60, "look-alikes: " + lookAlikes().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("secrets")
  void secretShapesDoNotSurvive(Entry entry) {
    String redacted = Redactor.redact(entry.text());
    for (String probe : entry.leakProbes()) {
      assertFalse(redacted.contains(probe), "'" + probe + "' of a secret survived in: " + redacted);
    }
    assertTrue(redacted.contains(Redactor.REDACTED), redacted);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lookAlikes")
  void lookAlikesSurviveUnchanged(Entry entry) {
    assertEquals(entry.text(), Redactor.redact(entry.text()));
  }

  @Test
  void theWholeCorpusAsOneLogTailLeaksNothing() {
    // A termination message is many such lines at once; one entry must not shield the next.
    String tail = RedactionCorpus.entries().stream().map(Entry::text).collect(Collectors.joining("\n"));
    String scrubbed = Redactor.scrub(tail);
    for (Entry e : secrets()) {
      for (String probe : e.leakProbes()) {
        assertFalse(scrubbed.contains(probe), e + ": '" + probe + "' survived");
      }
    }
    for (Entry e : lookAlikes()) {
      if (!e.text().contains("\n")) {
        assertTrue(scrubbed.contains(e.text()), e + " was changed");
      }
    }
  }
}

package io.featurejob.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The configuration table in the docs is generated from {@link OperatorConfig#ALL}; this fails when
 * a doc's copy drifts. Fix by pasting the expected table from the failure message between the markers.
 */
class ConfigDocsTest {
  static final String BEGIN = "<!-- BEGIN GENERATED: OperatorConfig.markdownTable() -->";
  static final String END = "<!-- END GENERATED: OperatorConfig.markdownTable() -->";

  @Test
  void docsEmbedTheCurrentTable() throws IOException {
    List<Path> checked = new ArrayList<>();
    for (Path doc : List.of(Path.of("README.md"), Path.of("docs", "configuration.md"))) {
      if (!Files.exists(doc)) {
        continue;
      }
      String text = Files.readString(doc);
      int begin = text.indexOf(BEGIN);
      int end = text.indexOf(END);
      if (begin < 0 || end < begin) {
        continue;
      }
      String embedded = text.substring(begin + BEGIN.length(), end).strip() + "\n";
      assertEquals(OperatorConfig.markdownTable(), embedded,
          doc + " is out of date: replace the table between the markers with the expected text");
      checked.add(doc);
    }
    assertFalse(checked.isEmpty(), "no doc embeds the configuration table between " + BEGIN + " and " + END);
  }
}

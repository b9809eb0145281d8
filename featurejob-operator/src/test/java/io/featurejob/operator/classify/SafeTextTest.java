package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SafeTextTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      # case                   | input (Java escapes)          | oneLine                         | keepLines
      ANSI colour              | \\u001b[31mred\\u001b[0m        | \\u001b[31mred\\u001b[0m          | \\u001b[31mred\\u001b[0m
      forged log line          | ok\\n12:00:00 INFO fake         | ok\\n12:00:00 INFO fake           | `ok\n12:00:00 INFO fake`
      carriage return          | 100%\\rdone                     | 100%\\rdone                       | 100%\\rdone
      tab                      | a\\tb                           | a\\tb                             | `a\tb`
      bell and backspace       | a\\u0007\\u0008b                 | a\\u0007\\u0008b                   | a\\u0007\\u0008b
      DEL and C1 CSI           | a\\u007f\\u009bb                 | a\\u007f\\u009bb                   | a\\u007f\\u009bb
      bidi override            | abc\\u202edcb                   | abc\\u202edcb                     | abc\\u202edcb
      line separator           | a\\u2028b                       | a\\u2028b                         | a\\u2028b
      plain text and unicode   | Grüße, 東京 → ok                | Grüße, 東京 → ok                  | Grüße, 東京 → ok
      """)
  void escapesControlCharacters(String name, String input, String oneLine, String keepLines) {
    String raw = javaUnescape(input);
    assertEquals(oneLine, SafeText.oneLine(raw));
    assertEquals(keepLines, SafeText.keepLines(raw));
  }

  @Test
  void textWithoutControlCharactersIsReturnedAsItIs() {
    String text = "ExecutorLostFailure (executor 2 exited)";
    assertSame(text, SafeText.oneLine(text));
    assertNull(SafeText.oneLine(null));
  }

  @Test
  void eventMessagesAreScrubbedAndOnOneLine() {
    assertEquals("failed: password=[REDACTED]\\n\\u001b[2J", SafeText.forEvent("failed: password=hunter2\n\u001b[2J"));
  }

  @Test
  void statusMessagesKeepLinesButNotEscapes() {
    assertEquals("Traceback:\n\tline 1\\u001b[0m", Redactor.redact("Traceback:\n\tline 1\u001b[0m"));
  }

  /** \n, \t and \\uXXXX as in Java source, so the table can show both forms. */
  static String javaUnescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(i + 1);
        if (n == 'u') {
          out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
          i += 5;
          continue;
        }
        out.append(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
        i++;
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }
}

package io.featurejob.operator.classify;

/**
 * Makes text from pods safe to show a human: control characters become visible escapes, so a driver
 * that prints {@code \u001b[2J} or a forged {@code \n12:00:00 INFO ...} cannot clear a terminal, colour
 * it, or add a fake line to the operator's log or to {@code kubectl get events}.
 *
 * <p>Escaped: C0 and C1 control characters and DEL ({@code \u001b} for ESC; {@code \n}, {@code \r},
 * {@code \t} for those three), the Unicode line and paragraph separators, and the bidirectional
 * overrides that reorder what a terminal shows. Where the text goes decides about line breaks:
 * <ul>
 *   <li>{@link #oneLine}: events and log lines. Everything above, newlines too: one entry, one line.</li>
 *   <li>{@link #keepLines}: status messages ({@link Redactor#redact}). Newline and tab stay, so a Spark
 *       error's log tail reads as lines in {@code kubectl get -o yaml}; the rest is escaped.</li>
 * </ul>
 */
public final class SafeText {
  private SafeText() {}

  /** Every control character escaped, newlines included. Null stays null. */
  public static String oneLine(String text) {
    return escape(text, false);
  }

  /** Control characters escaped except newline and tab. Null stays null. */
  public static String keepLines(String text) {
    return escape(text, true);
  }

  /** An event message: secrets scrubbed ({@link Redactor#scrub}), then on one line. */
  public static String forEvent(String message) {
    return oneLine(Redactor.scrub(message));
  }

  private static String escape(String text, boolean keepLines) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean kept = !needsEscape(c) || keepLines && (c == '\n' || c == '\t');
      if (kept) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? text : out.toString();
  }

  private static boolean needsEscape(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || (c >= '\u202a' && c <= '\u202e') // bidi embeddings and overrides
        || (c >= '\u2066' && c <= '\u2069'); // bidi isolates
  }
}

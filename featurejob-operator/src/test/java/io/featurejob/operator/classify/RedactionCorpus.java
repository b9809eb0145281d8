package io.featurejob.operator.classify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of {@code redaction-corpus.txt}: secret shapes that must not survive redaction and
 * look-alikes that must survive unchanged. Used by the unit test and the end-to-end leak test.
 */
public final class RedactionCorpus {
  private RedactionCorpus() {}

  public static final String RESOURCE = "redaction-corpus.txt";

  /**
   * One entry.
   *
   * @param secret true for a secret shape, false for a look-alike to keep
   * @param what what the entry is
   * @param text the text as a job would print it (markers removed)
   * @param secrets the secret parts of {@code text}; empty for a look-alike
   */
  public record Entry(boolean secret, String what, String text, List<String> secrets) {
    @Override
    public String toString() {
      return (secret ? "secret: " : "keep: ") + what;
    }

    /**
     * The pieces of the secrets that must not appear anywhere: each secret whole, and every 8
     * characters of a secret of 12 or more, so a leak of part of a key counts too.
     */
    public List<String> leakProbes() {
      List<String> probes = new ArrayList<>();
      for (String s : secrets) {
        if (s.length() < 12) {
          probes.add(s);
        } else {
          for (int i = 0; i + 8 <= s.length(); i++) {
            probes.add(s.substring(i, i + 8));
          }
        }
      }
      return probes;
    }
  }

  public static List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\|", 3);
      if (parts.length != 3) {
        throw new IllegalStateException(RESOURCE + ": not 'kind | what | text': " + line);
      }
      String kind = parts[0].strip();
      String text = unescape(parts[2].strip());
      boolean secret = switch (kind) {
        case "secret" -> true;
        case "keep" -> false;
        default -> throw new IllegalStateException(RESOURCE + ": unknown kind '" + kind + "'");
      };
      List<String> secrets = new ArrayList<>();
      StringBuilder plain = new StringBuilder();
      int i = 0;
      while (i < text.length()) {
        int open = text.indexOf('«', i);
        if (open < 0) {
          plain.append(text, i, text.length());
          break;
        }
        int close = text.indexOf('»', open);
        plain.append(text, i, open).append(text, open + 1, close);
        secrets.add(text.substring(open + 1, close));
        i = close + 1;
      }
      if (secret == secrets.isEmpty()) {
        throw new IllegalStateException(RESOURCE + ": a secret entry needs «marked» parts, a keep entry none: " + line);
      }
      entries.add(new Entry(secret, parts[1].strip(), plain.toString(), List.copyOf(secrets)));
    }
    return entries;
  }

  private static List<String> lines() {
    try (InputStream in = RedactionCorpus.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(switch (next) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> next;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}

package io.featurejob.operator.classify;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from free text before it reaches status, events, logs or metrics, and bounds its
 * size. Termination messages are the last lines of a driver's log, so they can carry connection
 * strings, tokens and keys that a job printed; none of that may leave the pod.
 *
 * <p>{@link #redact} is what callers want: {@link #scrub} followed by {@link #truncate} to
 * {@link #MAX_BYTES}. Scrubbing always runs on the whole text before truncating, so a cut can never
 * split a secret into a part the patterns no longer recognise.
 */
public final class Redactor {
  private Redactor() {}

  /** Status messages are at most 1 KiB of UTF-8 (DESIGN §2, lastFailure.message). */
  public static final int MAX_BYTES = 1024;

  public static final String REDACTED = "[REDACTED]";
  public static final String TRUNCATED_MARKER = "...[truncated]";

  /** A pattern and what replaces each match (a template that may refer to groups as $1). */
  private record Replacement(Pattern pattern, Function<MatchResult, String> template) {
    Replacement(Pattern pattern, String template) {
      this(pattern, match -> template);
    }
  }

  // Order matters: whole blocks and header forms first, so the generic key=value rule does not eat
  // half of them and leave the rest behind.
  private static final List<Replacement> REPLACEMENTS = List.of(
      // PEM private keys; an unterminated block (cut off log) is redacted to the end of the text.
      new Replacement(
          Pattern.compile("-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\\s\\S]*?(?:-----END \\1PRIVATE KEY-----|\\z)"),
          "-----BEGIN $1PRIVATE KEY-----" + REDACTED + "-----END $1PRIVATE KEY-----"),
      // Authorization headers of any scheme: Bearer, Basic, AWS4-HMAC-SHA256 ...
      new Replacement(
          Pattern.compile(
              "(?i)(\\bAuthorization[\"']?\\s*[:=]\\s*[\"']?)"
                  + "((?:Bearer|Basic|Digest|Token|Negotiate|AWS4-HMAC-SHA256)\\s+)?[^\\s\"',;]+"),
          "$1$2" + REDACTED),
      // A bearer token anywhere else (curl -v output, exception text).
      new Replacement(Pattern.compile("(?i)(\\bBearer\\s+)[A-Za-z0-9._~+/=-]{8,}"), "$1" + REDACTED),
      // user:password@host in URLs, including jdbc:postgresql://, s3a://, mongodb+srv:// ...
      new Replacement(
          Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:)[^@\\s/]+(@)"), "$1" + REDACTED + "$2"),
      // Oracle thin JDBC: jdbc:oracle:thin:user/password@host
      new Replacement(
          Pattern.compile("(?i)(\\bjdbc:oracle:[a-z]+:[^/\\s@:]+/)[^@\\s]+(@)"), "$1" + REDACTED + "$2"),
      // key=value and key: value where the key names a secret (password=, spark.hadoop.fs.s3a.secret.key=,
      // "apiKey": "...", client_secret=, token=). The value stops at whitespace, quotes, & ; or ,.
      new Replacement(
          Pattern.compile(
              "(?i)([\\w.-]*(?:passw(?:or)?d|\\bpwd|secret|token|api[_-]?key|credentials?)[\\w.-]*[\"']?\\s*[=:]\\s*)"
                  + "(\"[^\"]*\"|'[^']*'|[^\\s&;,\"']+)"),
          match -> "$1" + keepQuotes(match.group(2))),
      // JSON web tokens (Kubernetes service account tokens among them).
      new Replacement(
          Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*"), REDACTED),
      // AWS access key ids: long-term (AKIA) and temporary (ASIA) and the other documented prefixes.
      new Replacement(
          Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b"), REDACTED),
      // AWS secret access keys: 40 base64 characters with upper, lower case and digits. Requiring the
      // mix keeps git SHAs and other lowercase hex out.
      new Replacement(
          Pattern.compile(
              "(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]{0,39}[0-9])(?=[A-Za-z0-9/+=]{0,39}[a-z])"
                  + "(?=[A-Za-z0-9/+=]{0,39}[A-Z])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"),
          REDACTED));

  /** Scrubs secrets and truncates to {@link #MAX_BYTES}. Null stays null. */
  public static String redact(String text) {
    return truncate(scrub(text), MAX_BYTES);
  }

  /** Replaces every secret the patterns recognise with {@link #REDACTED}; leaves the rest as it is. */
  public static String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (Replacement r : REPLACEMENTS) {
      Matcher m = r.pattern().matcher(result);
      result = m.replaceAll(r.template());
    }
    return result;
  }

  /** "[REDACTED]" for a bare value, "\"[REDACTED]\"" for a quoted one, so JSON stays JSON. */
  private static String keepQuotes(String value) {
    char first = value.charAt(0);
    if ((first == '"' || first == '\'') && value.length() >= 2) {
      return first + REDACTED + first;
    }
    return REDACTED;
  }

  /**
   * Cuts {@code text} so that its UTF-8 encoding, marker included, is at most {@code maxBytes}; never
   * splits a character. Text that fits is returned unchanged.
   */
  public static String truncate(String text, int maxBytes) {
    if (text == null) {
      return null;
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= maxBytes) {
      return text;
    }
    int budget = maxBytes - TRUNCATED_MARKER.getBytes(StandardCharsets.UTF_8).length;
    int bytes = 0;
    int end = 0;
    while (end < text.length()) {
      int cp = text.codePointAt(end);
      int len = utf8Length(cp);
      if (bytes + len > budget) {
        break;
      }
      bytes += len;
      end += Character.charCount(cp);
    }
    return text.substring(0, end) + TRUNCATED_MARKER;
  }

  private static int utf8Length(int codePoint) {
    if (codePoint < 0x80) {
      return 1;
    } else if (codePoint < 0x800) {
      return 2;
    } else if (codePoint < 0x10000) {
      return 3;
    }
    return 4;
  }
}

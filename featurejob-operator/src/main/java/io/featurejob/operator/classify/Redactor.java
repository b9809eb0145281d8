package io.featurejob.operator.classify;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes secrets from free text before it reaches status, events, logs or metrics, and bounds its
 * size. Termination messages are the last lines of a driver's log, so they can carry connection
 * strings, tokens and keys that a job printed; none of that may leave the pod.
 *
 * <p>{@link #redact} is what callers want: {@link #scrub}, control characters escaped, then
 * {@link #truncate} to {@link #MAX_BYTES}. Scrubbing always runs on the whole (bounded) text before truncating, so a cut
 * can never split a secret into a part the patterns no longer recognise.
 *
 * <p>Every pattern is RE2 (linear time in the text), and the text is first {@link #bound bounded} to
 * {@value #MAX_INPUT_CHARS} characters, so scrubbing a crafted message costs milliseconds, not minutes.
 * The shapes recognised, and the look-alikes deliberately kept, are listed with examples in the test
 * resource {@code redaction-corpus.txt}.
 */
public final class Redactor {
  private Redactor() {}

  /** Status messages are at most 1 KiB of UTF-8 (docs/design.md §2, lastFailure.message). */
  public static final int MAX_BYTES = 1024;

  /**
   * The most text classified or redacted at once: 16 KiB of characters, four times what the kubelet
   * keeps of a termination message. Longer text is cut to its end (see {@link #bound}).
   */
  public static final int MAX_INPUT_CHARS = 16 * 1024;

  public static final String REDACTED = "[REDACTED]";
  public static final String TRUNCATED_MARKER = "...[truncated]";
  /** Put where {@link #bound} cut the start of a text off. */
  public static final String CUT_MARKER = "[earlier text cut]\n";

  /** What replaces one match: literal text, computed from the match and the text it is in. */
  private interface Rewrite {
    String apply(Matcher match, String text);
  }

  /** A pattern and what replaces each of its matches. */
  private record Replacement(Pattern pattern, Rewrite rewrite) {
    static Replacement of(String regex, Rewrite rewrite) {
      return new Replacement(Pattern.compile(regex), rewrite);
    }

    /** Keeps the given groups, in order, around one {@link #REDACTED}. */
    static Replacement keeping(String regex, int before, int after) {
      return of(regex, (m, text) -> group(m, before) + REDACTED + group(m, after));
    }
  }

  // Key names whose value is a secret: anywhere in the key (DB_PASSWORD, spark...secret.key, X-Auth-Token).
  private static final String SECRET_KEY_WORDS =
      "passw(?:or)?d|pwd|passphrase|secret|token|api[_.-]?key|credentials?|private[_.-]?key"
          + "|access[_.-]?key|account[_.-]?key|auth[_.-]?key|session[_.-]?key|encryption[_.-]?key";
  private static final Pattern SECRET_KEY_WORD =
      Pattern.compile("(?i)(?:" + SECRET_KEY_WORDS + "|signature|\\bsig)s?");

  // Keys that name a secret but hold a reference to it, or a setting about it, and source files
  // (TokenCache.java:42); their values are kept.
  private static final Pattern REFERENCE_KEY = Pattern.compile(
      "(?i)(?:(?:ref|refs|name|names|file|path|dir|url|uri|endpoint|provider|type|length|ttl|expiry|expires"
          + "|expiresin|timeout|enabled|mode|version|count|size|\\.java|\\.scala|\\.py|\\.kt)$"
          + "|keyref|secretref|secrets\\.)");

  // Values that are a type or a flag, not a secret (Spark's printSchema: "|-- password_hash: string").
  private static final Set<String> VALUE_WORDS = Set.of(
      "string", "int", "integer", "long", "bigint", "short", "boolean", "binary", "timestamp", "date",
      "double", "float", "decimal", "null", "none", "true", "false", "required", "optional");

  // Words that follow "password"/"token" in prose and are not the secret ("password authentication
  // failed", "token is invalid"), so "with password X" can be redacted without eating messages.
  private static final Set<String> PROSE_WORDS = Set.of(
      "a", "an", "and", "any", "at", "auth", "authentication", "based", "by", "can", "cannot", "could",
      "did", "does", "empty", "for", "from", "given", "has", "have", "in", "incorrect", "invalid", "is",
      "login", "manager", "mismatch", "missing", "must", "not", "null", "of", "on", "or", "policy",
      "prompt", "provided", "refresh", "required", "reset", "rotation", "should", "supplied", "that",
      "the", "to", "too", "was", "were", "will", "with", "without", "wrong");

  // Order matters: whole blocks and header forms first, so the generic key=value rule does not eat
  // half of them and leave the rest behind; the shape-only rules (entropy) last.
  private static final List<Replacement> REPLACEMENTS = List.of(
      // PEM private keys; an unterminated block (cut-off log) is redacted to the end of the text. The
      // body may be real lines or JSON's "\n" escapes (a GCP service-account key file).
      Replacement.of(
          "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\\z)",
          (m, text) -> "-----BEGIN " + m.group(1) + "PRIVATE KEY-----" + REDACTED + "-----END " + m.group(1)
              + "PRIVATE KEY-----"),
      // The end of a PEM block whose BEGIN line fell outside the log tail: the base64 lines before END.
      Replacement.of(
          "(?m)(?:^[A-Za-z0-9+/=]{4,}(?:\\\\n|\\r?\\n))+-----END ([A-Z0-9 ]*)PRIVATE KEY-----",
          (m, text) -> REDACTED + "-----END " + m.group(1) + "PRIVATE KEY-----"),
      // Authorization headers of any scheme: Bearer, Basic, AWS4-HMAC-SHA256 ... to the end of the line.
      Replacement.keeping(
          "(?i)(\\b(?:proxy-)?authorization[\"']?[ \\t]*[:=][ \\t]*[\"']?"
              + "(?:(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|AWS4-HMAC-SHA256|SharedKey)[ \\t]+)?)"
              + "[^\"'\\r\\n]+()",
          1, 2),
      // Cookies are sessions: the whole header value goes.
      Replacement.keeping("(?i)(\\b(?:set-)?cookie[ \\t]*:[ \\t]*)[^\\r\\n]+()", 1, 2),
      // A bearer or basic credential anywhere else (curl -v output, exception text); "Bearer
      // authentication" and "Basic statistics" are words.
      Replacement.of(
          "(?i)(\\b(?:Bearer|Basic)[ \\t]+)([A-Za-z0-9._~+/-]{8,}=*)",
          (m, text) -> switches(m.group(2)) > 0 ? m.group(1) + REDACTED : m.group()),
      // user:password@host in URLs (jdbc:postgresql://, s3a://, mongodb+srv://, https://x:ghp_..@github.com).
      // The password runs to the last @ of the authority, so one containing @ or : goes whole.
      Replacement.keeping("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]*:)[^\\s/]*(@)", 1, 2),
      // Oracle thin JDBC: jdbc:oracle:thin:user/password@host
      Replacement.keeping("(?i)(\\bjdbc:oracle:[a-z]+:[^/\\s@:]+/)\\S*(@)", 1, 2),
      // Incoming-webhook URLs are credentials in their path (Slack, Discord, Teams).
      Replacement.keeping(
          "(?i)(\\bhooks\\.slack\\.com/(?:services|workflows|triggers)/|\\bdiscord(?:app)?\\.com/api/webhooks/"
              + "|\\.webhook\\.office\\.com/webhookb2/)[A-Za-z0-9@/_-]+()",
          1, 2),
      // Tokens with a documented prefix: GitHub, GitLab, Slack, Databricks, Stripe-like, Google,
      // SendGrid, npm, PyPI, Hugging Face, OpenAI-like, HashiCorp Vault.
      Replacement.of(
          "\\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}|gl(?:pat|dt|rt|ptt|cbt|oas|ft)-[A-Za-z0-9_-]{20,}"
              + "|xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|dapi[0-9a-f]{32}(?:-[0-9]+)?"
              + "|[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}|sk-[A-Za-z0-9_-]{20,}|AIza[A-Za-z0-9_-]{35}"
              + "|ya29\\.[A-Za-z0-9_-]{20,}|SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}|npm_[A-Za-z0-9]{36}"
              + "|pypi-[A-Za-z0-9_-]{40,}|hf_[A-Za-z0-9]{30,}|GOOG[0-9A-Z]{20,}|GOCSPX-[A-Za-z0-9_-]{20,}"
              + "|hv[sbr]\\.[A-Za-z0-9_-]{20,})",
          (m, text) -> REDACTED),
      // JSON web tokens (Kubernetes service account tokens among them).
      Replacement.of("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*", (m, text) -> REDACTED),
      // AWS access key ids: long-term (AKIA), temporary (ASIA) and the other documented prefixes.
      Replacement.of(
          "\\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b", (m, text) -> REDACTED),
      // key=value, key: value, key -> value (Scala), key => value (Ruby, Perl) where the key names a
      // secret; JSON and YAML fields alike. Azure SAS's sig= and AWS's X-Amz-Signature= count too. The
      // value stops at whitespace, quotes, & ; or , (a braced ODBC value {...} goes whole); keys that
      // hold a reference (secretKeyRef, passwordFile, tokenUrl) keep their value.
      Replacement.of(
          "(?i)((?:[\\w.-]*(?:" + SECRET_KEY_WORDS + ")[\\w.-]*|[\\w.-]*signature|\\bsig)[\"']?[ \\t]*"
              + "(?:=>|->|[=:])[ \\t]*)(\"[^\"\\r\\n]*\"|'[^'\\r\\n]*'|\\{[^}\\r\\n]*\\}|[^\\s&;,\"'}]+)",
          (m, text) -> isSecretKey(m.group(1)) && isSecretValue(m.group(2))
              ? m.group(1) + keepQuotes(m.group(2)) : m.group()),
      // Command-line flags: --password hunter2, --token abc.
      Replacement.of(
          "(?i)(--?[\\w.-]*(?:passw(?:or)?d|passphrase|secret|token|api[_-]?key)[ \\t]+)([^\\s\"'-][^\\s\"']*)",
          (m, text) -> isSecretKey(m.group(1)) ? m.group(1) + REDACTED : m.group()),
      // Prose: "with password X", "the password is X", "using token X". The word after is kept when it
      // is an ordinary word of the sentence ("password authentication failed for user ...").
      Replacement.of(
          "(?i)(\\b(?:password|passwd|passphrase|pwd|token|api key)(?:[ \\t]+(?:is|was|of|set to))?[ \\t]+)"
              + "([\"']?)([A-Za-z0-9!#$%*+./?@^_~][^\\s\"',;]*)",
          (m, text) -> isProseWord(m.group(1), m.group(3)) ? m.group() : m.group(1) + m.group(2) + REDACTED),
      // Shape only: AWS secret access keys (40 base64 characters) and other long high-entropy tokens
      // (bare Azure account keys, session tokens, PEM body lines). Lowercase hex (git SHAs, UUIDs,
      // trace ids) and CamelCase identifiers are kept: see looksRandom.
      Replacement.of(
          "[A-Za-z0-9+/_-]{24,}={0,2}",
          (m, text) -> isSecretShaped(m.group(), charAt(text, m.start() - 1), charAt(text, m.end()))
              ? REDACTED : m.group()));

  /**
   * The text as a status message may show it: secrets scrubbed, control characters other than newline
   * and tab escaped ({@link SafeText#keepLines}), truncated to {@link #MAX_BYTES}. Null stays null.
   */
  public static String redact(String text) {
    return truncate(SafeText.keepLines(scrub(text)), MAX_BYTES);
  }

  /**
   * Replaces every secret the patterns recognise with {@link #REDACTED}; leaves the rest as it is.
   * Text longer than {@value #MAX_INPUT_CHARS} characters is {@link #bound bounded} first.
   */
  public static String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = bound(text);
    for (Replacement r : REPLACEMENTS) {
      result = replaceAll(r, result);
    }
    return result;
  }

  /**
   * The text to classify or redact: the text itself when it has at most {@value #MAX_INPUT_CHARS}
   * characters, else its last {@value #MAX_INPUT_CHARS} characters (a log's end says why it failed)
   * from the first whole line, after {@link #CUT_MARKER}. A partial first line is dropped, not
   * shown, so the cut never leaves half a secret behind its key; a text whose tail is one huge
   * line keeps that line's tail from its first whitespace.
   */
  public static String bound(String text) {
    if (text == null || text.length() <= MAX_INPUT_CHARS) {
      return text;
    }
    int from = text.length() - MAX_INPUT_CHARS;
    int newline = text.indexOf('\n', from);
    int start;
    if (newline >= 0) {
      start = newline + 1;
    } else {
      start = from;
      while (start < text.length() && !Character.isWhitespace(text.charAt(start))) {
        start++;
      }
    }
    return CUT_MARKER + text.substring(Math.min(start, text.length()));
  }

  private static String replaceAll(Replacement r, String text) {
    Matcher m = r.pattern().matcher(text);
    StringBuilder out = null;
    int copied = 0;
    while (m.find()) {
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, m.start()).append(r.rewrite().apply(m, text));
      copied = m.end();
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  private static String group(Matcher m, int group) {
    String value = m.group(group);
    return value == null ? "" : value;
  }

  /** The character at {@code index}, or a space outside the text. */
  private static char charAt(String text, int index) {
    return index < 0 || index >= text.length() ? ' ' : text.charAt(index);
  }

  /**
   * Whether a key (with its separator) holds a secret: it has a secret word that is not the start of a
   * longer word (tokenizer, secretary, passwordless), and it is not a reference to a secret
   * (secretKeyRef, passwordFile, token_url) or a source file (TokenCache.java:42).
   */
  private static boolean isSecretKey(String keyAndSeparator) {
    int end = keyAndSeparator.length();
    while (end > 0 && "\"' \t:=>-".indexOf(keyAndSeparator.charAt(end - 1)) >= 0) {
      end--;
    }
    String key = keyAndSeparator.substring(0, end);
    if (REFERENCE_KEY.matcher(key).find()) {
      return false;
    }
    Matcher word = SECRET_KEY_WORD.matcher(key);
    while (word.find()) {
      char next = charAt(key, word.end());
      if (!(next >= 'a' && next <= 'z')) {
        return true;
      }
    }
    return false;
  }

  private static boolean isProseWord(String keyword, String value) {
    String word = value.toLowerCase(Locale.ROOT);
    if (PROSE_WORDS.contains(word) || word.equals(REDACTED.toLowerCase(Locale.ROOT))) {
      return true;
    }
    // "password" is followed by its value in prose; "token" is a common word, so only a value that
    // looks generated counts.
    String lower = keyword.toLowerCase(Locale.ROOT);
    boolean tokenWord = lower.startsWith("token") || lower.startsWith("api key");
    return tokenWord && switches(value) == 0;
  }

  /**
   * A value worth redacting: not a type or flag word, and not what an earlier rule already redacted
   * (x-access-token:[REDACTED]@github.com keeps its host).
   */
  private static boolean isSecretValue(String value) {
    String unquoted = value.replace("\"", "").replace("'", "");
    return !VALUE_WORDS.contains(unquoted.toLowerCase(Locale.ROOT)) && !unquoted.startsWith(REDACTED);
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
   * A run of base64/token characters that is a secret rather than a name: upper case, lower case and
   * digits mixed the way random text mixes them. 40 characters is the AWS secret key's length, so
   * there the bar is lower. Part of a dotted name (a Java class, a host) is a name.
   */
  static boolean isSecretShaped(String run, char before, char after) {
    if (before == '.' || before == '$' || after == '$' || (after == '.' && run.length() != 40)) {
      return false;
    }
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (int i = 0; i < run.length(); i++) {
      char c = run.charAt(i);
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
    }
    if (!(upper && lower && digit)) {
      return false;
    }
    return run.length() == 40 ? looksRandom(run, 6, 6) : looksRandom(run, 8, 4);
  }

  /**
   * True when the text switches between lower case, upper case and digits at least {@code minSwitches}
   * times and at least once every {@code perChars} characters. Random base64 switches about every
   * other character; CamelCase names ({@code AmazonS3ClientBuilder}), and paths of words and dates
   * ({@code Raw/Trips/2026/11/30}), far less.
   */
  static boolean looksRandom(String text, int minSwitches, int perChars) {
    int switches = switches(text);
    return switches >= minSwitches && switches * perChars >= text.length();
  }

  /**
   * How often the text switches between lower case, upper case and digits. An upper-case letter after
   * a lower one switches; the reverse (a capitalised word) does not; separators do not count.
   */
  static int switches(String text) {
    int switches = 0;
    for (int i = 1; i < text.length(); i++) {
      int prev = kind(text.charAt(i - 1));
      int cur = kind(text.charAt(i));
      if (prev != cur && prev != OTHER && cur != OTHER && !(prev == UPPER && cur == LOWER)) {
        switches++;
      }
    }
    return switches;
  }

  private static final int LOWER = 0;
  private static final int UPPER = 1;
  private static final int DIGIT = 2;
  private static final int OTHER = 3;

  private static int kind(char c) {
    if (c >= 'a' && c <= 'z') {
      return LOWER;
    } else if (c >= 'A' && c <= 'Z') {
      return UPPER;
    } else if (c >= '0' && c <= '9') {
      return DIGIT;
    }
    return OTHER;
  }

  /**
   * Cuts {@code text} so that its UTF-8 encoding, marker included, is at most {@code maxBytes}; never
   * splits a character. Text that fits is returned unchanged.
   */
  public static String truncate(String text, int maxBytes) {
    return text == null ? null : EvidenceSummary.truncate(text, maxBytes, TRUNCATED_MARKER);
  }
}

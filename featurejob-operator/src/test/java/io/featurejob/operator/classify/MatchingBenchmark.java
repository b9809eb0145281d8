package io.featurejob.operator.classify;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.ClassificationRule.Component;
import io.featurejob.operator.classify.RedactionCorpus.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code make bench-matching}: how long classification and redaction take on issue 13's worst inputs,
 * before (java.util.regex with the patterns this project had, kept below) and after (RE2/J on bounded
 * text). Prints a markdown table of milliseconds (median of a few runs; "before" gives up after
 * {@value #GIVE_UP_MS} ms and shows {@code >N}), the load average before and after, and how many of
 * the corpus's secret shapes each redactor leaks. Numbers, not assertions: correctness is
 * MatchingWorstInputsTest's and RedactorCorpusTest's.
 */
public final class MatchingBenchmark {
  private MatchingBenchmark() {}

  static final long GIVE_UP_MS = 10_000;
  private static final int RUNS = 3;
  private static final int KIB = 1024;

  public static void main(String[] args) throws IOException {
    System.out.println("load average before: " + loadAverage());
    System.out.println("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
        + " processors; before gives up after " + GIVE_UP_MS + " ms; median of " + RUNS + " runs\n");

    String corpusTail = RedactionCorpus.entries().stream().map(Entry::text).collect(Collectors.joining("\n"));
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("'secret' x 2 KiB", repeat("secret", 2 * KIB));
    inputs.put("'secret' x 4 KiB", repeat("secret", 4 * KIB));
    inputs.put("'secret' x 1 MiB", repeat("secret", 1024 * KIB));
    inputs.put("'secret ' (spaced) x 1 MiB", repeat("secret ", 1024 * KIB));
    inputs.put("'password=' x 4 KiB", repeat("password=", 4 * KIB));
    inputs.put("executor-OOM near miss, one 4 KiB line", "Lost task " + repeat("executor 1 ", 4 * KIB));
    inputs.put("executor-OOM near miss, one 1 MiB line", "Lost task " + repeat("executor 1 ", 1024 * KIB));
    inputs.put("base64 run x 4 KiB", repeat("aB3/", 4 * KIB));
    inputs.put("redaction corpus as one tail (" + corpusTail.length() / KIB + " KiB)", corpusTail);

    // Warm up the new path (class loading, JIT), so the first row measures matching, not start-up.
    for (int i = 0; i < 5; i++) {
      Classifier.defaults().classify(Evidence.fromMessage(corpusTail));
    }
    System.out.println("| input | before: classify ms | before: redact ms | after: classify ms | after: redact ms |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Map.Entry<String, String> in : inputs.entrySet()) {
      String text = in.getValue();
      System.out.printf("| %s | %s | %s | %s | %s |%n", in.getKey(),
          time(() -> OldClassifier.classify(text)),
          time(() -> OldRedactor.redact(text)),
          time(() -> Classifier.defaults().classify(Evidence.fromMessage(text))),
          time(() -> Redactor.redact(text)));
    }

    // The user rule from the issue, on text where it cannot match (so a backtracking engine tries every split).
    String userRule = "(.*a){25}";
    Classifier withRule = Classifier.withExtraRules(List.of(new ClassificationRule("many-as",
        FailureClass.UserCodeError, Component.Any, null, null, null, null, null, List.of(userRule), null)));
    Pattern oldRule = Pattern.compile(userRule, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.MULTILINE);
    System.out.println();
    System.out.println("| user rule " + userRule + " on | before: find ms | after: classify ms |");
    System.out.println("|---|---:|---:|");
    for (int n : new int[] {20, 24, 4 * KIB}) {
      String text = "a".repeat(Math.min(n, 24)) + "b".repeat(Math.max(0, n - 24));
      System.out.printf("| %d chars, %d a's | %s | %s |%n", text.length(), Math.min(n, 24),
          time(() -> oldRule.matcher(new Deadline(text)).find()),
          time(() -> withRule.classify(Evidence.fromMessage(text))));
    }

    List<Entry> secrets = RedactionCorpus.entries().stream().filter(Entry::secret).toList();
    List<Entry> keeps = RedactionCorpus.entries().stream().filter(e -> !e.secret()).toList();
    System.out.println();
    System.out.println("| redaction corpus | before | after |");
    System.out.println("|---|---:|---:|");
    System.out.printf("| secret shapes leaked (of %d) | %d | %d |%n", secrets.size(),
        leaks(secrets, OldRedactor::redact), leaks(secrets, Redactor::redact));
    System.out.printf("| look-alikes changed (of %d) | %d | %d |%n", keeps.size(),
        changed(keeps, OldRedactor::redact), changed(keeps, Redactor::redact));
    System.out.println("\nload average after: " + loadAverage());
  }

  private static long leaks(List<Entry> secrets, Function<String, String> redact) {
    return secrets.stream().filter(e -> {
      String out = redact.apply(e.text());
      return e.leakProbes().stream().anyMatch(out::contains);
    }).count();
  }

  private static long changed(List<Entry> keeps, Function<String, String> redact) {
    return keeps.stream().filter(e -> !e.text().equals(redact.apply(e.text()))).count();
  }

  private static String repeat(String unit, int chars) {
    return unit.repeat(Math.max(1, chars / unit.length()));
  }

  /** Median milliseconds of {@link #RUNS} runs, or ">N" when a run gave up. */
  private static String time(Runnable work) {
    long[] ms = new long[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      Deadline.deadline = start + GIVE_UP_MS * 1_000_000;
      try {
        work.run();
      } catch (Deadline.GaveUp e) {
        return ">" + GIVE_UP_MS;
      } finally {
        Deadline.deadline = Long.MAX_VALUE;
      }
      ms[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(ms);
    return String.valueOf(ms[RUNS / 2]);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** Text that throws once its deadline passed: java.util.regex cannot be stopped any other way. */
  static final class Deadline implements CharSequence {
    static final class GaveUp extends RuntimeException {
      GaveUp() {
        super(null, null, false, false);
      }
    }

    /** When the run being timed gives up (System.nanoTime); set by {@link #time}. One thread only. */
    static long deadline = Long.MAX_VALUE;

    private final CharSequence text;

    Deadline(CharSequence text) {
      this.text = text;
    }

    @Override
    public char charAt(int index) {
      if (System.nanoTime() > deadline) {
        throw new GaveUp();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Deadline(text.subSequence(start, end));
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }

  /** The redactor as it was before RE2 (issue 13), verbatim patterns, java.util.regex. */
  static final class OldRedactor {
    private record Replacement(Pattern pattern, Function<java.util.regex.MatchResult, String> template) {
      Replacement(Pattern pattern, String template) {
        this(pattern, match -> template);
      }
    }

    private static final String REDACTED = Redactor.REDACTED;

    private static final List<Replacement> REPLACEMENTS = List.of(
        new Replacement(
            Pattern.compile("-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\\s\\S]*?(?:-----END \\1PRIVATE KEY-----|\\z)"),
            "-----BEGIN $1PRIVATE KEY-----" + REDACTED + "-----END $1PRIVATE KEY-----"),
        new Replacement(
            Pattern.compile(
                "(?i)(\\bAuthorization[\"']?\\s*[:=]\\s*[\"']?)"
                    + "((?:Bearer|Basic|Digest|Token|Negotiate|AWS4-HMAC-SHA256)\\s+)?[^\\s\"',;]+"),
            "$1$2" + REDACTED),
        new Replacement(Pattern.compile("(?i)(\\bBearer\\s+)[A-Za-z0-9._~+/=-]{8,}"), "$1" + REDACTED),
        new Replacement(
            Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:)[^@\\s/]+(@)"), "$1" + REDACTED + "$2"),
        new Replacement(
            Pattern.compile("(?i)(\\bjdbc:oracle:[a-z]+:[^/\\s@:]+/)[^@\\s]+(@)"), "$1" + REDACTED + "$2"),
        new Replacement(
            Pattern.compile(
                "(?i)([\\w.-]*(?:passw(?:or)?d|\\bpwd|secret|token|api[_-]?key|credentials?)[\\w.-]*[\"']?\\s*[=:]\\s*)"
                    + "(\"[^\"]*\"|'[^']*'|[^\\s&;,\"']+)"),
            match -> "$1" + keepQuotes(match.group(2))),
        new Replacement(
            Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*"), REDACTED),
        new Replacement(
            Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b"), REDACTED),
        new Replacement(
            Pattern.compile(
                "(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]{0,39}[0-9])(?=[A-Za-z0-9/+=]{0,39}[a-z])"
                    + "(?=[A-Za-z0-9/+=]{0,39}[A-Z])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"),
            REDACTED));

    static String redact(String text) {
      return Redactor.truncate(scrub(text), Redactor.MAX_BYTES);
    }

    static String scrub(String text) {
      String result = text;
      for (Replacement r : REPLACEMENTS) {
        Matcher m = r.pattern().matcher(new Deadline(result));
        result = m.replaceAll(r.template());
      }
      return result;
    }

    private static String keepQuotes(String value) {
      char first = value.charAt(0);
      if ((first == '"' || first == '\'') && value.length() >= 2) {
        return first + REDACTED + first;
      }
      return REDACTED;
    }
  }

  /**
   * Classification as it was: every built-in pattern compiled with java.util.regex and searched in the
   * whole text, then the redactor three times (excerpt, facts, message), as RuleMatcher and Classifier did.
   */
  static final class OldClassifier {
    private static final List<Pattern> PATTERNS = new ArrayList<>();

    static {
      for (ClassificationRule rule : RuleLoader.defaults()) {
        for (String p : rule.messagePatterns()) {
          PATTERNS.add(Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.MULTILINE));
        }
      }
    }

    static void classify(String text) {
      for (Pattern p : PATTERNS) {
        if (p.matcher(new Deadline(text)).find()) {
          OldRedactor.scrub(text); // excerpt
          OldRedactor.redact(p.pattern()); // facts
          OldRedactor.redact(text); // message
          return;
        }
      }
      OldRedactor.redact(text); // the unmatched message
    }
  }
}

package io.featurejob.operator.classify;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Compiles a rule's {@code messagePatterns} entry with RE2/J: matching takes time linear in the text,
 * whatever the pattern, so no rule (built-in or user's) can stall a reconcile thread on a crafted
 * termination message. RE2 syntax is Java's without backreferences and lookaround; inline flags such
 * as {@code (?-i)} work.
 *
 * <p>Patterns are case-insensitive and multi-line ({@code ^}/{@code $} at line ends); {@code .} does
 * not cross line ends. A pattern is refused, with a message saying why, when it
 * <ul>
 *   <li>does not compile under RE2;</li>
 *   <li>is longer than {@value #MAX_LENGTH} characters, or its counted repetitions expand to more than
 *       {@value #MAX_EXPANDED} atoms ({@code ((a{100}){100}){100}} would take gigabytes to compile);</li>
 *   <li>matches the empty string, or matches every line (each of a set of one-character lines of
 *       every kind): such a rule would claim every failure and hide the rules after it.</li>
 * </ul>
 */
final class RulePattern {
  private RulePattern() {}

  static final int MAX_LENGTH = 1000;
  static final int MAX_EXPANDED = 2000;

  /** One-character lines of every kind; a pattern that finds all of them finds any line. */
  private static final List<String> ANY_LINE_PROBES =
      List.of("a", "Z", "0", "_", " ", "\t", "-", ".", "\"", "é", "€");

  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.MULTILINE;

  /**
   * The compiled pattern.
   *
   * @throws IllegalArgumentException naming the rule and the pattern, saying what is wrong
   */
  static Pattern compile(String rule, String regex) {
    String problem = problem(regex);
    if (problem != null) {
      throw new IllegalArgumentException(
          "rule '" + rule + "' has a bad messagePattern '" + regex + "': " + problem);
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex, FLAGS);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("rule '" + rule + "' has a bad messagePattern '" + regex
          + "': " + e.getDescription() + " (RE2 syntax: no backreferences or lookaround)", e);
    }
    if (pattern.matcher("").find()) {
      throw new IllegalArgumentException("rule '" + rule + "' has a messagePattern '" + regex
          + "' that matches the empty string, so it would match every message");
    }
    if (ANY_LINE_PROBES.stream().allMatch(line -> pattern.matcher(line).find())) {
      throw new IllegalArgumentException("rule '" + rule + "' has a messagePattern '" + regex
          + "' that matches every line, so it would match every message");
    }
    return pattern;
  }

  /** Why the pattern is too big to compile safely, or null. Checked before RE2 sees it. */
  private static String problem(String regex) {
    if (regex.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    long expanded = expandedSize(regex);
    if (expanded > MAX_EXPANDED) {
      return "its repetition counts expand to more than " + MAX_EXPANDED + " atoms";
    }
    return null;
  }

  /**
   * An upper bound on the atoms the pattern expands to when each counted repetition {@code x{n,m}} is
   * unrolled, which is what RE2/J compiles (it has no cap of its own). Alternatives are added, not
   * maxed, so the bound errs high; saturates past {@value #MAX_EXPANDED}.
   */
  static long expandedSize(String regex) {
    Deque<long[]> groups = new ArrayDeque<>(); // each: {size so far, size of the last atom}
    groups.push(new long[] {0, 0});
    int i = 0;
    while (i < regex.length()) {
      char c = regex.charAt(i);
      long[] group = groups.peek();
      if (c == '\\' && regex.startsWith("\\Q", i)) {
        int end = regex.indexOf("\\E", i + 2);
        int stop = end < 0 ? regex.length() : end;
        atom(group, Math.max(1, stop - i - 2));
        i = end < 0 ? stop : end + 2;
      } else if (c == '\\') {
        atom(group, 1);
        i += 2;
      } else if (c == '[') {
        i = classEnd(regex, i);
        atom(group, 1);
      } else if (c == '(') {
        groups.push(new long[] {0, 0});
        i++;
      } else if (c == ')' && groups.size() > 1) {
        long size = groups.pop()[0] + 1;
        atom(groups.peek(), size);
        i++;
      } else if (c == '{' && repeatEnd(regex, i) > 0) {
        int end = repeatEnd(regex, i);
        long count = maxCount(regex.substring(i + 1, end));
        group[0] = saturate(group[0] + group[1] * (count - 1));
        group[1] = saturate(group[1] * count);
        i = end + 1;
      } else {
        atom(group, 1);
        i++;
      }
    }
    long total = 0;
    for (long[] group : groups) {
      total = saturate(total + group[0]);
    }
    return total;
  }

  private static void atom(long[] group, long size) {
    group[0] = saturate(group[0] + size);
    group[1] = size;
  }

  private static long saturate(long size) {
    return Math.min(size, MAX_EXPANDED + 1L);
  }

  /** Index just past a character class starting at {@code start}. */
  private static int classEnd(String regex, int start) {
    int i = start + 1;
    if (i < regex.length() && regex.charAt(i) == '^') {
      i++;
    }
    if (i < regex.length() && regex.charAt(i) == ']') {
      i++; // a leading ] is a literal
    }
    while (i < regex.length() && regex.charAt(i) != ']') {
      if (regex.startsWith("[:", i)) {
        int close = regex.indexOf(":]", i + 2);
        i = close < 0 ? i + 1 : close + 2;
      } else {
        i += regex.charAt(i) == '\\' ? 2 : 1;
      }
    }
    return Math.min(i + 1, regex.length());
  }

  /** Index of the } closing a repetition {n}, {n,} or {n,m} at {@code start}, else -1 (a literal {). */
  private static int repeatEnd(String regex, int start) {
    int close = regex.indexOf('}', start);
    if (close < 0 || !regex.substring(start + 1, close).matches("\\d{1,9}(,\\d{0,9})?")) {
      return -1;
    }
    return close;
  }

  private static long maxCount(String counts) {
    int comma = counts.indexOf(',');
    if (comma < 0) {
      return Long.parseLong(counts);
    }
    String max = counts.substring(comma + 1);
    return max.isEmpty() ? Long.parseLong(counts.substring(0, comma)) : Long.parseLong(max);
  }
}

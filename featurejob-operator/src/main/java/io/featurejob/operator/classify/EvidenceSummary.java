package io.featurejob.operator.classify;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The root cause of a failed Spark driver, cut out of the end of its log: what the operator reads
 * instead of the last 2 KiB of stack frames and shutdown-hook chatter that the kubelet's
 * FallbackToLogsOnError would keep.
 *
 * <p>One implementation for both sides. In the driver pod, {@code driver-entrypoint.sh} keeps a
 * bounded tail of the log and runs this class on it when spark-submit exits non-zero; the operator
 * ships the class, compiled for Java 11, in the per-job ConfigMap (stock apache/spark images carry a
 * Java 11 or 17 JRE, which cannot compile source files). The classifier runs the same
 * {@link #summarize} on a termination message that is a raw log (the kubelet's fallback tail, or
 * another engine), so noise never decides the class.
 *
 * <p>The summary is {@value #MARKER} {@code exit=N} on its first line, then the root cause in
 * priority order, each line at most once: the first uncaught Java exception ({@code Exception in
 * thread ...}) with its message and its {@code Caused by:} chain; the last Python traceback's
 * exception lines (with the Java exception Py4J wraps in it); Spark's {@code Job aborted due to
 * stage failure:} reason; ERROR-level log lines with their message lines; the last few other lines
 * (not the continuation lines of a multi-line INFO record).
 * Stack frames, Python frames and code lines, {@code ... N more}, INFO/DEBUG lines and Spark's
 * shutdown-hook lines never count. At
 * most {@value #MAX_BYTES} bytes of UTF-8 (the kubelet's termination message limit), never a split
 * character.
 *
 * <p>Plain string scanning, linear in the input, no regular expressions. Kept compilable with
 * {@code --release 11} as a single class with no nested classes (one class file to ship).
 */
public final class EvidenceSummary {
  private EvidenceSummary() {}

  /** The first word of every summary: tells a summary from a raw log tail. */
  public static final String MARKER = "featurejob-evidence/v1";
  /** The kubelet keeps at most 4096 bytes of a termination message. */
  public static final int MAX_BYTES = 4096;
  /** Lines of the log tail that are looked at (the entrypoint keeps as many). */
  public static final int TAIL_LINES = 2000;
  /** Longer log lines are cut to this many characters before anything else (the entrypoint cuts too). */
  public static final int MAX_INPUT_LINE_CHARS = 4096;
  /** The most bytes of a log file that {@link #main} reads (its last bytes). */
  static final int MAX_INPUT_BYTES = 16 * 1024 * 1024;
  /** Each line of the summary is cut to this many bytes. */
  static final int MAX_LINE_BYTES = 1000;
  static final int MAX_EXCEPTION_LINES = 24;
  static final int MAX_ERROR_BLOCKS = 12;
  static final int MAX_ERROR_BLOCK_LINES = 6;
  static final int LAST_LINES = 8;
  static final String CUT = "...";

  private static final String UNCAUGHT = "Exception in thread \"";
  private static final String TRACEBACK = "Traceback (most recent call last):";
  private static final String STAGE_FAILURE = "Job aborted due to stage failure:";

  /**
   * Lines Spark prints on every run, whatever their level, mostly while it shuts down: never
   * evidence (seen in every case of the captured corpus, demo/spark-corpus).
   */
  private static final String[] SHUTDOWN_NOISE = {
    "NativeCodeLoader: Unable to load native-hadoop library",
    "Invoking stop() from shutdown hook",
    "ShutdownHookManager",
    "Shutdown hook called",
    "Deleting directory",
    "MemoryStore cleared",
    "BlockManager stopped",
    "BlockManagerMaster stopped",
    "Successfully stopped SparkContext",
    "Stopped Spark web UI",
    "OutputCommitCoordinator stopped",
    "MapOutputTrackerMasterEndpoint stopped",
    "Shutting down all executors",
    "Asking each executor to shut down",
    "Stopped Spark@",
    "SparkContext is stopping",
    "SparkContext already stopped",
    // Kubernetes mode: the executor watch closing as the driver stops, after every run on the real
    // node, failed or not (node/executor-oom-driver.log in the test resources)
    "ExecutorPodsWatchSnapshotSource: Kubernetes client has been closed",
  };

  /** Lines that only link one Python traceback to the next. */
  private static final String[] TRACEBACK_LINKS = {
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
  };

  /**
   * {@code EvidenceSummary <log-tail-file> <exit-code>}: prints the summary to standard output as
   * UTF-8. Exit 0 when it printed one, 2 on bad arguments or an unreadable file (nothing printed).
   */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: EvidenceSummary <log-tail-file> <exit-code>");
      System.exit(2);
    }
    int exitCode;
    try {
      exitCode = Integer.parseInt(args[1].trim());
    } catch (NumberFormatException e) {
      System.err.println("EvidenceSummary: exit code is not a number: " + args[1]);
      System.exit(2);
      return;
    }
    String log;
    try {
      log = readTail(args[0], MAX_INPUT_BYTES);
    } catch (IOException e) {
      System.err.println("EvidenceSummary: cannot read " + args[0] + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    byte[] summary = summarize(log, exitCode).getBytes(StandardCharsets.UTF_8);
    PrintStream out = System.out;
    out.write(summary, 0, summary.length);
    out.flush();
  }

  /** True when {@code text} is a summary (starts with {@link #MARKER}), not a raw log. */
  public static boolean isSummary(String text) {
    return text != null && text.startsWith(MARKER);
  }

  /** The summary of a log (its last {@value #TAIL_LINES} lines) of a process that exited with {@code exitCode}. */
  public static String summarize(String log, int exitCode) {
    return summarize(lines(log), exitCode);
  }

  /** The summary of log lines (without line ends; only the last {@value #TAIL_LINES} count). */
  public static String summarize(List<String> allLines, int exitCode) {
    List<String> lines = allLines.size() <= TAIL_LINES
        ? allLines
        : allLines.subList(allLines.size() - TAIL_LINES, allLines.size());
    StringBuilder out = new StringBuilder();
    out.append(MARKER).append(" exit=").append(exitCode).append(signalName(exitCode)).append('\n');
    int[] budget = {MAX_BYTES - utf8Length(out)};
    Set<String> seen = new HashSet<>();

    // 1. The first uncaught Java exception, its message lines and Caused by chain.
    int uncaught = -1;
    for (int i = 0; i < lines.size() && uncaught < 0; i++) {
      if (lines.get(i).startsWith(UNCAUGHT)) {
        uncaught = i;
      }
    }
    if (uncaught >= 0) {
      appendBlock(out, budget, seen, lines, uncaught, MAX_EXCEPTION_LINES, true);
    }

    // 2. The last Python traceback: its exception lines (not the header, frames or code lines).
    int traceback = -1;
    for (int i = lines.size() - 1; i >= 0 && traceback < 0; i--) {
      if (lines.get(i).trim().equals(TRACEBACK)) {
        traceback = i;
      }
    }
    if (traceback >= 0) {
      appendBlock(out, budget, seen, lines, traceback, MAX_EXCEPTION_LINES, false);
    }

    // 3. The line with Spark's reason for aborting the job, unless a line above already carries it.
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i);
      int at = line.indexOf(STAGE_FAILURE);
      if (at >= 0) {
        if (!out.toString().contains(truncate(stripEnd(line.substring(at)), MAX_LINE_BYTES - CUT.length()))) {
          appendLine(out, budget, seen, line);
        }
        break;
      }
    }

    // 4. ERROR-level log lines with their message lines, each distinct message once.
    Set<String> errorMessages = new HashSet<>();
    int blocks = 0;
    for (int i = 0; i < lines.size() && blocks < MAX_ERROR_BLOCKS; i++) {
      String line = lines.get(i);
      int level = levelEnd(line);
      if (level >= 0 && isErrorLevel(line, level) && !isNoise(line)
          && errorMessages.add(line.substring(level).trim())) {
        appendBlock(out, budget, seen, lines, i, MAX_ERROR_BLOCK_LINES, true);
        blocks++;
      }
    }

    // 5. The last few lines that are not noise, in log order (ERROR lines had their turn above).
    boolean[] infoContinued = infoContinuations(lines);
    List<String> last = new ArrayList<>();
    for (int i = lines.size() - 1; i >= 0 && last.size() < LAST_LINES; i--) {
      String line = lines.get(i);
      int level = levelEnd(line);
      boolean logged = level >= 0 && (isErrorLevel(line, level) || isInfoOrDebug(line)) || infoContinued[i];
      if (!logged && !isNoise(lines, i) && !seen.contains(key(line)) && !isLink(line)
          && !line.trim().equals(TRACEBACK)) {
        last.add(0, line);
      }
    }
    for (String line : last) {
      appendLine(out, budget, seen, line);
    }
    return out.toString();
  }

  /**
   * Which lines continue an INFO/DEBUG/TRACE record over several lines: a record whose brackets are
   * still open at its line end goes on until they close or the next log line. Spark prints whole
   * objects that way when a value holds a line break, e.g. the environment of a slow
   * SparkListenerEnvironmentUpdate (seen on the real node; a capture in the test resources:
   * node/permission-denied-listener-dump-driver.log), and those lines are as much noise as the record. A line after a complete record (the
   * application's own output) is not a continuation.
   */
  static boolean[] infoContinuations(List<String> lines) {
    boolean[] continued = new boolean[lines.size()];
    int open = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (levelEnd(line) >= 0) {
        open = isInfoOrDebug(line) ? Math.max(0, bracketBalance(line)) : 0;
      } else if (line.startsWith(UNCAUGHT) || line.trim().equals(TRACEBACK)) {
        open = 0;
      } else if (open > 0) {
        continued[i] = true;
        open = Math.max(0, open + bracketBalance(line));
      }
    }
    return continued;
  }

  /** Opening minus closing brackets of any kind. */
  private static int bracketBalance(String line) {
    int balance = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        balance++;
      } else if (c == ')' || c == ']' || c == '}') {
        balance--;
      }
    }
    return balance;
  }

  /**
   * Appends the line at {@code start} and the lines that belong to it: message continuations,
   * {@code Caused by:} lines, Py4J's {@code : java.Exception} line. The block ends at the next
   * log line with a level or the next exception header; frames and noise inside it are skipped.
   */
  private static void appendBlock(StringBuilder out, int[] budget, Set<String> seen, List<String> lines,
      int start, int maxLines, boolean withHead) {
    if (withHead) {
      appendLine(out, budget, seen, lines.get(start));
    }
    int kept = 1;
    for (int i = start + 1; i < lines.size() && kept < maxLines; i++) {
      String line = lines.get(i);
      if (levelEnd(line) >= 0 || line.startsWith(UNCAUGHT) || line.trim().equals(TRACEBACK)) {
        return;
      }
      if (isNoise(lines, i) || isLink(line)) {
        continue;
      }
      appendLine(out, budget, seen, line);
      kept++;
    }
  }

  /** Appends one line, cut to {@link #MAX_LINE_BYTES} and to what is left of the budget; once only. */
  private static void appendLine(StringBuilder out, int[] budget, Set<String> seen, String line) {
    String text = stripEnd(line);
    if (text.isEmpty() || !seen.add(key(text))) {
      return;
    }
    // One byte for the line end; a line that would keep less than a few words is left out.
    int room = Math.min(MAX_LINE_BYTES, budget[0] - 1);
    if (room < 40) {
      budget[0] = 0;
      return;
    }
    String cut = truncate(text, room);
    out.append(cut).append('\n');
    budget[0] -= utf8Length(cut) + 1;
  }

  private static String key(String line) {
    return line.trim();
  }

  /**
   * Stack frames ({@code at ...}, {@code ... N more}, {@code ... N common frames omitted}), a Python
   * frame ({@code File "..."}) and the code line under it, caret markers, blank lines, lone brackets,
   * Spark's shutdown-hook lines and the "Driver stacktrace:" header. Other indented lines are kept:
   * YARN diagnostics, JSON error bodies and quoted messages are indented too.
   */
  static boolean isNoise(List<String> lines, int i) {
    String line = lines.get(i);
    if (isNoise(line)) {
      return true;
    }
    boolean indented = line.charAt(0) == ' ' || line.charAt(0) == '\t';
    return indented && i > 0 && lines.get(i - 1).trim().startsWith("File \"");
  }

  static boolean isNoise(String line) {
    String t = line.trim();
    if (t.length() <= 2 || t.equals("Driver stacktrace:") || t.startsWith("File \"")
        || (t.startsWith("at ") && t.endsWith(")"))
        || (t.startsWith("... ") && (t.endsWith(" more") || t.endsWith(" omitted")))
        || isMarkers(t)) {
      return true;
    }
    for (String noise : SHUTDOWN_NOISE) {
      if (line.contains(noise)) {
        return true;
      }
    }
    return false;
  }

  /** Python's "^^^^" and "~~~^^" lines under a code line. */
  private static boolean isMarkers(String t) {
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c != '^' && c != '~' && c != ' ') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLink(String line) {
    String t = line.trim();
    for (String link : TRACEBACK_LINKS) {
      if (t.equals(link)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isInfoOrDebug(String line) {
    int end = levelEnd(line);
    if (end < 0) {
      return false;
    }
    String level = levelWord(line, end);
    return level.equals("INFO") || level.equals("DEBUG") || level.equals("TRACE");
  }

  private static boolean isErrorLevel(String line, int end) {
    String level = levelWord(line, end);
    return level.equals("ERROR") || level.equals("FATAL") || level.equals("SEVERE") || level.equals("CRITICAL");
  }

  /**
   * Where the log level ends if the line starts like a log line: a level word (ERROR, WARN, INFO
   * ...; also as "[ERROR]" or "ERROR:") among its first five words, and every word before it part of
   * a time stamp or a bracketed field ("24/11/30 10:00:00 ERROR Foo: ..."). -1 otherwise, so that
   * "PSQLException: ERROR: permission denied" is not a log line.
   */
  static int levelEnd(String line) {
    int i = 0;
    int n = line.length();
    for (int word = 0; word < 5 && i < n; word++) {
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
        i++;
      }
      if (start == i) {
        return -1;
      }
      String w = normalizedLevel(line.substring(start, i));
      if (isLevel(w)) {
        return i;
      }
      if (!isStampWord(line, start, i)) {
        return -1;
      }
    }
    return -1;
  }

  private static String levelWord(String line, int end) {
    int start = line.lastIndexOf(' ', end - 1) + 1;
    return normalizedLevel(line.substring(start, end));
  }

  /** "[ERROR]" -> ERROR, "ERROR:" -> ERROR, "ERROR:root:msg" (Python logging) -> ERROR. */
  private static String normalizedLevel(String word) {
    String w = word;
    if (w.startsWith("[") && w.endsWith("]") && w.length() > 2) {
      w = w.substring(1, w.length() - 1);
    }
    int colon = w.indexOf(':');
    if (colon > 0) {
      w = w.substring(0, colon);
    }
    return w;
  }

  private static boolean isLevel(String w) {
    return w.equals("ERROR") || w.equals("FATAL") || w.equals("SEVERE") || w.equals("CRITICAL")
        || w.equals("WARN") || w.equals("WARNING") || w.equals("INFO") || w.equals("DEBUG") || w.equals("TRACE");
  }

  /** A word of a log line's prefix: has a digit (dates, times, pids) or is bracketed ("[main]"). */
  private static boolean isStampWord(String line, int start, int end) {
    if (line.charAt(start) == '[' && line.charAt(end - 1) == ']') {
      return true;
    }
    for (int i = start; i < end; i++) {
      if (Character.isDigit(line.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static String signalName(int exitCode) {
    switch (exitCode) {
      case 129: return " (SIGHUP)";
      case 130: return " (SIGINT)";
      case 134: return " (SIGABRT)";
      case 137: return " (SIGKILL)";
      case 139: return " (SIGSEGV)";
      case 143: return " (SIGTERM)";
      default: return "";
    }
  }

  /** The lines of {@code log} (split at \n, a trailing \r dropped), each cut to {@value #MAX_INPUT_LINE_CHARS} chars. */
  static List<String> lines(String log) {
    List<String> lines = new ArrayList<>();
    if (log == null || log.isEmpty()) {
      return lines;
    }
    int start = 0;
    int n = log.length();
    while (start <= n) {
      int end = log.indexOf('\n', start);
      if (end < 0) {
        end = n;
      }
      int stop = end;
      if (stop > start && log.charAt(stop - 1) == '\r') {
        stop--;
      }
      if (stop - start > MAX_INPUT_LINE_CHARS) {
        int cut = start + MAX_INPUT_LINE_CHARS;
        if (Character.isHighSurrogate(log.charAt(cut - 1))) {
          cut--;
        }
        stop = cut;
      }
      if (end < n || stop > start) {
        lines.add(log.substring(start, stop));
      }
      start = end + 1;
    }
    return lines;
  }

  /** The last {@code maxBytes} of a file as UTF-8; malformed bytes (a cut character) become U+FFFD. */
  static String readTail(String path, int maxBytes) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(path, "r")) {
      long length = file.length();
      int size = (int) Math.min(length, maxBytes);
      byte[] bytes = new byte[size];
      file.seek(length - size);
      file.readFully(bytes);
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
      try {
        CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw new IOException("not decodable as UTF-8", e); // cannot happen with REPLACE
      }
    }
  }

  private static String stripEnd(String s) {
    int end = s.length();
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  /** {@code text} cut so its UTF-8 form, {@link #CUT} included, is at most {@code maxBytes}; never splits a character. */
  static String truncate(String text, int maxBytes) {
    return truncate(text, maxBytes, CUT);
  }

  /**
   * {@code text} cut so its UTF-8 form, {@code marker} included, is at most {@code maxBytes}; never
   * splits a character. The one UTF-8-safe cut of the operator (Redactor and EventRecorder use it too);
   * it lives here because this class must stay a single JDK-only file that runs inside the driver pod.
   */
  public static String truncate(String text, int maxBytes, String marker) {
    if (utf8Length(text) <= maxBytes) {
      return text;
    }
    int budget = maxBytes - utf8Length(marker);
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
    return text.substring(0, end) + marker;
  }

  static int utf8Length(CharSequence s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += utf8Length((int) c);
      }
    }
    return bytes;
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

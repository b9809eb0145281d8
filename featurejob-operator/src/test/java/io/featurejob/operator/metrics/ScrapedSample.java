package io.featurejob.operator.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One sample line of Prometheus text format, parsed so tests assert names, labels and values exactly. */
public record ScrapedSample(String name, Map<String, String> labels, double value) {
  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  public static List<ScrapedSample> parse(String text) {
    List<ScrapedSample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      out.add(new ScrapedSample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return out;
  }

  /** {@code # TYPE} lines: metric family name -> type. */
  public static Map<String, String> types(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        out.put(parts[2], parts[3]);
      }
    }
    return out;
  }

  public boolean has(Map<String, String> subset) {
    return subset.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

}

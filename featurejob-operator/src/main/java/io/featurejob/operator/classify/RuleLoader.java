package io.featurejob.operator.classify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classification.MemoryTarget;
import io.featurejob.operator.classify.ClassificationRule.Component;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads classification rules from YAML or JSON: a list of rules, or an object with a {@code rules}
 * list. Each rule has the fields of {@link ClassificationRule}, with the class under the key
 * {@code class}:
 *
 * <pre>
 * - name: python-memory-error
 *   class: OutOfMemory
 *   component: driver
 *   messagePatterns: ['MemoryError']
 *   memoryTarget: Driver
 * </pre>
 *
 * <p>The tree is walked by hand rather than bound by Jackson so that every mistake is reported with the
 * file, the rule's index and name, and what is wrong, in words a user can act on.
 */
public final class RuleLoader {
  private RuleLoader() {}

  /**
   * The operator's classifier: the file's rules, tried before the built-in ones. Every problem with
   * the file, a reserved rule name included, is an {@link InvalidRulesException} naming the file.
   */
  public static Classifier classifierWith(Path file) {
    List<ClassificationRule> rules = load(file);
    try {
      return Classifier.withExtraRules(rules);
    } catch (IllegalArgumentException e) {
      throw new InvalidRulesException(file + ": " + e.getMessage(), e);
    }
  }

  /** The built-in rules, next to this class on the classpath. */
  public static final String DEFAULT_RULES_RESOURCE = "default-rules.yaml";

  private static final Set<String> FIELDS = Set.of(
      "name", "class", "component", "disruptionReasons", "podReasons", "waitingReasons",
      "terminatedReasons", "exitCodes", "messagePatterns", "memoryTarget");

  /** Rules that cannot be used; the message says where and why. */
  public static final class InvalidRulesException extends RuntimeException {
    public InvalidRulesException(String message) {
      super(message);
    }

    public InvalidRulesException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Loads rules from a file; {@code .json} files are read as JSON, anything else as YAML. */
  public static List<ClassificationRule> load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidRulesException(file + ": cannot read rules file: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** The built-in rules; a broken resource is a bug in the build, hence unchecked. */
  public static List<ClassificationRule> defaults() {
    try (InputStream in = RuleLoader.class.getResourceAsStream(DEFAULT_RULES_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + DEFAULT_RULES_RESOURCE + " is missing");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RULES_RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RULES_RESOURCE, e);
    }
  }

  /**
   * Parses rules from text.
   *
   * @param source the file name (or other origin) for error messages; a name ending in {@code .json}
   *     selects the JSON parser
   */
  public static List<ClassificationRule> parse(String text, String source) {
    ObjectMapper mapper = source != null && source.toLowerCase(Locale.ROOT).endsWith(".json")
        ? new ObjectMapper()
        : new ObjectMapper(new YAMLFactory());
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null
          ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new InvalidRulesException(source + ": not valid YAML/JSON" + where + ": " + e.getOriginalMessage(), e);
    }
    return fromTree(root, source);
  }

  /** Rules from an already parsed tree (e.g. part of the operator's config). */
  public static List<ClassificationRule> fromTree(JsonNode root, String source) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      return List.of(); // an empty file: no extra rules
    }
    JsonNode list = root.isObject() && root.has("rules") ? root.get("rules") : root;
    if (!list.isArray()) {
      throw new InvalidRulesException(source + ": expected a list of rules (or an object with a 'rules' list), got "
          + kind(list));
    }
    List<ClassificationRule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      ClassificationRule rule = ruleAt(list.get(i), i, source);
      if (!names.add(rule.name())) {
        throw new InvalidRulesException(where(source, i, rule.name()) + "duplicate rule name");
      }
      rules.add(rule);
    }
    return List.copyOf(rules);
  }

  private static ClassificationRule ruleAt(JsonNode node, int index, String source) {
    if (!node.isObject()) {
      throw new InvalidRulesException(where(source, index, null) + "expected a rule (a map), got " + kind(node));
    }
    String name = node.hasNonNull("name") && node.get("name").isValueNode() ? node.get("name").asText() : null;
    String where = where(source, index, name);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new InvalidRulesException(where + "unknown field '" + field + "' (known: " + String.join(", ",
            FIELDS.stream().sorted().toList()) + ")");
      }
    }
    if (name == null || name.isBlank()) {
      throw new InvalidRulesException(where + "missing 'name'");
    }
    if (!node.hasNonNull("class")) {
      throw new InvalidRulesException(where + "missing 'class' (one of " + Arrays.toString(FailureClass.values()) + ")");
    }
    try {
      return new ClassificationRule(
          name,
          failureClass(node.get("class").asText()),
          node.hasNonNull("component") ? Component.parse(node.get("component").asText()) : null,
          strings(node, "disruptionReasons"),
          strings(node, "podReasons"),
          strings(node, "waitingReasons"),
          strings(node, "terminatedReasons"),
          integers(node, "exitCodes"),
          strings(node, "messagePatterns"),
          node.hasNonNull("memoryTarget") ? memoryTarget(node.get("memoryTarget").asText()) : null);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidRulesException(where + e.getMessage(), e);
    }
  }

  private static FailureClass failureClass(String text) {
    for (FailureClass c : FailureClass.values()) {
      if (c.name().equalsIgnoreCase(text)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown class '" + text + "' (expected one of " + Arrays.toString(FailureClass.values()) + ")");
  }

  private static MemoryTarget memoryTarget(String text) {
    for (MemoryTarget t : MemoryTarget.values()) {
      if (t.name().equalsIgnoreCase(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown memoryTarget '" + text + "' (expected Driver or Executor)");
  }

  /** A list of scalars; a single scalar is accepted as a list of one. */
  private static List<String> strings(JsonNode rule, String field) {
    JsonNode node = rule.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    List<String> values = new ArrayList<>();
    for (JsonNode element : node.isArray() ? node : List.of(node)) {
      if (!element.isValueNode() || element.isNull()) {
        throw new IllegalArgumentException("'" + field + "' must be a list of strings, found " + kind(element));
      }
      values.add(element.asText());
    }
    return values;
  }

  private static List<Integer> integers(JsonNode rule, String field) {
    JsonNode node = rule.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    List<Integer> values = new ArrayList<>();
    for (JsonNode element : node.isArray() ? node : List.of(node)) {
      if (element.isInt()) {
        values.add(element.intValue());
      } else if (element.isTextual() && element.asText().trim().matches("-?\\d+")) {
        values.add(Integer.parseInt(element.asText().trim()));
      } else {
        throw new IllegalArgumentException("'" + field + "' must be a list of integers, found '" + element.asText() + "'");
      }
    }
    return values;
  }

  private static String where(String source, int index, String name) {
    return source + ": rules[" + index + "]" + (name == null ? "" : " ('" + name + "')") + ": ";
  }

  private static String kind(JsonNode node) {
    if (node.isArray()) {
      return "a list";
    } else if (node.isObject()) {
      return "a map";
    } else if (node.isNull()) {
      return "null";
    }
    return "'" + node.asText() + "'";
  }
}

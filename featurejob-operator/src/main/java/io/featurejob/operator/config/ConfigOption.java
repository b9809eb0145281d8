package io.featurejob.operator.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One operator setting: its key in the properties file, its environment variable, its default (as
 * text, so the docs show exactly what a user would write) and a one-line description.
 *
 * @param parser turns the text form into the typed value; throws IllegalArgumentException with a
 *     short reason when the text is not acceptable
 */
public record ConfigOption<T>(
    String key, String envVar, String defaultText, String description, Function<String, T> parser) {

  public static final String ENV_PREFIX = "FEATUREJOB_";

  public ConfigOption {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(envVar, "envVar");
    Objects.requireNonNull(defaultText, "defaultText");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parser, "parser");
  }

  /** An option whose environment variable is derived from its key: metricsPort -> FEATUREJOB_METRICS_PORT. */
  public static <T> ConfigOption<T> of(
      String key, String defaultText, String description, Function<String, T> parser) {
    return new ConfigOption<>(key, envVarFor(key), defaultText, description, parser);
  }

  static String envVarFor(String key) {
    return ENV_PREFIX + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /**
   * Parses a raw value for this option.
   *
   * @param source where the value came from, for the error message (e.g. "env FEATUREJOB_METRICS_PORT")
   * @throws ConfigException naming the key and the source
   */
  public T parse(String raw, String source) {
    try {
      return parser.apply(raw.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "invalid value '" + raw + "' for " + key + " (" + source + "): " + e.getMessage(), e);
    }
  }

  public T defaultValue() {
    return parse(defaultText, "default");
  }
}

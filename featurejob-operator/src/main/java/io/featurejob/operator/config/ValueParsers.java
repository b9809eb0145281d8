package io.featurejob.operator.config;

import io.featurejob.operator.api.GoDuration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Text-to-value parsers for {@link ConfigOption}s. Each throws IllegalArgumentException with a short reason. */
final class ValueParsers {
  private ValueParsers() {}

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  // Optional DNS-subdomain prefix and '/', then a name of at most 63 characters.
  private static final Pattern LABEL_KEY =
      Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  static String nonBlank(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return text;
  }

  static boolean bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    };
  }

  static Function<String, Integer> intBetween(int min, int max) {
    return text -> {
      int value;
      try {
        value = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a whole number");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return value;
    };
  }

  static Function<String, Double> doubleBetween(double min, double max) {
    return text -> {
      double value;
      try {
        value = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number");
      }
      if (!(value >= min && value <= max)) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return value;
    };
  }

  static Duration positiveDuration(String text) {
    Duration d = GoDuration.parse(text);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("must be longer than 0s");
    }
    return d;
  }

  static Function<String, String> oneOf(Set<String> allowed) {
    return text -> {
      String value = text.toLowerCase(Locale.ROOT);
      if (!allowed.contains(value)) {
        throw new IllegalArgumentException("expected one of " + String.join(", ", allowed));
      }
      return value;
    };
  }

  /** Empty text means "not set". */
  static Optional<Path> optionalPath(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text));
  }

  static Optional<String> optionalNamespace(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(namespace(text));
  }

  static String namespace(String text) {
    if (!DNS_LABEL.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a valid namespace name");
    }
    return text;
  }

  static String resourceName(String text) {
    if (text.length() > 253 || !DNS_SUBDOMAIN.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a valid Kubernetes object name");
    }
    return text;
  }

  static String labelKey(String text) {
    if (!LABEL_KEY.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a valid label key");
    }
    return text;
  }

  /** A ServiceAccount name, or {@code *} for any. */
  static String serviceAccountOrAny(String text) {
    return text.equals("*") ? text : resourceName(text);
  }

  /** An image allow-list entry (policy.SparkAllowList): no whitespace. */
  static String imageEntry(String text) {
    if (text.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("'" + text + "' is not an image or image prefix");
    }
    return text;
  }

  /** Like {@link #commaList} but at least one item: an empty allow-list would refuse every job. */
  static <T> Function<String, List<T>> nonEmptyCommaList(Function<String, T> item) {
    Function<String, List<T>> list = commaList(item);
    return text -> {
      List<T> out = list.apply(text);
      if (out.isEmpty()) {
        throw new IllegalArgumentException("must name at least one entry (* allows any)");
      }
      return out;
    };
  }

  /** Comma-separated items, blanks dropped, each checked by {@code item}; empty text = empty list. */
  static <T> Function<String, List<T>> commaList(Function<String, T> item) {
    return text -> {
      List<T> out = new ArrayList<>();
      for (String part : text.split(",")) {
        String trimmed = part.trim();
        if (!trimmed.isEmpty()) {
          out.add(item.apply(trimmed));
        }
      }
      return List.copyOf(out);
    };
  }
}

package io.featurejob.operator.realspark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checked-in corpus of real Spark output (resource {@value #RESOURCE}, written by
 * {@code hack/spark/capture.sh}): one directory per case with driver.log, exit-code and case.yaml.
 */
final class SparkCorpus {
  static final String RESOURCE = "/io/featurejob/operator/demo/spark-corpus";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SparkCorpus() {}

  /** The corpus directory as the test classpath holds it. */
  static Path root() {
    URL url = SparkCorpus.class.getResource(RESOURCE);
    if (url == null) {
      throw new AssertionError("no corpus on the classpath at " + RESOURCE);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The case names (directory names), sorted. */
  static List<String> names() {
    try (Stream<Path> entries = Files.list(root())) {
      return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** case.yaml of a case, parsed. */
  static JsonNode caseYaml(String name) {
    try {
      return YAML.readTree(root().resolve(name).resolve("case.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String driverLog(String name) {
    return read(name, "driver.log");
  }

  static String exitCodeText(String name) {
    return read(name, "exit-code");
  }

  private static String read(String name, String file) {
    try {
      return Files.readString(root().resolve(name).resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

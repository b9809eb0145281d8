package io.featurejob.operator.config;

/** The operator's configuration is unusable; the message names the offending key and where it came from. */
public class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}

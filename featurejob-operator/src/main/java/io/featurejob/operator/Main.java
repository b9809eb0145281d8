package io.featurejob.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.classify.ClassifyCommand;
import io.featurejob.operator.classify.RuleLoader.InvalidRulesException;
import io.featurejob.operator.classify.SafeText;
import io.featurejob.operator.config.ConfigException;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The operator jar's entry point (demo and simulate live in featurejob-tools' jar).
 *
 * <pre>
 *   run       (default) run the operator against the current kubeconfig / in-cluster config
 *   classify  classify a pod's JSON or a bare message with the built-in and your extra rules
 * </pre>
 */
public final class Main {
  private Main() {}

  /** {@code run}'s exit code for a bad option (FEATUREJOB_* or the config file). */
  public static final int EXIT_BAD_CONFIG = 2;
  /** {@code run}'s exit code for a classifier rules file that cannot be used. */
  public static final int EXIT_BAD_RULES = 3;

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "run" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "run" -> run();
      case "classify" -> System.exit(ClassifyCommand.run(rest, System.out, System.err));
      case "-h", "--help", "help" -> usage();
      default -> {
        System.err.println("unknown command '" + command + "'");
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.out.println("""
        usage: java -jar featurejob-operator.jar [run | classify ...]
          run       run the operator against the current kubeconfig or in-cluster config (default)
          classify  classify a driver pod (--pod FILE) or a message (--message TEXT); see classify --help
        demo and simulate: java -jar featurejob-tools.jar (make demo, make simulate)
        configuration: FEATUREJOB_* environment variables or FEATUREJOB_CONFIG_FILE (see docs/configuration.md)""");
  }

  private static void run() throws Exception {
    OperatorConfig config;
    try {
      config = OperatorConfig.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("featurejob-operator: bad configuration: " + e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    KubernetesClient client = FeatureJobOperator.client(config);
    FeatureJobOperator operator;
    try {
      operator = FeatureJobOperator.start(client, config, Clock.systemUTC(), true);
    } catch (InvalidRulesException e) {
      // One line an admin can act on (file, rule, reason), not a stack trace; nothing was started yet.
      System.err.println("featurejob-operator: bad classifier rules: " + SafeText.oneLine(e.getMessage()));
      client.close();
      System.exit(EXIT_BAD_RULES);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM: stop reconciling (a running Spark attempt keeps running; the next leader picks it up).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}

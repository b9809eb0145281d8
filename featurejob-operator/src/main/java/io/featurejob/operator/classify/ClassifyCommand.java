package io.featurejob.operator.classify;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.featurejob.operator.api.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The jar's {@code classify} subcommand: shows how the operator would classify a pod or a message,
 * so users can test their own rules before putting them into the operator config.
 *
 * <pre>
 * classify [--rules FILE] (--pod FILE | --message TEXT | --stdin | --driver-log FILE [--exit-code N])
 * </pre>
 *
 * Exit codes: 0 classified, 2 bad usage or unreadable input.
 */
public final class ClassifyCommand {
  private ClassifyCommand() {}

  public static final int OK = 0;
  public static final int USAGE = 2;

  static final String HELP = """
      Usage: featurejob-operator classify [--rules FILE]
                 (--pod FILE | --message TEXT | --stdin | --driver-log FILE [--exit-code N])

      Shows the failure class the operator gives a failed Spark driver pod, a driver's log or an
      error message.

        --pod FILE      a driver pod as JSON or YAML (kubectl get pod NAME -o json), or a List of
                        pods (kubectl get pods -l featurejob.io/run=RUN -o json): the pod labelled
                        spark-role=driver (else the first) is the driver, the others its executors
        --message TEXT  an error message, treated as the driver's termination message
        --stdin         read a pod, a List of pods or a plain message from standard input
        --driver-log FILE
                        a driver's whole log (kubectl logs POD > FILE): classified as in a cluster,
                        through the summary the driver's entrypoint writes to its termination
                        message when spark-submit exits N; the summary is printed too
        --exit-code N   spark-submit's exit code for --driver-log (default 1; 143 = SIGTERM)
        --rules FILE    extra rules (YAML or JSON list) tried before the built-in ones
        --help          this text

      Exit codes: 0 classified, 2 bad usage or unreadable input.
      """;

  /** Runs with standard input as {@code --stdin} source. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.in, out, err);
  }

  /** Runs with the given standard input (tests pass their own). */
  public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
    String rulesFile = null;
    String podFile = null;
    String message = null;
    String driverLog = null;
    String exitCodeText = null;
    boolean fromStdin = false;
    int inputs = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "-h", "--help" -> {
          out.print(HELP);
          return OK;
        }
        case "--rules", "--pod", "--message", "--driver-log", "--exit-code" -> {
          if (i + 1 >= args.length) {
            return usage(err, arg + " needs a value");
          }
          String value = args[++i];
          switch (arg) {
            case "--rules" -> rulesFile = value;
            case "--pod" -> podFile = value;
            case "--message" -> message = value;
            case "--driver-log" -> driverLog = value;
            default -> exitCodeText = value;
          }
          if (!arg.equals("--rules") && !arg.equals("--exit-code")) {
            inputs++;
          }
        }
        case "--stdin" -> {
          fromStdin = true;
          inputs++;
        }
        default -> {
          return usage(err, "unknown argument '" + arg + "'");
        }
      }
    }
    if (inputs != 1) {
      return usage(err, "give exactly one of --pod, --message, --stdin, --driver-log");
    }
    int exitCode = 1;
    if (exitCodeText != null) {
      if (driverLog == null) {
        return usage(err, "--exit-code goes with --driver-log");
      }
      try {
        exitCode = Integer.parseInt(exitCodeText);
      } catch (NumberFormatException e) {
        return usage(err, "--exit-code needs a number, got '" + exitCodeText + "'");
      }
      if (exitCode < 1 || exitCode > 255) {
        return usage(err, "--exit-code must be a failed process's exit code, 1 to 255");
      }
    }

    Classifier classifier;
    try {
      classifier = rulesFile == null
          ? Classifier.defaults()
          : Classifier.withExtraRules(RuleLoader.load(Path.of(rulesFile)));
    } catch (RuntimeException e) {
      return fail(err, e.getMessage());
    }

    Evidence evidence;
    String summary = null;
    try {
      if (driverLog != null) {
        summary = EvidenceSummary.summarize(EvidenceSummary.readTail(driverLog, EvidenceSummary.MAX_INPUT_BYTES), exitCode);
        evidence = Evidence.fromDriverExit(exitCode, summary);
      } else if (message != null) {
        evidence = Evidence.fromMessage(message);
      } else if (podFile != null) {
        evidence = podEvidence(Files.readString(Path.of(podFile), StandardCharsets.UTF_8), podFile);
      } else {
        String text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        evidence = looksLikeKubernetesObject(text) ? podEvidence(text, "stdin") : Evidence.fromMessage(text.strip());
      }
    } catch (IOException e) {
      return fail(err, "cannot read input: " + e.getMessage());
    } catch (RuntimeException e) {
      return fail(err, e.getMessage());
    }

    print(classifier.classify(evidence), out);
    if (summary != null) {
      out.println("summary (the driver's termination message):");
      out.print(Redactor.scrub(summary).indent(2));
    }
    return OK;
  }

  static void print(Classification c, PrintStream out) {
    out.println("class:     " + c.failureClass());
    out.println("transient: " + (c.failureClass().isTransient() ? "yes" : "no"));
    out.println("rule:      " + c.rule());
    out.println("evidence:  " + c.evidence());
    if (c.exitCode() != null) {
      out.println("exit code: " + c.exitCode());
    }
    if (c.memoryTarget() != null) {
      out.println("memory:    " + c.memoryTarget());
    }
    String message = c.message() == null ? "-" : c.message().strip().replace("\n", "\n           ");
    out.println("message:   " + message);
  }

  /** Driver and executors from a Pod or a List of pods. */
  static Evidence podEvidence(String text, String source) {
    Object parsed;
    try {
      parsed = new KubernetesSerialization().unmarshal(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + ": not a Kubernetes object in JSON or YAML: " + rootCause(e));
    }
    List<Pod> pods = new ArrayList<>();
    if (parsed instanceof Pod pod) {
      pods.add(pod);
    } else if (parsed instanceof KubernetesResourceList<?> list) {
      for (Object item : list.getItems()) {
        if (item instanceof Pod pod) {
          pods.add(pod);
        }
      }
    } else if (parsed instanceof List<?> documents) { // multi-document YAML
      for (Object item : documents) {
        if (item instanceof Pod pod) {
          pods.add(pod);
        }
      }
    }
    if (pods.isEmpty()) {
      String kind = parsed instanceof HasMetadata h ? h.getKind() : "no Kubernetes object";
      throw new IllegalArgumentException(source + ": expected a Pod or a List of pods, got " + kind);
    }
    Pod driver = pods.stream().filter(ClassifyCommand::isDriver).findFirst().orElse(pods.get(0));
    List<Pod> executors = new ArrayList<>(pods);
    executors.remove(driver);
    return Evidence.fromPods(driver, executors);
  }

  private static boolean isDriver(Pod pod) {
    Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
    return labels != null && Labels.ROLE_DRIVER.equals(labels.get(Labels.SPARK_ROLE));
  }

  /** A pod on stdin starts with '{' (JSON) or has top-level apiVersion/kind keys (YAML). */
  private static boolean looksLikeKubernetesObject(String text) {
    String t = text.strip();
    return t.startsWith("{") || t.matches("(?s)(---\\s*)?(apiVersion|kind):.*") || t.contains("\nkind:");
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static int usage(PrintStream err, String problem) {
    err.println("classify: " + problem);
    err.println("Run 'classify --help' for usage.");
    return USAGE;
  }

  private static int fail(PrintStream err, String problem) {
    err.println("classify: " + problem);
    return USAGE;
  }
}

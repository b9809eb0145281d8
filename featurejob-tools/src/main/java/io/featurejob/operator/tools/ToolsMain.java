package io.featurejob.operator.tools;

import io.featurejob.operator.classify.ClassifyCommand;
import io.featurejob.operator.demo.Demo;
import io.featurejob.operator.sim.SimulateCommand;
import java.util.Arrays;

/**
 * The tools jar's entry point: what users run on a laptop, no cluster needed.
 *
 * <pre>
 *   demo      play the failure stories on an embedded API server with a simulated kubelet, then exit
 *   simulate  replay the field's failure mix under several retry policies (docs/simulator.md)
 *   classify  classify a pod's JSON or a bare message with the built-in and your extra rules
 * </pre>
 */
public final class ToolsMain {
  private ToolsMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "demo" -> System.exit(Demo.run(rest, System.out));
      case "simulate" -> System.exit(SimulateCommand.run(rest, System.out));
      case "classify" -> System.exit(ClassifyCommand.run(rest, System.out, System.err));
      case "-h", "--help", "help" -> usage();
      default -> {
        System.err.println("unknown command '" + args[0] + "'");
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.out.println("""
        usage: java -jar featurejob-tools.jar demo | simulate ... | classify ...
          demo      embedded API server + simulated kubelet: plays the failure stories, then exits
          simulate  replay the field's failure mix under several retry policies; see simulate --help
          classify  classify a driver pod (--pod FILE) or a message (--message TEXT); see classify --help""");
  }
}

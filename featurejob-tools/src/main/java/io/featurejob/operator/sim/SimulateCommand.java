package io.featurejob.operator.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code simulate}: replays the field's failure mix over a synthetic fleet under each policy, prints
 * the comparison as a markdown table and writes it as CSV.
 */
public final class SimulateCommand {
  private SimulateCommand() {}

  static final String USAGE = """
      usage: simulate [--jobs N] [--days D] [--seed S | --seeds LIST] [--out FILE.csv] [--on-demand-price X]
                      [--policies a,b,...] [--failure-scale K] [--threads T] [--exact-requeue]
        --jobs             fleet size (default 1000, up to 100000)
        --days             simulated days (default 30; fractions allowed)
        --seed             everything is drawn from it: same seed, same numbers (default 1)
        --seeds            several seeds, e.g. 1,2,3 or 3 (= 1,2,3): the policies run on the same worlds and
                           the table gives same-seed differences from the first policy with 95%% intervals
        --out              CSV file, one row per policy (default: none)
        --on-demand-price  on-demand price as a multiple of spot (default 3)
        --policies         subset of: %s
        --failure-scale    multiply every failure rate (stress test; default 1 = the field's mix)
        --threads          policies simulated in parallel (default: available cores)
        --exact-requeue    replay every 10-minute safety-net requeue (slower, same figures)""";

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  public static int run(String[] args, PrintStream out) {
    SimConfig config = SimConfig.defaults();
    Path csv = null;
    int jobs = config.jobs();
    Duration length = config.length();
    List<Long> seeds = List.of(config.seed());
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--jobs" -> jobs = positiveInt(a, value(args, ++i, a));
          case "--days" -> length = Duration.ofSeconds(Math.round(positive(a, value(args, ++i, a)) * 86_400));
          case "--seed" -> seeds = List.of(seed(a, value(args, ++i, a)));
          case "--seeds" -> seeds = seeds(value(args, ++i, a));
          case "--out" -> csv = Path.of(value(args, ++i, a));
          case "--on-demand-price" -> config = config.withOnDemandPrice(positive(a, value(args, ++i, a)));
          case "--policies" -> config = config.withPolicies(policies(value(args, ++i, a)));
          case "--failure-scale" -> config = config.withModel(config.model().scaled(positive(a, value(args, ++i, a))));
          case "--threads" -> config = config.withThreads(positiveInt(a, value(args, ++i, a)));
          case "--exact-requeue" -> config = config.withExactRequeue(true);
          case "-h", "--help" -> {
            out.println(usage());
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      }
    } catch (IllegalArgumentException e) {
      out.println("simulate: " + e.getMessage());
      out.println(usage());
      return 2;
    }
    config = config.withJobs(jobs, length);

    long started = System.nanoTime();
    List<Simulator.Outcome> outcomes = new ArrayList<>();
    for (long seed : seeds) {
      outcomes.add(Simulator.run(config.withSeed(seed)));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.print(seeds.size() == 1 ? Report.markdown(outcomes.get(0)) : SeedTable.markdown(outcomes));
    out.printf(Locale.ROOT, "wall time: %.1f s (%d seeds, %d policies, %d threads, %d cores)%n", seconds, seeds.size(),
        config.policies().size(), Math.min(config.threads(), config.policies().size()),
        Runtime.getRuntime().availableProcessors());
    if (csv != null) {
      for (Simulator.Outcome o : outcomes) {
        Path file = seeds.size() == 1 ? csv : withSeed(csv, o.config().seed());
        try {
          if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
          }
          try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            Report.csv(o.results(), w);
          }
          out.println("csv: " + file);
        } catch (IOException e) {
          out.println("simulate: cannot write " + file + ": " + e.getMessage());
          return 1;
        }
      }
    }
    return 0;
  }

  private static String usage() {
    return String.format(USAGE, String.join(", ", java.util.stream.Stream.concat(Policies.ALL.stream(),
        Policies.VARIANTS.stream()).map(Policy::name).toList()));
  }

  private static List<Policy> policies(String names) {
    List<Policy> list = new ArrayList<>();
    for (String n : names.split(",")) {
      list.add(Policies.named(n.trim()).orElseThrow(() -> new IllegalArgumentException("unknown policy '" + n.trim() + "'")));
    }
    return list;
  }

  /** target/sim.csv -> target/sim-seed2.csv */
  static Path withSeed(Path csv, long seed) {
    String name = csv.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String named = dot < 0 ? name + "-seed" + seed : name.substring(0, dot) + "-seed" + seed + name.substring(dot);
    return csv.resolveSibling(named);
  }

  private static long seed(String option, String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a whole number");
    }
  }

  /** "1,2,3" or "3" (meaning 1,2,3). */
  static List<Long> seeds(String text) {
    if (!text.contains(",")) {
      int n = positiveInt("--seeds", text);
      List<Long> list = new ArrayList<>();
      for (long s = 1; s <= n; s++) {
        list.add(s);
      }
      return list;
    }
    List<Long> list = new ArrayList<>();
    for (String s : text.split(",")) {
      long seed = seed("--seeds", s);
      if (list.contains(seed)) {
        throw new IllegalArgumentException("--seeds: seed " + seed + " twice");
      }
      list.add(seed);
    }
    return list;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positiveInt(String option, String text) {
    try {
      int v = Integer.parseInt(text);
      if (v <= 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a positive whole number");
    }
  }

  private static double positive(String option, String text) {
    try {
      double v = Double.parseDouble(text);
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a positive number");
    }
  }
}

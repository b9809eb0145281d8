package io.featurejob.operator.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison over several seeds (the same worlds for every policy): each figure's mean over seeds
 * for the defaults, and for each peer its mean and its same-seed difference from the defaults with a
 * 95% t-interval over the seeds. Percentiles carry the number of samples behind them (summed over
 * seeds); a p95 with fewer than 20 samples in any seed is not reported.
 */
public final class SeedTable {
  private SeedTable() {}

  /** Two-sided 95% Student t quantiles for 1..10 degrees of freedom. */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};

  /** Mean and 95% half-width of a list of same-seed values (NaN half-width for one value). */
  record Estimate(double mean, double halfWidth, int n) {
    static Estimate of(List<Double> xs) {
      int n = xs.size();
      if (n == 0) {
        return new Estimate(Double.NaN, Double.NaN, 0);
      }
      double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      if (n == 1) {
        return new Estimate(mean, Double.NaN, 1);
      }
      double ss = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
      double t = n - 1 <= T975.length ? T975[n - 2] : 1.96;
      return new Estimate(mean, t * Math.sqrt(ss / (n - 1) / n), n);
    }
  }

  public static String markdown(List<Simulator.Outcome> outcomes) {
    Simulator.Outcome first = outcomes.get(0);
    SimConfig c = first.config();
    StringBuilder out = new StringBuilder();
    List<String> seeds = outcomes.stream().map(o -> Long.toString(o.config().seed())).toList();
    out.append(String.format(Locale.ROOT, "%,d jobs x %.0f days x %d seeds (%s), on-demand = %.1fx spot%s. Defaults: mean over "
            + "seeds. Peers: mean, then the same-seed difference from the defaults with its 95%% interval over seeds.%n%n",
        c.jobs(), c.length().toMinutes() / 1440.0, outcomes.size(), String.join(",", seeds), c.onDemandPrice(),
        c.model().equals(FailureModel.FIELD) ? "" : " (failure model differs from the field calibration)"));
    List<String> policies = first.results().stream().map(PolicyResult::policy).toList();
    out.append("| figure |");
    policies.forEach(p -> out.append(' ').append(p).append(" |"));
    out.append("\n|---|");
    policies.forEach(p -> out.append("---:|"));
    out.append('\n');
    for (Figure f : Figure.values()) {
      int parts = f.format == Figure.Format.MINUTES_PAIR ? 2 : 1;
      for (int part = 0; part < parts; part++) {
        out.append("| ").append(f.label).append(parts == 2 ? (part == 0 ? " (p50)" : " (p99)") : "").append(" |");
        for (int p = 0; p < policies.size(); p++) {
          out.append(' ').append(cell(outcomes, f, part, p)).append(" |");
        }
        out.append('\n');
      }
    }
    out.append('\n');
    for (Simulator.Outcome o : outcomes) {
      out.append("seed ").append(o.config().seed()).append(": ").append(o.world().shortageCount())
          .append(" shortage episodes, ").append(o.world().causes.size()).append(" permanent causes; ")
          .append(Report.calibration(o.exposure()));
    }
    return out.toString();
  }

  private static String cell(List<Simulator.Outcome> outcomes, Figure f, int part, int policy) {
    boolean percentile = f.format == Figure.Format.P50 || f.format == Figure.Format.P95;
    long samples = 0;
    boolean thin = false;
    List<Double> values = new ArrayList<>();
    List<Double> diffs = new ArrayList<>();
    for (Simulator.Outcome o : outcomes) {
      double[] v = o.results().get(policy).values(f);
      double[] d = o.results().get(0).values(f);
      if (percentile) {
        samples += Math.round(v[1]);
        thin |= f.format == Figure.Format.P95 && (v[1] < Figure.MIN_P95_SAMPLES || d[1] < Figure.MIN_P95_SAMPLES);
      }
      if (!Double.isNaN(v[part])) {
        values.add(v[part]);
        if (!Double.isNaN(d[part])) {
          diffs.add(v[part] - d[part]);
        }
      }
    }
    String n = percentile ? " (n=" + samples + ")" : "";
    if (thin) {
      return "n<20" + n;
    }
    Estimate mean = Estimate.of(values);
    if (mean.n() == 0) {
      return "n/a" + n;
    }
    String value = format(f, mean.mean());
    if (policy == 0) {
      return value + n;
    }
    Estimate diff = Estimate.of(diffs);
    if (diff.n() == 0) {
      return value + n;
    }
    String interval = Double.isNaN(diff.halfWidth()) ? ""
        : " [" + signed(f, diff.mean() - diff.halfWidth()) + ", " + signed(f, diff.mean() + diff.halfWidth()) + "]";
    return value + n + "; Δ " + signed(f, diff.mean()) + interval;
  }

  private static String format(Figure f, double x) {
    return switch (f.format) {
      case P50, P95, MINUTES_PAIR -> Report.minutes(x);
      case COUNT -> Math.abs(x) < 100 ? String.format(Locale.ROOT, "%.1f", x) : Report.format(f, new double[] {x});
      default -> Report.format(f, new double[] {x});
    };
  }

  private static String signed(Figure f, double x) {
    String body = format(f, Math.abs(x));
    return (x < 0 ? "-" : "+") + body;
  }
}

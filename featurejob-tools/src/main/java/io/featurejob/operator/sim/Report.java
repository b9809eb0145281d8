package io.featurejob.operator.sim;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The comparison as a markdown table (figures as rows, policies as columns) and as CSV (a row per policy). */
public final class Report {
  private Report() {}

  public static String markdown(Simulator.Outcome outcome) {
    SimConfig c = outcome.config();
    List<PolicyResult> results = outcome.results();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%,d jobs x %s, seed %d, on-demand = %.1fx spot; %d shortage episodes on %d spot pools, "
            + "%d permanent causes%s%n%n", c.jobs(), days(c), c.seed(), c.onDemandPrice(), outcome.world().shortageCount(),
        c.model().spotPools(), outcome.world().causes.size(),
        c.model().equals(FailureModel.FIELD) ? "" : " (failure model differs from the field calibration)"));
    out.append("| figure |");
    results.forEach(r -> out.append(' ').append(r.policy()).append(" |"));
    out.append("\n|---|");
    results.forEach(r -> out.append("---:|"));
    out.append('\n');
    for (Figure f : Figure.values()) {
      out.append("| ").append(f.label).append(" |");
      for (PolicyResult r : results) {
        out.append(' ').append(format(f, r.values(f))).append(" |");
      }
      out.append('\n');
    }
    out.append('\n');
    out.append(calibration(outcome.exposure()));
    return out.toString();
  }

  /** The world's events against the field's figures (per 30-day window). */
  static String calibration(Exposure e) {
    return String.format(Locale.ROOT, "calibration (world events, mean of %d 30-day window%s): %.1f%% of jobs met a "
        + "transient cause (field: 3.7%%), %.2f%% a permanent one (field: 0.5%%)%n", e.windows(), e.windows() == 1 ? "" : "s",
        100 * e.transientShare(), 100 * e.permanentShare());
  }

  public static void csv(List<PolicyResult> results, Writer out) throws IOException {
    List<String> header = new ArrayList<>(List.of("policy"));
    for (Figure f : Figure.values()) {
      if (f.format == Figure.Format.MINUTES_PAIR) {
        header.add(f.key + "_p50");
        header.add(f.key + "_p99");
      } else if (f.format == Figure.Format.P50 || f.format == Figure.Format.P95) {
        header.add(f.key);
        header.add(f.key + "_n");
      } else {
        header.add(f.key);
      }
    }
    header.add("jobs_with_transient_failure_share");
    header.add("jobs_with_permanent_failure_share");
    out.write(String.join(",", header) + "\n");
    for (PolicyResult r : results) {
      List<String> row = new ArrayList<>(List.of(r.policy()));
      for (Figure f : Figure.values()) {
        for (double v : r.values(f)) {
          row.add(number(v));
        }
      }
      row.add(number(r.jobsWithTransientFailure()));
      row.add(number(r.jobsWithPermanentFailure()));
      out.write(String.join(",", row) + "\n");
    }
  }

  static String format(Figure f, double[] v) {
    double x = v[0];
    if (Double.isNaN(x)) {
      return f.format == Figure.Format.P50 || f.format == Figure.Format.P95 ? "n/a (n=0)" : "n/a";
    }
    return switch (f.format) {
      case COUNT -> String.format(Locale.ROOT, "%,d", Math.round(x));
      case RATIO -> String.format(Locale.ROOT, "%.2f", x);
      case PERCENT -> String.format(Locale.ROOT, "%.1f%%", x);
      case RATE -> String.format(Locale.ROOT, "%.3f", x);
      case P50 -> minutes(x) + " (n=" + Math.round(v[1]) + ")";
      case P95 -> v[1] < Figure.MIN_P95_SAMPLES ? "n<20 (n=" + Math.round(v[1]) + ")"
          : minutes(x) + " (n=" + Math.round(v[1]) + ")";
      case MINUTES_PAIR -> minutes(v[0]) + " / " + minutes(v[1]);
      case DECIMAL -> String.format(Locale.ROOT, "%.1f", x);
      case POD_HOURS -> String.format(Locale.ROOT, "%,.0f", x / 3600);
    };
  }

  /** 4.5m, 42m, 3h05m, 2.5d. */
  static String minutes(double m) {
    if (Double.isNaN(m)) {
      return "n/a";
    }
    if (m < 10) {
      return String.format(Locale.ROOT, "%.1fm", m);
    }
    if (m < 60) {
      return String.format(Locale.ROOT, "%.0fm", m);
    }
    if (m < 48 * 60) {
      long whole = Math.round(m);
      return String.format(Locale.ROOT, "%dh%02dm", whole / 60, whole % 60);
    }
    return String.format(Locale.ROOT, "%.1fd", m / 1440);
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String days(SimConfig c) {
    double d = c.length().toMinutes() / 1440.0;
    return d == Math.rint(d) ? String.format(Locale.ROOT, "%d days", (long) d) : String.format(Locale.ROOT, "%.2f days", d);
  }
}

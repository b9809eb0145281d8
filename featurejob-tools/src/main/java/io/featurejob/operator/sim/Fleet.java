package io.featurejob.operator.sim;

import io.featurejob.operator.api.Importance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded synthetic fleet: schedules from every 5 minutes to daily (minutes and hours spread so jobs
 * do not all start at once), an importance mix, executor counts, spot pools and run durations.
 */
public final class Fleet {
  private Fleet() {}

  /**
   * Schedule shapes: period, share of the fleet, typical run time range (log-uniform). Feature jobs
   * are mostly hourly and daily; the few sub-hourly ones still make a third of all runs.
   */
  private record Shape(Duration period, double share, Duration minRun, Duration maxRun) {}

  private static final List<Shape> SHAPES = List.of(
      new Shape(Duration.ofMinutes(5), 0.01, Duration.ofMinutes(1), Duration.ofMinutes(3)),
      new Shape(Duration.ofMinutes(15), 0.02, Duration.ofMinutes(2), Duration.ofMinutes(8)),
      new Shape(Duration.ofMinutes(30), 0.04, Duration.ofMinutes(3), Duration.ofMinutes(15)),
      new Shape(Duration.ofHours(1), 0.38, Duration.ofMinutes(5), Duration.ofMinutes(30)),
      new Shape(Duration.ofHours(6), 0.20, Duration.ofMinutes(10), Duration.ofMinutes(60)),
      new Shape(Duration.ofDays(1), 0.35, Duration.ofMinutes(15), Duration.ofMinutes(90)));

  private static final Importance[] IMPORTANCE = Importance.values(); // Critical, High, Normal, Low
  private static final double[] IMPORTANCE_SHARE = {0.10, 0.20, 0.50, 0.20};
  private static final int[] EXECUTORS = {2, 2, 4, 4, 8};

  public static List<FleetJob> generate(int jobs, int spotPools, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<FleetJob> fleet = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      Shape shape = SHAPES.get(pick(random.nextDouble(), SHAPES.stream().mapToDouble(Shape::share).toArray()));
      Importance importance = IMPORTANCE[pick(random.nextDouble(), IMPORTANCE_SHARE)];
      Duration run = Duration.ofSeconds(Math.round(Draws.logUniform(random.nextDouble(),
          shape.minRun().toSeconds(), shape.maxRun().toSeconds())));
      fleet.add(new FleetJob(i, String.format("job-%06d", i), cron(shape.period(), random), shape.period(),
          importance, EXECUTORS[random.nextInt(EXECUTORS.length)], random.nextInt(spotPools), run));
    }
    return List.copyOf(fleet);
  }

  /** A cron expression with the given period and a random phase. */
  static String cron(Duration period, SplittableRandom random) {
    long minutes = period.toMinutes();
    if (minutes < 60) {
      return random.nextInt((int) minutes) + "-59/" + minutes + " * * * *";
    }
    int minute = random.nextInt(60);
    if (minutes == 60) {
      return minute + " * * * *";
    }
    long hours = period.toHours();
    if (hours < 24) {
      return minute + " " + random.nextInt((int) hours) + "-23/" + hours + " * * *";
    }
    return minute + " " + random.nextInt(24) + " * * *";
  }

  private static int pick(double u, double[] shares) {
    double acc = 0;
    for (int i = 0; i < shares.length; i++) {
      acc += shares[i];
      if (u < acc) {
        return i;
      }
    }
    return shares.length - 1;
  }
}

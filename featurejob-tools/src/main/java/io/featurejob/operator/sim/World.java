package io.featurejob.operator.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What happens to the fleet regardless of policy: shortage episodes per spot pool and permanent
 * causes per job, drawn once from the seed and replayed under every policy. Per-attempt luck
 * (blocked by a shortage? interrupted when?) comes from {@link Draws} keyed by job, run and attempt.
 */
public final class World {
  final FailureModel model;
  final long seed;
  private final Shortage[][] shortagesByPool;
  private final PermanentCause[][] causesByJob;
  final List<PermanentCause> causes;
  private static final long SALT_CAPACITY = 31;

  public World(FailureModel model, long seed, int jobs, List<Shortage> shortages, List<PermanentCause> causes) {
    this.model = model;
    this.seed = seed;
    int pools = Math.max(model.spotPools(), shortages.stream().mapToInt(s -> s.pool() + 1).max().orElse(0));
    this.shortagesByPool = new Shortage[pools][];
    for (int p = 0; p < pools; p++) {
      int pool = p;
      shortagesByPool[p] = shortages.stream().filter(s -> s.pool() == pool)
          .sorted(Comparator.comparingLong(Shortage::start)).toArray(Shortage[]::new);
    }
    this.causesByJob = new PermanentCause[jobs][];
    List<List<PermanentCause>> perJob = new ArrayList<>();
    for (int j = 0; j < jobs; j++) {
      perJob.add(new ArrayList<>());
    }
    causes.forEach(c -> perJob.get(c.job()).add(c));
    for (int j = 0; j < jobs; j++) {
      causesByJob[j] = perJob.get(j).toArray(PermanentCause[]::new);
    }
    this.causes = List.copyOf(causes);
  }

  /** Draws the shortages and causes for [start, end) from the model and the seed. */
  public static World generate(List<FleetJob> fleet, FailureModel model, long seed, Instant start, Instant end) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5eedL);
    long from = start.toEpochMilli();
    long to = end.toEpochMilli();
    double days = (to - from) / 86_400_000.0;
    List<Shortage> shortages = new ArrayList<>();
    for (int pool = 0; pool < model.spotPools(); pool++) {
      // Poisson arrivals; an episode starts only after the previous one ended (no overlaps per pool).
      long t = from;
      while (model.shortagesPerPoolPerDay() > 0) {
        t += (long) (Draws.exponential(random.nextDouble(), model.shortagesPerPoolPerDay()) * 86_400_000);
        if (t >= to) {
          break;
        }
        long length = (long) Draws.logUniform(random.nextDouble(), model.shortageMin().toMillis(),
            model.shortageMax().toMillis());
        double severity = model.severityMin() + random.nextDouble() * (model.severityMax() - model.severityMin());
        shortages.add(new Shortage(pool, t, t + length, severity));
        t += length;
      }
    }
    List<PermanentCause> causes = new ArrayList<>();
    for (FleetJob job : fleet) {
      long t = from;
      while (model.permanentCausesPerJobDay() > 0) {
        t += (long) (Draws.exponential(random.nextDouble(), model.permanentCausesPerJobDay()) * 86_400_000);
        if (t >= to) {
          break;
        }
        double u = random.nextDouble();
        PermanentCause.Kind kind = u < model.permissionShare() ? PermanentCause.Kind.PermissionRevoked
            : u < model.permissionShare() + model.userCodeShare() ? PermanentCause.Kind.CodeBug
            : PermanentCause.Kind.DataSpike;
        Duration median = kind == PermanentCause.Kind.DataSpike ? model.spikeMedian() : model.unpromptedFixMedian();
        long lasts = (long) Draws.lognormal(gaussian(random), median.toMillis(), model.lognormalSigma());
        double need = kind == PermanentCause.Kind.DataSpike
            ? Draws.logUniform(random.nextDouble(), 1.2, model.spikeMemoryMax()) : 0;
        causes.add(new PermanentCause(causes.size(), job.index(), kind, t, t + Math.max(lasts, 60_000), need));
        t += lasts;
      }
    }
    return new World(model, seed, fleet.size(), shortages, causes);
  }

  /** The shortage on the pool at t, or null. */
  Shortage shortageAt(int pool, long t) {
    if (pool >= shortagesByPool.length) {
      return null;
    }
    Shortage[] list = shortagesByPool[pool];
    int lo = 0;
    int hi = list.length - 1;
    while (lo <= hi) { // last episode starting at or before t
      int mid = (lo + hi) >>> 1;
      if (list[mid].start() <= t) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return hi >= 0 && list[hi].covers(t) ? list[hi] : null;
  }

  /**
   * The first moment at or after t at which the pool has capacity for a spot pod. During a shortage
   * the pool is checked every {@code recheck}; each check is one draw shared by every pod of the pool,
   * so a pod that has been pending and one launched now get the same answer at the same check.
   */
  long capacityFrom(int pool, long t) {
    long recheck = model.recheck().toMillis();
    long check = t;
    Shortage s = shortageAt(pool, check);
    while (s != null && Draws.unit(seed, pool, Math.floorDiv(check, recheck), 0, SALT_CAPACITY) < s.severity()) {
      check = Math.min(s.end(), (Math.floorDiv(check, recheck) + 1) * recheck);
      s = shortageAt(pool, check);
    }
    return check;
  }

  PermanentCause[] causesOf(int job) {
    return causesByJob[job];
  }

  int shortageCount() {
    int n = 0;
    for (Shortage[] s : shortagesByPool) {
      n += s.length;
    }
    return n;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = Math.max(random.nextDouble(), 1e-12);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}

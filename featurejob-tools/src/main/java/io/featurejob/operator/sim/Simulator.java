package io.featurejob.operator.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Builds the fleet and the world once from the seed and replays them under each policy. */
public final class Simulator {
  private Simulator() {}

  /** Everything one simulation produced. */
  public record Outcome(SimConfig config, List<FleetJob> fleet, World world, Exposure exposure,
      List<PolicyResult> results) {}

  public static Outcome run(SimConfig config) {
    List<FleetJob> fleet = Fleet.generate(config.jobs(), config.model().spotPools(), config.seed());
    World world = World.generate(fleet, config.model(), config.seed(), config.start(), config.end());
    Exposure exposure = Exposure.of(fleet, world, config.start(), config.end());
    return new Outcome(config, fleet, world, exposure, run(config, fleet, world));
  }

  public static List<PolicyResult> run(SimConfig config, List<FleetJob> fleet, World world) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(config.threads(), config.policies().size())));
    try {
      List<Future<PolicyResult>> futures = new ArrayList<>();
      for (Policy policy : config.policies()) {
        futures.add(pool.submit(() -> new Simulation(fleet, world, policy, config.start(), config.end(),
            config.onDemandPrice(), config.exactRequeue(), null).run()));
      }
      List<PolicyResult> results = new ArrayList<>();
      for (Future<PolicyResult> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("simulation failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}

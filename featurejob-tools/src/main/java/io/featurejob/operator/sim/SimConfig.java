package io.featurejob.operator.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One simulation: the fleet size and length, the seed everything is drawn from, the failure model,
 * the policies to compare and what on-demand costs relative to spot.
 *
 * @param threads policies run in parallel, one per thread (results do not depend on it)
 * @param exactRequeue replay every 10-minute safety-net requeue instead of skipping the idle ones
 */
public record SimConfig(
    int jobs,
    Duration length,
    long seed,
    Instant start,
    FailureModel model,
    List<Policy> policies,
    double onDemandPrice,
    int threads,
    boolean exactRequeue) {

  public static final Instant DEFAULT_START = Instant.parse("2026-01-05T00:00:00Z");

  public static SimConfig defaults() {
    return new SimConfig(1_000, Duration.ofDays(30), 1L, DEFAULT_START, FailureModel.FIELD, Policies.ALL, 3.0,
        Math.max(1, Runtime.getRuntime().availableProcessors()), false);
  }

  public Instant end() {
    return start.plus(length);
  }

  public SimConfig withJobs(int jobs, Duration length) {
    return new SimConfig(jobs, length, seed, start, model, policies, onDemandPrice, threads, exactRequeue);
  }

  public SimConfig withSeed(long seed) {
    return new SimConfig(jobs, length, seed, start, model, policies, onDemandPrice, threads, exactRequeue);
  }

  public SimConfig withModel(FailureModel model) {
    return new SimConfig(jobs, length, seed, start, model, policies, onDemandPrice, threads, exactRequeue);
  }

  public SimConfig withPolicies(List<Policy> policies) {
    return new SimConfig(jobs, length, seed, start, model, policies, onDemandPrice, threads, exactRequeue);
  }

  public SimConfig withOnDemandPrice(double onDemandPrice) {
    return new SimConfig(jobs, length, seed, start, model, policies, onDemandPrice, threads, exactRequeue);
  }

  public SimConfig withThreads(int threads) {
    return new SimConfig(jobs, length, seed, start, model, policies, onDemandPrice, threads, exactRequeue);
  }

  public SimConfig withExactRequeue(boolean exactRequeue) {
    return new SimConfig(jobs, length, seed, start, model, policies, onDemandPrice, threads, exactRequeue);
  }
}

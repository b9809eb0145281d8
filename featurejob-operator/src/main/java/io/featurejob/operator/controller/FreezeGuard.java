package io.featurejob.operator.controller;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a leader that was frozen (SIGSTOP, a paused VM, a node under memory pressure) for longer than its
 * Lease can be trusted, before it sends anything more. After such a freeze a standby may lead already, and
 * optimistic locking alone accepts a thawed write whose view happens to be current; the Lease elector notices
 * the loss only at its next renew, while every reconcile thread resumes at once.
 *
 * <p>A heartbeat beats every {@link #BEAT}; a gap of more than {@link #LIMIT} since the last beat, seen by the
 * heartbeat or by a request about to be sent (whichever thread runs first after the thaw), means the process
 * was frozen: {@code onFreeze} runs (in production: log and halt, as on a lost Lease) and that request and
 * every later one is refused. A thread frozen between this check and its socket write is the window left.
 */
final class FreezeGuard implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger(FreezeGuard.class);

  static final Duration BEAT = Duration.ofMillis(100);
  /**
   * JOSDK's Lease: 15 s duration, renewed every 2 s; a standby takes over no sooner than 15 s after the last
   * renew, so a freeze of up to about 13 s is still safe. 5 s leaves room for clock skew and slow renews, and
   * is far above any GC pause of the chart's heap.
   */
  static final Duration LIMIT = Duration.ofSeconds(5);

  private final LongSupplier nanoTime;
  private final Runnable onFreeze;
  private final AtomicBoolean frozen = new AtomicBoolean();
  private volatile long lastBeat;

  FreezeGuard(LongSupplier nanoTime, Runnable onFreeze) {
    this.nanoTime = nanoTime;
    this.onFreeze = onFreeze;
    this.lastBeat = nanoTime.getAsLong();
  }

  /** A guard whose daemon thread beats on the monotonic clock; a freeze logs and halts the process. */
  static FreezeGuard halting() {
    FreezeGuard guard = new FreezeGuard(System::nanoTime, () -> Runtime.getRuntime().halt(1));
    Thread heartbeat = new Thread(() -> {
      while (guard.beat()) {
        try {
          Thread.sleep(BEAT.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "freeze-guard");
    heartbeat.setDaemon(true);
    heartbeat.start();
    return guard;
  }

  /** The heartbeat: false once a freeze was seen (it never beats again, so no request passes after it). */
  boolean beat() {
    long now = nanoTime.getAsLong(); // read once: a freeze after this line leaves the old time, not a fresh one
    if (!alive(now)) {
      return false;
    }
    lastBeat = now;
    return true;
  }

  /** False when a freeze was seen now or before. */
  boolean alive() {
    return alive(nanoTime.getAsLong());
  }

  /**
   * The beat is written only after this check passed on the same reading of the clock, so a request thread
   * that reads a fresh beat after a thaw cannot exist: the heartbeat's first check after the thaw fails.
   */
  private boolean alive(long now) {
    long gap = now - lastBeat;
    if (frozen.get()) {
      return false;
    }
    if (gap > LIMIT.toNanos()) {
      if (frozen.compareAndSet(false, true)) {
        LOG.error("frozen for {} ms (more than {} s): a standby may lead by now; stopping", gap / 1_000_000,
            LIMIT.toSeconds());
        onFreeze.run();
      }
      return false;
    }
    return true;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (!alive()) {
      throw new IllegalStateException("this process was frozen past its Lease: "
          + request.method() + " " + request.uri().getPath() + " not sent");
    }
  }
}

package io.featurejob.operator.events;

/** Event reasons of DESIGN §7, each with its Kubernetes event type. */
public enum EventReason {
  RunStarted(Type.Normal),
  RunSucceeded(Type.Normal),
  Recovered(Type.Normal),
  RunFailed(Type.Warning),
  RetryScheduled(Type.Normal),
  AlertThresholdReached(Type.Warning),
  PermanentlyFailed(Type.Warning),
  Unblocked(Type.Normal),
  CapacityFallback(Type.Normal),
  MemoryEscalated(Type.Normal),
  InvalidSpec(Type.Warning);

  public enum Type { Normal, Warning }

  private final Type type;

  EventReason(Type type) {
    this.type = type;
  }

  public Type type() {
    return type;
  }
}

package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Prints every FeatureJob event as it happens, with the time since the demo started. */
final class Timeline implements AutoCloseable {
  private final PrintStream out;
  private final Clock clock;
  private final Instant start;
  private final SharedIndexInformer<Event> informer;
  private final List<String> lines = new ArrayList<>();

  Timeline(KubernetesClient client, String namespace, PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
    this.start = clock.instant();
    this.informer = client.v1().events().inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Event e) {
        print(e);
      }

      @Override
      public void onUpdate(Event before, Event after) {
        if (!Objects.equals(before.getCount(), after.getCount())) {
          print(after);
        }
      }

      @Override
      public void onDelete(Event e, boolean unknown) {}
    });
  }

  private synchronized void print(Event e) {
    if (!"FeatureJob".equals(e.getInvolvedObject().getKind())) {
      return;
    }
    double seconds = Duration.between(start, clock.instant()).toMillis() / 1000.0;
    String message = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
    if (message.length() > 150) {
      message = message.substring(0, 147) + "...";
    }
    String line = String.format("T+%5.1fs  %-13s %-7s %-21s %s", seconds, e.getInvolvedObject().getName(),
        e.getType(), e.getReason(), message);
    lines.add(line);
    out.println(line);
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    informer.close();
  }
}

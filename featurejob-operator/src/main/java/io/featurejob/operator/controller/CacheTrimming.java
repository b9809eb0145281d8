package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What the informer caches keep of each object: memory per job is mostly these caches (issue 15). Both
 * drop {@code managedFields} and kubectl's last-applied-configuration annotation (a second copy of the
 * object), which nothing in the operator reads. Pods also lose their spec (the operator decides from pod
 * metadata and status only: observe/, classify/Evidence, spark/PodAttempt) but keep spec.nodeName, and
 * their status keeps what those read: phase, reason, message, start time, conditions and container
 * statuses.
 *
 * <p>The operator never writes a cached object back whole: pods are created from scratch and deleted by
 * name, a FeatureJob's status goes to the status subresource (which ignores the rest), its legacy
 * finalizer is removed by a JSON patch of that field alone.
 */
final class CacheTrimming {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  /** Informers list in pages of this many objects: a start with 10,000 jobs never holds one huge response. */
  static final long LIST_PAGE = 500;

  private CacheTrimming() {}

  /** A cache that stores objects trimmed by {@code trim}, keyed as the informer's default store. */
  static <T extends HasMetadata> ItemStore<T> store(UnaryOperator<T> trim) {
    return store(trim, o -> true);
  }

  /**
   * As {@link #store(UnaryOperator)}, keeping only the objects {@code keep} accepts (this shard's,
   * {@link ShardFilter}): another shard's object is never held. fabric8 then reports each of its updates as
   * an add (nothing was stored before) and none of its deletes; the informer's event filter drops those
   * adds. The predicate must depend only on what never changes (namespace, name, the job label), and an
   * indexer on such a cache must give nothing for a dropped object (fabric8 indexes before the store).
   */
  static <T extends HasMetadata> ItemStore<T> store(UnaryOperator<T> trim, Predicate<? super T> keep) {
    return new TrimmingStore<>(trim, keep);
  }

  static <T extends HasMetadata> T metadata(T object) {
    ObjectMeta meta = object.getMetadata();
    if (meta != null) {
      meta.setManagedFields(null);
      if (meta.getAnnotations() != null && meta.getAnnotations().containsKey(LAST_APPLIED)) {
        Map<String, String> annotations = new HashMap<>(meta.getAnnotations());
        annotations.remove(LAST_APPLIED);
        meta.setAnnotations(annotations);
      }
    }
    return object;
  }

  static Pod pod(Pod pod) {
    metadata(pod);
    PodSpec spec = new PodSpec();
    spec.setNodeName(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    pod.setSpec(spec);
    PodStatus status = pod.getStatus();
    if (status != null) {
      PodStatus kept = new PodStatus();
      kept.setPhase(status.getPhase());
      kept.setReason(status.getReason());
      kept.setMessage(status.getMessage());
      kept.setStartTime(status.getStartTime());
      kept.setConditions(status.getConditions());
      kept.setContainerStatuses(status.getContainerStatuses());
      kept.setInitContainerStatuses(status.getInitContainerStatuses());
      pod.setStatus(kept);
    }
    return pod;
  }

  private static final class TrimmingStore<T extends HasMetadata> implements ItemStore<T> {
    private final BasicItemStore<T> delegate = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final UnaryOperator<T> trim;
    private final Predicate<? super T> keep;

    TrimmingStore(UnaryOperator<T> trim, Predicate<? super T> keep) {
      this.trim = trim;
      this.keep = keep;
    }

    @Override
    public String getKey(T object) {
      return delegate.getKey(object);
    }

    @Override
    public T put(String key, T object) {
      if (!keep.test(object)) {
        return null;
      }
      return delegate.put(key, trim.apply(object));
    }

    @Override
    public T remove(String key) {
      return delegate.remove(key);
    }

    @Override
    public Stream<String> keySet() {
      return delegate.keySet();
    }

    @Override
    public Stream<T> values() {
      return delegate.values();
    }

    @Override
    public int size() {
      return delegate.size();
    }

    @Override
    public T get(String key) {
      return delegate.get(key);
    }
  }
}

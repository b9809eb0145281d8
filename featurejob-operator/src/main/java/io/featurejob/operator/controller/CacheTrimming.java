package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
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
    return new TrimmingStore<>(trim);
  }

  /**
   * As {@link #store(UnaryOperator)}, but an object {@code keep} refuses (another shard's, {@link ShardFilter})
   * is stored as {@code stub(object)}: its name, namespace, uid and resourceVersion (and a pod's job label),
   * a few hundred bytes instead of the object. Not nothing: fabric8's cache indexes every object it puts
   * (the namespace index) before the store sees it and unindexes a delete only when the store returns what
   * it held, so a store that dropped objects would leave their keys in that index for ever. The stubs
   * never reach the reconciler: other shards' objects map to no job and their events are filtered out.
   */
  static <T extends HasMetadata> ItemStore<T> store(UnaryOperator<T> trim, Predicate<? super T> keep,
      UnaryOperator<T> stub) {
    return new TrimmingStore<>(object -> keep.test(object) ? trim.apply(object) : stub.apply(object));
  }

  /** The identity of an object of another shard: what its cache entry and delete event need. */
  static ObjectMeta stubMetadata(HasMetadata object, String keptLabel) {
    ObjectMeta meta = object.getMetadata();
    ObjectMeta stub = new ObjectMeta();
    stub.setName(meta.getName());
    stub.setNamespace(meta.getNamespace());
    stub.setUid(meta.getUid());
    stub.setResourceVersion(meta.getResourceVersion());
    if (keptLabel != null && meta.getLabels() != null && meta.getLabels().containsKey(keptLabel)) {
      stub.setLabels(Map.of(keptLabel, meta.getLabels().get(keptLabel)));
    }
    return stub;
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

  /** Another shard's pod: its identity and job label ({@link ShardFilter#ownsPod} still answers no on it). */
  static Pod podStub(Pod pod) {
    Pod stub = new Pod();
    stub.setMetadata(stubMetadata(pod, Labels.JOB));
    return stub;
  }

  /** Another shard's FeatureJob: its identity. */
  static FeatureJob jobStub(FeatureJob job) {
    FeatureJob stub = new FeatureJob();
    stub.setMetadata(stubMetadata(job, null));
    return stub;
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

    TrimmingStore(UnaryOperator<T> trim) {
      this.trim = trim;
    }

    @Override
    public String getKey(T object) {
      return delegate.getKey(object);
    }

    @Override
    public T put(String key, T object) {
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

package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.spark.SpecReferences;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Retry on a fixed Secret or ConfigMap ({@code policy.RetryOnFix}): watches the Secrets and ConfigMaps of
 * the managed namespaces, maps a change to the FeatureJobs whose spec references the object (an index on
 * the FeatureJob cache), and gives the reconciler the fingerprint of a job's references. The cache keeps
 * metadata only ({@link MetadataOnly}): data is dropped as it arrives, so no secret value is held.
 * Kubernetes has no metadata-only RBAC verb: this needs list and watch on secrets and configmaps in the
 * managed namespaces (chart value {@code watchReferences}); without it jobs retry on spec edits only.
 */
final class ReferenceWatch {
  static final String INDEX = "featurejob.io/references";

  private ReferenceWatch() {}

  /** {@code shard}: another shard's job (a stub in the job cache) is not indexed. */
  static List<EventSource<?, FeatureJob>> eventSources(EventSourceContext<FeatureJob> context, ShardFilter shard) {
    context.getPrimaryCache().addIndexer(INDEX, job -> !shard.ownsJob(job) ? List.of()
        : SpecReferences.of(job.getSpec()).stream()
            .map(r -> key(job.getMetadata().getNamespace(), r.kind(), r.name())).toList());
    return List.of(
        source(context, Secret.class, SpecReferences.Kind.Secret,
            s -> new SecretBuilder().withMetadata(meta(s)).build()),
        source(context, ConfigMap.class, SpecReferences.Kind.ConfigMap,
            c -> new ConfigMapBuilder().withMetadata(meta(c)).build()));
  }

  /** The fingerprint of the job's references as the watch sees them now; null when it references none. */
  static String fingerprint(FeatureJob job, Context<FeatureJob> context) {
    String namespace = job.getMetadata().getNamespace();
    return SpecReferences.fingerprint(SpecReferences.of(job.getSpec()), r -> {
      Class<? extends HasMetadata> type = r.kind() == SpecReferences.Kind.Secret ? Secret.class : ConfigMap.class;
      InformerEventSource<?, ?> source = (InformerEventSource<?, ?>) context.eventSourceRetriever()
          .getEventSourceFor(type, name(r.kind()));
      return source.get(new ResourceID(r.name(), namespace)).map(o -> o.getMetadata().getResourceVersion()).orElse(null);
    });
  }

  private static <R extends HasMetadata> EventSource<R, FeatureJob> source(EventSourceContext<FeatureJob> context,
      Class<R> type, SpecReferences.Kind kind, UnaryOperator<R> strip) {
    InformerEventSourceConfiguration<R> config = InformerEventSourceConfiguration.from(type, FeatureJob.class)
        .withName(name(kind))
        .withSecondaryToPrimaryMapper(object -> jobsReferencing(context, kind, object))
        .withItemStore(new MetadataOnly<>(strip))
        .build();
    return new InformerEventSource<>(config, context);
  }

  private static Set<ResourceID> jobsReferencing(EventSourceContext<FeatureJob> context, SpecReferences.Kind kind,
      HasMetadata object) {
    return context.getPrimaryCache()
        .byIndex(INDEX, key(object.getMetadata().getNamespace(), kind, object.getMetadata().getName()))
        .stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static String name(SpecReferences.Kind kind) {
    return "references-" + kind;
  }

  static String key(String namespace, SpecReferences.Kind kind, String name) {
    return namespace + "/" + kind + "/" + name;
  }

  private static ObjectMeta meta(HasMetadata o) {
    ObjectMeta m = o.getMetadata();
    return new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace()).withUid(m.getUid())
        .withResourceVersion(m.getResourceVersion()).build();
  }

  /** An informer store that keeps name, namespace, uid and resourceVersion of each object, nothing else. */
  static final class MetadataOnly<R extends HasMetadata> extends BasicItemStore<R> {
    private final UnaryOperator<R> strip;

    MetadataOnly(UnaryOperator<R> strip) {
      super(Cache::metaNamespaceKeyFunc);
      this.strip = strip;
    }

    @Override
    public R put(String key, R object) {
      return super.put(key, strip.apply(object));
    }
  }
}

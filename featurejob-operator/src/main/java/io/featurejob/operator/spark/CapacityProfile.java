package io.featurejob.operator.spark;

import io.featurejob.operator.api.CapacityType;

/**
 * How the cluster's node pools map to {@link CapacityType}s: one {@link NodePlacement} each for
 * on-demand and spot. Presets live in {@link CapacityProfiles}; a custom one loads from YAML:
 *
 * <pre>{@code
 * name: my-pools
 * onDemand:
 *   nodeSelector: {pool: general}
 * spot:
 *   nodeSelector: {pool: spot}
 *   tolerations: [{key: spot, operator: Exists, effect: NoSchedule}]
 *   requiredNodeAffinity:
 *     - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a]}]
 * }</pre>
 */
public record CapacityProfile(String name, NodePlacement onDemand, NodePlacement spot) {

  public CapacityProfile {
    onDemand = onDemand == null ? NodePlacement.anywhere() : onDemand;
    spot = spot == null ? NodePlacement.anywhere() : spot;
  }

  public NodePlacement placement(CapacityType type) {
    return switch (type) {
      case OnDemand -> onDemand;
      case Spot -> spot;
    };
  }
}

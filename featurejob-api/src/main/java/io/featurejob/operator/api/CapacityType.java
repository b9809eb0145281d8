package io.featurejob.operator.api;

/** The kind of node a Spark pod runs on; mapped to node pools by the operator's capacity profile. */
public enum CapacityType { OnDemand, Spot }

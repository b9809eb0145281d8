package io.featurejob.operator.api;

/** How much stale features hurt; decides alert severity for staleness. */
public enum Importance { Critical, High, Normal, Low }

package io.featurejob.operator.api;

public enum Outcome { Succeeded, Failed, Cancelled }

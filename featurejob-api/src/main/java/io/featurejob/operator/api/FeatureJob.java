package io.featurejob.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A recurring (or one-off) Spark feature computation whose failures the operator resolves. */
@Group(FeatureJob.GROUP)
@Version(FeatureJob.VERSION)
@Kind("FeatureJob")
@Plural("featurejobs")
@Singular("featurejob")
@ShortNames("fj")
@AdditionalPrinterColumn(name = "Feature View", jsonPath = ".spec.featureView", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Failures", jsonPath = ".status.consecutiveFailures", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Last Failure", jsonPath = ".status.lastFailure.class", type = AdditionalPrinterColumn.Type.STRING)
// A string, not a date: kubectl renders future dates as "<invalid>".
@AdditionalPrinterColumn(name = "Next Run", jsonPath = ".status.nextRunTime", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last Success", jsonPath = ".status.lastSuccessTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class FeatureJob extends CustomResource<FeatureJobSpec, FeatureJobStatus> implements Namespaced {
  public static final String GROUP = "featurejob.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "featurejobs." + GROUP;
}

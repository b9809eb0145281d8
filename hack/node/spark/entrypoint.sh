#!/bin/bash
# The Spark image's entrypoint (hack/image/spark.Containerfile). The driver pod names its command
# (spark-submit); executor pods are created by Spark with the argument "executor" and the
# SPARK_EXECUTOR_* / SPARK_DRIVER_URL / SPARK_JAVA_OPT_<n> environment Spark sets on them, and this
# starts Spark's Kubernetes executor backend from them, as the entrypoint of Spark's own image does.
set -euo pipefail

if [ "${1:-}" != executor ]; then
  exec /usr/bin/tini -s -- "$@"
fi

# SPARK_JAVA_OPT_0, _1, ... in order: JVM options Spark passes to executors
java_opts=()
while IFS= read -r opt; do
  java_opts+=("$opt")
done < <(env | awk -F= '/^SPARK_JAVA_OPT_[0-9]+=/ {n=substr($1, 16); sub(/^[^=]*=/, ""); print n "\t" $0}' \
  | sort -n | cut -f2-)

exec /usr/bin/tini -s -- java "${java_opts[@]}" \
  -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" \
  -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" \
  org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
  --driver-url "$SPARK_DRIVER_URL" \
  --executor-id "$SPARK_EXECUTOR_ID" \
  --cores "$SPARK_EXECUTOR_CORES" \
  --app-id "$SPARK_APPLICATION_ID" \
  --hostname "$SPARK_EXECUTOR_POD_IP" \
  --resourceProfileId "$SPARK_RESOURCE_PROFILE_ID" \
  --podName "$SPARK_EXECUTOR_POD_NAME"

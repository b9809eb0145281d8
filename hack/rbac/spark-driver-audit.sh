#!/usr/bin/env bash
# Which Kubernetes API calls does a real Spark 3.5 driver make, run the way a FeatureJob runs it?
# Answered from kube-apiserver's audit log; docs/spark-driver-rbac.md records the result, and the
# drivers' Role (helm/featurejob-operator/templates/spark-rbac.yaml) grants exactly that.
#
#   hack/rbac/spark-driver-audit.sh [SPARK_HOME]     MODE=measure (default) | verify
#
# SPARK_HOME: the argument, else $SPARK_HOME, else what `hack/spark/install.sh env` prints.
#
# measure: a control plane of its own (hack/cluster.sh, state under target/, stopped at exit) with an
#   audit policy that logs only the featurejob-spark ServiceAccount of one namespace. There: the CRD,
#   deploy/job-namespace/ (the ServiceAccount) plus a Role allowing everything in the namespace, so no
#   call is refused and Spark goes through its whole start and stop. The operator (the built jar, as
#   the admin) launches a FeatureJob: its real driver pod (Pending: no kubelet) and executor template
#   ConfigMap. Then spark-submit runs on this host with that pod's own arguments (master, pod IP and
#   name, template path and application file swapped for local ones) and the ServiceAccount's token
#   (spark.kubernetes.authenticate.oauthTokenFile, client mode's prefix): the driver reads its pod,
#   requests executors (they stay Pending), polls, and stops after 45 s (SparkSession.stop, as at the
#   end of every job); once its first executor exists, this script marks it Failed (as the kubelet
#   reports an OOM-killed executor) so the driver's handling of a lost executor is recorded as well.
#   Prints each verb and resource the ServiceAccount used, with the status codes.
# verify: the same run with only deploy/job-namespace/'s Role; fails if any call was refused.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
MODE="${MODE:-measure}"
NS=spark-audit
SA=featurejob-spark
JOB=audit-job
WORK="$ROOT/target/spark-driver-audit-$MODE"

SPARK_HOME="${1:-${SPARK_HOME:-}}"
if [ -z "$SPARK_HOME" ] && [ -x hack/spark/install.sh ]; then
  SPARK_HOME="$(hack/spark/install.sh env | tail -1 | sed 's/^.*=//; s/^"//; s/"$//')"
fi
[ -x "$SPARK_HOME/bin/spark-submit" ] || { echo "no Spark: pass SPARK_HOME (bin/spark-submit)" >&2; exit 2; }
JAR="$(ls featurejob-operator/target/featurejob-operator.jar 2>/dev/null | head -1)"
[ -n "$JAR" ] || { echo "no operator jar: run 'make build'" >&2; exit 2; }

rm -rf "$WORK" && mkdir -p "$WORK"
export FEATUREJOB_CLUSTER_STATE="$WORK/cluster"
export FEATUREJOB_CLUSTER_AUDIT_POLICY="$WORK/audit-policy.yaml"
cat > "$FEATUREJOB_CLUSTER_AUDIT_POLICY" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    users: ["system:serviceaccount:$NS:$SA"]
  - level: None
EOF

OPERATOR_PID=""
cleanup() {
  [ -n "$OPERATOR_PID" ] && kill "$OPERATOR_PID" 2>/dev/null || true
  hack/cluster.sh down
}
trap cleanup EXIT
hack/cluster.sh up
export KUBECONFIG="$FEATUREJOB_CLUSTER_STATE/kubeconfig"
K="$(hack/cluster.sh bin)/kubectl"
PORT="$(cat "$FEATUREJOB_CLUSTER_STATE/apiserver-port")"

"$K" apply --server-side -f crds/ >/dev/null
hack/await-crd.sh "$K"
"$K" create namespace "$NS" >/dev/null
sed "s/namespace: featurejob-jobs$/namespace: $NS/" deploy/job-namespace/job-namespace.yaml | "$K" apply -f - >/dev/null
if [ "$MODE" = measure ]; then
  "$K" apply -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: measure-everything, namespace: $NS}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: measure-everything, namespace: $NS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: measure-everything}
subjects: [{kind: ServiceAccount, name: $SA, namespace: $NS}]
EOF
fi

# The operator launches the FeatureJob's driver pod and executor template, then is stopped.
FEATUREJOB_WATCH_NAMESPACES="$NS" FEATUREJOB_METRICS_BIND_ADDRESS=127.0.0.1 FEATUREJOB_METRICS_PORT=0 \
  java -jar "$JAR" run > "$WORK/operator.log" 2>&1 &
OPERATOR_PID=$!
"$K" apply -f - >/dev/null <<EOF
apiVersion: featurejob.io/v1alpha1
kind: FeatureJob
metadata: {name: $JOB, namespace: $NS}
spec:
  featureView: audit
  spark:
    image: apache/spark:3.5.3
    mainApplicationFile: local:///opt/app/features.py
    executor: {instances: 2, cores: "1", memory: 512m}
EOF
POD=""
for _ in $(seq 1 120); do
  POD="$("$K" -n "$NS" get pods -l spark-role=driver -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
  [ -n "$POD" ] && break
  sleep 0.5
done
[ -n "$POD" ] || { tail -20 "$WORK/operator.log" >&2; echo "the operator launched no driver pod" >&2; exit 1; }
kill "$OPERATOR_PID"; wait "$OPERATOR_PID" 2>/dev/null || true; OPERATOR_PID=""
echo "[audit] driver pod $NS/$POD (Pending: no kubelet); operator stopped"

CONFIGMAP="$("$K" -n "$NS" get pod "$POD" -o jsonpath='{.spec.volumes[?(@.name=="executor-template")].configMap.name}')"
# the template the driver's spark.kubernetes.executor.podTemplateFile names (one per executor capacity)
TEMPLATE_KEY="$("$K" -n "$NS" get pod "$POD" -o jsonpath='{.spec.containers[0].args}' \
  | python3 -c 'import json, sys; print([a.rsplit("/", 1)[1] for a in json.load(sys.stdin) if a.startswith("spark.kubernetes.executor.podTemplateFile=")][-1])')"
"$K" -n "$NS" get configmap "$CONFIGMAP" -o json \
  | python3 -c 'import json, sys; sys.stdout.write(json.load(sys.stdin)["data"][sys.argv[1]])' "$TEMPLATE_KEY" \
  > "$WORK/executor-template.yaml"
"$K" -n "$NS" create token "$SA" --duration=1h > "$WORK/token"
cat > "$WORK/app.py" <<'EOF'
# Starts a session (the driver requests its executors), outlives the first executor poll (30 s), stops.
import time
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
time.sleep(45)
spark.stop()
EOF
"$K" -n "$NS" get pod "$POD" -o jsonpath='{.spec.containers[0].args}' | python3 -c '
import json, sys
args = json.load(sys.stdin)
pod, port, work = sys.argv[1], sys.argv[2], sys.argv[3]
out = []
for a in args:
    a = a.replace("$(POD_IP)", "127.0.0.1").replace("$(POD_NAME)", pod)
    a = a.replace("k8s://https://kubernetes.default.svc", "k8s://https://127.0.0.1:" + port)
    if a.startswith("spark.kubernetes.executor.podTemplateFile="):
        a = "spark.kubernetes.executor.podTemplateFile=" + work + "/executor-template.yaml"
    out.append(a)
out[-1] = work + "/app.py"   # the application file (no arguments in this FeatureJob)
out[-1:-1] = ["--conf", "spark.kubernetes.authenticate.oauthTokenFile=" + work + "/token",
              "--conf", "spark.kubernetes.authenticate.caCertFile=" + work + "/cluster/pki/ca.crt",
              "--conf", "spark.driver.bindAddress=127.0.0.1"]
print("\n".join(out))
' "$POD" "$PORT" "$WORK" > "$WORK/spark-submit.args"

echo "[audit] spark-submit in client mode as $NS/$SA ($(grep -c . "$WORK/spark-submit.args") arguments, see $WORK/spark-submit.args)"
started=$(date +%s)
# Playing the kubelet once: the first executor fails (as an OOM-killed executor does), so the driver's
# handling of a lost executor shows up too.
(
  for _ in $(seq 1 120); do
    EXEC="$("$K" -n "$NS" get pods -l spark-role=executor -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
    if [ -n "$EXEC" ]; then
      sleep 5
      "$K" -n "$NS" patch pod "$EXEC" --subresource=status --type=merge \
        -p '{"status":{"phase":"Failed","reason":"OOMKilled","message":"executor failed (audit run)"}}' >/dev/null
      echo "[audit] executor $EXEC marked Failed"
      break
    fi
    sleep 0.5
  done
) &
mapfile -t ARGS < "$WORK/spark-submit.args"
# No kubeconfig: its admin client certificate would authenticate the driver instead of the token.
KUBECONFIG="$WORK/no-kubeconfig" PYSPARK_PYTHON="${PYSPARK_PYTHON:-python3}" timeout 300 \
  "$SPARK_HOME/bin/spark-submit" "${ARGS[@]}" \
  > "$WORK/spark.log" 2>&1 || { tail -30 "$WORK/spark.log" >&2; echo "spark-submit failed" >&2; exit 1; }
echo "[audit] Spark ran $(( $(date +%s) - started )) s; executors requested: $("$K" -n "$NS" get pods -l spark-role=executor --no-headers 2>/dev/null | wc -l) left (deleted at stop)"
grep -E "Going to request|Deleting|ERROR|WARN.*(Kubernetes|Forbidden)" "$WORK/spark.log" | sed 's/^/[spark] /' | head -20 || true

sleep 2 # the audit log is written asynchronously (batch backend default: blocking; this is a margin)
python3 - "$FEATUREJOB_CLUSTER_STATE/logs/audit.log" "$MODE" <<'EOF'
import collections, json, sys
log, mode = sys.argv[1], sys.argv[2]
calls = collections.OrderedDict()
for line in open(log):
    e = json.loads(line)
    ref = e.get("objectRef", {})
    resource = ref.get("resource", e.get("requestURI"))
    if ref.get("subresource"):
        resource += "/" + ref["subresource"]
    key = (ref.get("apiGroup", "") or "core", resource, e["verb"])
    calls.setdefault(key, collections.Counter())[e.get("responseStatus", {}).get("code")] += 1
    print("[call] %s %s %s" % (e["verb"], e.get("responseStatus", {}).get("code"), e["requestURI"]))
print("%-6s %-24s %-17s %s" % ("group", "resource", "verb", "calls by status code"))
refused = 0
for (group, resource, verb), codes in calls.items():
    print("%-6s %-24s %-17s %s" % (group, resource, verb, dict(codes)))
    refused += sum(n for c, n in codes.items() if c and c >= 400)
if mode == "verify" and refused:
    sys.exit("%d calls refused with the chart's Role" % refused)
EOF

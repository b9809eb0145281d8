#!/usr/bin/env bash
# make bench: the storm benchmark (tests tagged "bench") on the local control plane with kube-scheduler
# and no node, started and stopped around the run: the operator first, then the Kubernetes Job
# controller (kube-controller-manager's job-controller, QPS 200) on the same API server, whose
# requests are counted from the API server's audit log (hack/bench-audit-policy.yaml).
# A cluster already up is reused and left running (then without audit log: the Job controller is skipped).
#   BENCH_JOBS (200), BENCH_SECONDS (120 measured), BENCH_WARMUP (60): FeatureJobs and Jobs, and seconds.
# Fails on counts and ratios only: more than 1.1 status writes per launch or failure, more than 3
# template writes per job, more than 0.9 template writes per attempt in the measured window.
#   BENCH_SHARDS (1): operator shard counts to run one after the other, e.g. "1,2,3" (a table of them
#   follows; all shards run in the benchmark's JVM).
#   BENCH_THREADS (16, the default): reconcile threads per operator to run one after the other, e.g. "4,16"; the runs'
#   table shows the CPU of this JVM, kube-apiserver and etcd in each measured window.
#   BENCH_HEAP (384m): the benchmark JVM's heap, the chart's default (75% of its 512Mi memory limit).
# Table: stdout and target/bench.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
STATE="${FEATUREJOB_CLUSTER_STATE:-$ROOT/.cluster}"

if ! { [ -f "$STATE/pids/kube-apiserver" ] && kill -0 "$(cat "$STATE/pids/kube-apiserver")" 2>/dev/null; }; then
  FEATUREJOB_CLUSTER_SCHEDULER=1 FEATUREJOB_CLUSTER_AUDIT_POLICY="$ROOT/hack/bench-audit-policy.yaml" \
    FEATUREJOB_CLUSTER_KCM_CONTROLLERS=job-controller \
    FEATUREJOB_CLUSTER_KCM_ARGS="--kube-api-qps=200 --kube-api-burst=300" hack/cluster.sh up
  trap 'hack/cluster.sh down' EXIT
fi
export KUBECONFIG="$STATE/kubeconfig"
KUBECTL="$(hack/cluster.sh bin)/kubectl"
"$KUBECTL" apply --server-side --force-conflicts -f crds/
hack/await-crd.sh "$KUBECTL"

mvn -B --no-transfer-progress -pl featurejob-testkit -am test -DargLine="-Xmx${BENCH_HEAP:-384m}" \
  -Dgroups=bench -Dfeaturejob.excludedGroups=none \
  -Dtest=StormBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.jobs="${BENCH_JOBS:-200}" -Dbench.seconds="${BENCH_SECONDS:-120}" -Dbench.warmup="${BENCH_WARMUP:-60}" \
  -Dbench.shards="${BENCH_SHARDS:-1}" -Dbench.threads="${BENCH_THREADS:-16}" \
  -Dbench.apiserverPid="$(cat "$STATE/pids/kube-apiserver")" -Dbench.etcdPid="$(cat "$STATE/pids/etcd" 2>/dev/null || true)" \
  -Dbench.audit="$STATE/logs/audit.log" -Dbench.kcmPid="$(cat "$STATE/pids/kube-controller-manager" 2>/dev/null || true)"
cat target/bench.txt

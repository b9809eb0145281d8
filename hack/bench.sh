#!/usr/bin/env bash
# make bench: the storm benchmark (tests tagged "bench") on the local control plane with kube-scheduler
# and no node, started and stopped around the run (a cluster already up is reused and left running).
#   BENCH_JOBS (200), BENCH_SECONDS (120): FeatureJobs and measured seconds. Table: target/bench.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
STATE="${FEATUREJOB_CLUSTER_STATE:-$ROOT/.cluster}"

if ! { [ -f "$STATE/pids/kube-apiserver" ] && kill -0 "$(cat "$STATE/pids/kube-apiserver")" 2>/dev/null; }; then
  FEATUREJOB_CLUSTER_SCHEDULER=1 hack/cluster.sh up
  trap 'hack/cluster.sh down' EXIT
fi
export KUBECONFIG="$STATE/kubeconfig"
KUBECTL="$(hack/cluster.sh bin)/kubectl"
"$KUBECTL" apply --server-side --force-conflicts -f crds/
hack/await-crd.sh "$KUBECTL"

mvn -B --no-transfer-progress -pl featurejob-testkit -am test -Dgroups=bench -Dfeaturejob.excludedGroups=none \
  -Dtest=StormBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.jobs="${BENCH_JOBS:-200}" -Dbench.seconds="${BENCH_SECONDS:-120}"
cat target/bench.txt

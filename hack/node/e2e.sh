#!/usr/bin/env bash
# make e2e-node: the tests tagged "node" on the local control plane with a real node.
#
# Builds (or reuses) the Spark image, starts the control plane with its node
# (FEATUREJOB_CLUSTER_NODE=1 hack/cluster.sh up; a node cluster already up is reused and left
# running), imports the image into the node's containerd, runs the tests and stops what it started
# (FEATUREJOB_CLUSTER_KEEP=1 leaves it running). Needs root and the packages hack/node/node.sh lists.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
STATE="${FEATUREJOB_CLUSTER_STATE:-$ROOT/.cluster}"
export FEATUREJOB_CLUSTER_STATE="$STATE"

seconds() { echo $(( $(date +%s) - $1 )); }
t0=$(date +%s)
image="$(hack/node/images.sh spark)"
echo "[e2e-node] spark image $image ready in $(seconds "$t0")s"

t1=$(date +%s)
started_here=0
if [ -f "$STATE/pids/kube-apiserver" ] && kill -0 "$(cat "$STATE/pids/kube-apiserver")" 2>/dev/null; then
  [ -f "$STATE/node-mode" ] || { echo "[e2e-node] the cluster in $STATE has no real node: 'make cluster-down' first" >&2; exit 1; }
else
  FEATUREJOB_CLUSTER_NODE=1 hack/cluster.sh up
  started_here=1
fi
if [ "$started_here" = 1 ] && [ "${FEATUREJOB_CLUSTER_KEEP:-0}" != 1 ]; then
  trap 'hack/cluster.sh down' EXIT
fi
echo "[e2e-node] control plane and node up in $(seconds "$t1")s"
export KUBECONFIG="$STATE/kubeconfig"
KUBECTL="$(hack/cluster.sh bin)/kubectl"
export FEATUREJOB_KUBECTL="$KUBECTL"

t2=$(date +%s)
hack/node/images.sh import "$image"
"$KUBECTL" apply --server-side --force-conflicts -f crds/ >/dev/null
hack/await-crd.sh "$KUBECTL"
echo "[e2e-node] image imported and CRDs applied in $(seconds "$t2")s"

t3=$(date +%s)
export FEATUREJOB_NODE_SPARK_IMAGE="$image"
mvn -B --no-transfer-progress -pl featurejob-testkit -am test -Dgroups=node -Dfeaturejob.excludedGroups=none \
  -Dsurefire.failIfNoSpecifiedTests=false ${FEATUREJOB_NODE_TESTS:+-Dtest="$FEATUREJOB_NODE_TESTS"}
echo "[e2e-node] tests passed in $(seconds "$t3")s (total $(seconds "$t0")s)"

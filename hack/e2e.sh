#!/usr/bin/env bash
# make e2e: the end-to-end suite (tests tagged "cluster") against a real control plane.
#
#   KUBECONFIG unset -> start the local control plane (hack/cluster.sh up), run, stop it again
#                       (FEATUREJOB_CLUSTER_KEEP=1 leaves it running; a cluster already up is reused
#                       and left running)
#   KUBECONFIG set   -> use that cluster (kind, minikube, ...): needs cluster-admin there
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
STATE="${FEATUREJOB_CLUSTER_STATE:-$ROOT/.cluster}"

started_here=0
if [ -z "${KUBECONFIG:-}" ]; then
  if ! { [ -f "$STATE/pids/kube-apiserver" ] && kill -0 "$(cat "$STATE/pids/kube-apiserver")" 2>/dev/null; }; then
    hack/cluster.sh up
    started_here=1
  fi
  export KUBECONFIG="$STATE/kubeconfig"
  # the chaos test restarts and pauses this control plane's processes (hack/cluster.sh restart/pause)
  export FEATUREJOB_CLUSTER_STATE="$STATE"
fi
if [ "$started_here" = 1 ] && [ "${FEATUREJOB_CLUSTER_KEEP:-0}" != 1 ]; then
  trap 'hack/cluster.sh down' EXIT
fi

# kubectl: the one built with the control plane when there is one, else the one on PATH
KUBECTL="$(hack/cluster.sh bin)/kubectl"
[ -x "$KUBECTL" ] || KUBECTL="$(command -v kubectl || true)"
[ -n "$KUBECTL" ] || { echo "no kubectl: run 'make cluster' (builds one) or install kubectl" >&2; exit 1; }
export FEATUREJOB_KUBECTL="$KUBECTL"
echo "[e2e] KUBECONFIG=$KUBECONFIG; $("$KUBECTL" version 2>/dev/null | tr '\n' ' ')"

# server-side, as README "Install" does; force: an earlier client-side apply may own the fields
"$KUBECTL" apply --server-side --force-conflicts -f crds/
hack/await-crd.sh "$KUBECTL"

# ImageOnControlPlaneTest runs the operator image as deploy/'s pod: build it when a container engine
# is here. FEATUREJOB_IMAGE=tag tests that tag without building; FEATUREJOB_E2E_IMAGE=0 skips both.
if [ -z "${FEATUREJOB_IMAGE:-}" ] && [ "${FEATUREJOB_E2E_IMAGE:-1}" != 0 ]; then
  if hack/image.sh engine >/dev/null 2>&1; then
    export IMAGE="${IMAGE:-featurejob/featurejob-operator:0.1.0}"   # the tag deploy/ names
    hack/image.sh build
    export FEATUREJOB_IMAGE="$IMAGE"
  else
    echo "[e2e] no container engine (docker or podman): the image test is skipped"
  fi
fi
if [ -n "${FEATUREJOB_IMAGE:-}" ]; then
  FEATUREJOB_CONTAINER_COMMAND="$(hack/image.sh engine)"
  FEATUREJOB_CONTAINER_RUN_OPTIONS="$(hack/image.sh run-options)"
  export FEATUREJOB_CONTAINER_COMMAND FEATUREJOB_CONTAINER_RUN_OPTIONS
fi

# The suites live in featurejob-testkit (README "Layout"); -am builds the modules it uses.
# E2E_MAVEN_ARGS: e.g. one test class and its settings (make chaos)
# shellcheck disable=SC2086
mvn -B --no-transfer-progress -pl featurejob-testkit -am test -Dgroups=cluster -Dfeaturejob.excludedGroups=none \
  -Dsurefire.failIfNoSpecifiedTests=false ${E2E_MAVEN_ARGS:-}

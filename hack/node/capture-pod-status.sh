#!/usr/bin/env bash
# Captures what the real kubelet writes for the pod lifecycles the simulated kubelet
# (src/main/java/io/featurejob/operator/demo) plays, as fixtures for SimulatedKubeletMatchesRealNodeTest.
#
#   hack/node/capture-pod-status.sh [OUT_DIR]
#
# Needs a control plane with its real node up (FEATUREJOB_CLUSTER_NODE=1 hack/cluster.sh up, which
# `make e2e-node` starts) and the Spark image imported (hack/node/images.sh). Each scenario runs one pod
# shaped like the operator's driver pod (the Spark image's entrypoint and tini, restartPolicy Never,
# FallbackToLogsOnError, the restricted security context, uid 185) in a fresh namespace, and writes
# OUT_DIR/<scenario>.yaml: a header saying how and when, the pod as `kubectl get -o yaml` returned it,
# the events about it, and the container's log (`kubectl logs`). Scenarios: succeeded, exit-1, oom-limit (the main process passes its
# memory limit), oom-child (a child is killed at the limit, the main process exits 0), unschedulable
# (requests more CPU than the node has), deleted (kubectl delete while running: the last version of
# the pod before it went), evicted (the Eviction API while running: likewise), configmap-missing (the
# driver's two ConfigMap volumes, as the operator mounts its executor template, name a ConfigMap that does
# not exist: the kubelet keeps the pod in ContainerCreating and reports FailedMount).
# OUT_DIR defaults to featurejob-operator/src/test/resources/io/featurejob/operator/demo/real-node.
# FEATUREJOB_CAPTURE_SCENARIOS (all): the scenarios to capture, separated by spaces.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="${FEATUREJOB_CLUSTER_STATE:-$ROOT/.cluster}"
OUT="${1:-$ROOT/featurejob-operator/src/test/resources/io/featurejob/operator/demo/real-node}"
export KUBECONFIG="$STATE/kubeconfig"
KUBECTL="$("$ROOT/hack/cluster.sh" bin)/kubectl"
IMAGE="${FEATUREJOB_NODE_SPARK_IMAGE:-$("$ROOT/hack/node/images.sh" spark)}"
NS="capture-$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WORK="$(mktemp -d)"

log() { printf '[capture] %s\n' "$*" >&2; }
# kubectl in the namespace; a call that fails on a busy machine (TLS handshake timeout) is tried again
# up to 5 times: every call here is a read or idempotent (apply -f FILE, delete --ignore-not-found).
k() {
  local try
  for try in 1 2 3 4 5; do
    "$KUBECTL" --namespace "$NS" --request-timeout=60s "$@" && return 0
    [ "$try" = 5 ] || { log "kubectl $1 failed, try $((try + 1)) of 5"; sleep 3; }
  done
  return 1
}
cleanup() {
  "$KUBECTL" delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
[ -f "$STATE/node-mode" ] || { log "no real node in $STATE: FEATUREJOB_CLUSTER_NODE=1 hack/cluster.sh up"; exit 1; }
mkdir -p "$OUT"

"$KUBECTL" create namespace "$NS" --dry-run=client -o yaml > "$WORK/namespace.yaml"
k apply -f "$WORK/namespace.yaml" >/dev/null
for _ in $(seq 1 120); do k get serviceaccount default >/dev/null 2>&1 && break; sleep 0.5; done

pod_yaml() { # name script cpu-request memory-limit
  cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: {featurejob.io/capture: "$1"}
spec:
  restartPolicy: Never
  securityContext:
    runAsNonRoot: true
    runAsUser: 185
    fsGroup: 185
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: spark-kubernetes-driver
      image: $IMAGE
      imagePullPolicy: Never
      args: ["/bin/bash", "-c", $(printf '%s' "$2" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')]
      terminationMessagePolicy: FallbackToLogsOnError
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
      resources:
        requests: {cpu: "$3", memory: 64Mi}
        limits: {memory: $4}
EOF
}

# Waits until the pod's jsonpath $2 matches the regex $3 (at most 5 minutes).
await() {
  local value
  for _ in $(seq 1 600); do
    value="$(k get pod "$1" -o "jsonpath=$2" 2>/dev/null || true)"
    if [[ "$value" =~ $3 ]]; then return 0; fi
    sleep 0.5
  done
  log "timed out waiting for $1: $2 =~ $3 (last: $value)"; k get pod "$1" -o yaml >&2 || true
  return 1
}

# The fixture: header, the pod (from $3, a file, else the API server), the events about it, the log
# (from $WORK/<scenario>.log when the pod is gone, else kubectl logs).
write() { # scenario how [pod-file]
  local file="$OUT/$1.yaml"
  [ -f "$WORK/$1.log" ] || k logs "$1" > "$WORK/$1.log" 2>/dev/null || true
  {
    echo "# Captured from the real node by hack/node/capture-pod-status.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ):"
    echo "# kubelet $(k get node -o jsonpath='{.items[0].status.nodeInfo.kubeletVersion}'),"
    echo "# $(containerd --version 2>/dev/null | cut -d' ' -f1-3), image $IMAGE."
    echo "# Scenario $1: $2"
    echo "# Document 1: the pod (kubectl get pod -o yaml); 2: the events about it (kubectl get events);"
    echo "# 3: the container's log (kubectl logs)."
    if [ -n "${3:-}" ]; then cat "$3"; else k get pod "$1" -o yaml; fi
    echo "---"
    k get events --field-selector "involvedObject.name=$1" --sort-by=.metadata.creationTimestamp -o yaml
    echo "---"
    python3 -c 'import json,sys; print("log: " + json.dumps(open(sys.argv[1]).read()))' "$WORK/$1.log"
  } > "$file"
  log "wrote $file"
}

run_to_end() { # scenario how script memory-limit
  pod_yaml "$1" "$3" 100m "$4" > "$WORK/$1.spec.yaml"
  k apply -f "$WORK/$1.spec.yaml" >/dev/null
  await "$1" '{.status.phase}' '^(Succeeded|Failed)$'
  sleep 2 # the kubelet's last status write and events settle
  write "$1" "$2"
}

# Records every version of the pod while it is taken away ($2: the command that does it) and keeps
# the last one the API server showed before it was gone.
run_then_remove() { # scenario how remove-command...
  local scenario=$1 how=$2
  shift 2
  pod_yaml "$scenario" 'echo "featurejob capture: running"; sleep 600' 100m 64Mi > "$WORK/$scenario.spec.yaml"
  k apply -f "$WORK/$scenario.spec.yaml" >/dev/null
  await "$scenario" '{.status.containerStatuses[0].state.running.startedAt}' '.+'
  sleep 2
  k logs "$scenario" > "$WORK/$scenario.log"
  k get pod "$scenario" -o json --watch --output-watch-events > "$WORK/$scenario.watch" &
  local watcher=$!
  sleep 1
  "$@"
  for _ in $(seq 1 240); do
    [ -z "$("$KUBECTL" --namespace "$NS" get pod "$scenario" --ignore-not-found -o name 2>/dev/null || echo error)" ] && break
    sleep 0.5
  done
  sleep 1
  kill "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  # the last object before DELETED (the DELETED event carries the same final object)
  python3 - "$WORK/$scenario.watch" "$WORK/$scenario.json" <<'PY'
import json, sys
decoder, text, events, pos = json.JSONDecoder(), open(sys.argv[1]).read(), [], 0
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    event, pos = decoder.raw_decode(text, pos)
    events.append(event)
if not events:
    sys.exit("no watch events recorded")
print("[capture] %d versions: %s" % (len(events), ", ".join(
    "%s %s%s" % (e["type"], e["object"]["status"].get("phase"),
                 " deleting" if e["object"]["metadata"].get("deletionTimestamp") else "") for e in events)),
    file=sys.stderr)
last = events[-1]["object"]
last["metadata"].pop("managedFields", None)  # as kubectl get -o yaml shows it
json.dump(last, open(sys.argv[2], "w"), indent=2)
PY
  python3 -c 'import json,sys,yaml' 2>/dev/null && yamlify=1 || yamlify=0
  if [ "$yamlify" = 1 ]; then
    python3 -c 'import json,sys,yaml; print(yaml.safe_dump(json.load(open(sys.argv[1])), sort_keys=False), end="")' \
      "$WORK/$scenario.json" > "$WORK/$scenario.pod"
  else
    cp "$WORK/$scenario.json" "$WORK/$scenario.pod" # JSON is YAML
  fi
  write "$scenario" "$how" "$WORK/$scenario.pod"
}

evict() { # pod
  printf '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s","namespace":"%s"}}' "$1" "$NS" \
    | "$KUBECTL" create --raw "/api/v1/namespaces/$NS/pods/$1/eviction" -f - >/dev/null
}

# Whether scenario $1 is to be captured this time.
want() {
  [[ " ${FEATUREJOB_CAPTURE_SCENARIOS:-$SCENARIOS} " == *" $1 "* ]]
}
SCENARIOS="succeeded exit-1 oom-limit oom-child unschedulable deleted evicted configmap-missing"

started=$(date +%s)
want succeeded && run_to_end succeeded "the container exits 0" 'echo "featurejob capture: done"' 64Mi
want exit-1 && run_to_end exit-1 "the container prints to stdout and stderr and exits 1" \
  'echo "featurejob capture: failing"; echo "Exception in thread \"main\" java.lang.IllegalStateException: boom" >&2; exit 1' 64Mi
want oom-limit && run_to_end oom-limit "the main process holds 300 MiB under a 64Mi limit and is OOM-killed" \
  'echo "featurejob capture: start"; x=$(head -c 300m /dev/zero | tr "\0" a); echo survived' 64Mi
want oom-child && run_to_end oom-child "a child (tail) is OOM-killed at the 64Mi limit; the main process exits 0" \
  'echo "featurejob capture: start"; head -c 300m /dev/zero | tail >/dev/null; echo "tail: $?"' 64Mi

if want unschedulable; then
  pod_yaml unschedulable 'echo never' 1000 64Mi > "$WORK/unschedulable.spec.yaml"
  k apply -f "$WORK/unschedulable.spec.yaml" >/dev/null
  await unschedulable '{.status.conditions[?(@.type=="PodScheduled")].reason}' '^Unschedulable$'
  sleep 2
  : > "$WORK/unschedulable.log" # never ran
  write unschedulable "requests 1000 CPUs; the scheduler finds no node"
  k delete pod unschedulable --wait=false --ignore-not-found >/dev/null
fi

want deleted && run_then_remove deleted "kubectl delete pod (default grace period) while the container runs" \
  k delete pod deleted --wait=false --ignore-not-found
want evicted && run_then_remove evicted "the Eviction API (policy/v1 Eviction) while the container runs" evict evicted

if want configmap-missing; then
  # the operator's two volumes from its per-job ConfigMap (controller/DriverPods), here of one that is gone
  { pod_yaml configmap-missing 'echo never' 100m 64Mi
    cat <<'EOF'
      volumeMounts:
        - {name: executor-template, mountPath: /opt/featurejob/executor-template, readOnly: true}
        - {name: featurejob-evidence, mountPath: /opt/featurejob/evidence, readOnly: true}
  volumes:
    - name: executor-template
      configMap: {name: configmap-missing-executor-template}
    - name: featurejob-evidence
      configMap:
        name: configmap-missing-executor-template
        items: [{key: driver-entrypoint.sh, path: driver-entrypoint.sh}]
EOF
  } > "$WORK/configmap-missing.spec.yaml"
  k apply -f "$WORK/configmap-missing.spec.yaml" >/dev/null
  await configmap-missing '{.status.containerStatuses[0].state.waiting.reason}' '^ContainerCreating$'
  for _ in $(seq 1 120); do # the kubelet's FailedMount, once for each volume
    [ "$(k get events --field-selector involvedObject.name=configmap-missing,reason=FailedMount -o name | wc -l)" -ge 2 ] && break
    sleep 0.5
  done
  sleep 2
  : > "$WORK/configmap-missing.log" # never ran
  write configmap-missing "the pod's two ConfigMap volumes name a ConfigMap that does not exist"
  k delete pod configmap-missing --wait=false --ignore-not-found >/dev/null
fi
log "captured in $(( $(date +%s) - started ))s"

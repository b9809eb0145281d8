#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1 for the end-to-end tests, built from Go modules.
#
#   hack/cluster.sh build   build the pinned binaries into the cache (once; reused when present)
#   hack/cluster.sh up      build if needed, generate certificates and a kubeconfig, start etcd,
#                           kube-apiserver and kube-controller-manager, wait until /readyz
#   hack/cluster.sh down    stop exactly the processes 'up' started (PIDs in the state dir)
#   hack/cluster.sh env     print 'export KUBECONFIG=...' for the running cluster
#   hack/cluster.sh restart NAME   stop one process 'up' started (e.g. kube-apiserver) and start it
#                           again with the same arguments; for kube-apiserver wait until /readyz
#   hack/cluster.sh pause NAME / resume NAME   SIGSTOP / SIGCONT one of those processes (the chaos
#                           test pauses etcd)
#
# Environment:
#   FEATUREJOB_CLUSTER_CACHE  where binaries are built and kept (default ~/.cache/featurejob-cluster)
#   FEATUREJOB_CLUSTER_STATE  certificates, kubeconfig, etcd data, logs, PIDs (default <repo>/.cluster)
#   FEATUREJOB_CLUSTER_AUDIT_POLICY=file  kube-apiserver writes an audit log by this policy to
#                           <state>/logs/audit.log (hack/rbac/spark-driver-audit.sh records Spark's calls)
#   FEATUREJOB_CLUSTER_KCM_CONTROLLERS=a,b  more kube-controller-manager controllers (make bench:
#                           job-controller); FEATUREJOB_CLUSTER_KCM_ARGS: more of its flags (e.g. QPS)
#   FEATUREJOB_CLUSTER_PROFILING=true  kube-apiserver serves /debug/pprof (off by default), for CPU profiles
#                           of its requests (docs/testing.md, "What one write costs the API server")
#   FEATUREJOB_CLUSTER_SCHEDULER=1  also start kube-scheduler (off: the e2e suite's simulated
#                           kubelet binds pods itself through the pods/binding subresource)
#   FEATUREJOB_CLUSTER_NODE=1  also a real node: kube-scheduler, containerd, runc, the bridge CNI
#                           plugin and kubelet (root; see hack/node/node.sh for what it adds and
#                           'down' removes)
#
# No prebuilt Kubernetes binary can be downloaded here: k8s.io/kubernetes is used as a Go module
# with each staging module (k8s.io/X v0.0.0 in its go.mod) replaced by the published v0.<minor>.<patch>.
set -euo pipefail

K8S_VERSION=1.36.3
ETCD_VERSION=3.6.16

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${FEATUREJOB_CLUSTER_CACHE:-$HOME/.cache/featurejob-cluster}"
STATE="${FEATUREJOB_CLUSTER_STATE:-$ROOT/.cluster}"
K8S_BIN="$CACHE/kubernetes-v$K8S_VERSION/bin"
ETCD_BIN="$CACHE/etcd-v$ETCD_VERSION/bin"
NICE="nice -n 15"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
NODE_MODE="${FEATUREJOB_CLUSTER_NODE:-0}"
# shellcheck source=hack/node/node.sh
. "$ROOT/hack/node/node.sh"

# ---------------------------------------------------------------------------------------- build

# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (the control plane) and
# kubelet (the real node, FEATUREJOB_CLUSTER_NODE=1): all five from one Go module set.
K8S_CONTROL_PLANE_CMDS="kube-apiserver kube-controller-manager kube-scheduler kubectl"
K8S_NODE_CMDS="kubelet"

k8s_has() { # cmd...
  local cmd
  for cmd in "$@"; do [ -x "$K8S_BIN/$cmd" ] || return 1; done
}

k8s_built() {
  # shellcheck disable=SC2086 # word lists
  k8s_has $K8S_CONTROL_PLANE_CMDS $K8S_NODE_CMDS
}

# Builds what is missing of the five; a cache that has the control plane only gets kubelet added
# (its compiled packages come from the Go build cache: ~30 s warm) without rebuilding the others.
build_k8s() {
  k8s_built && return 0
  local cmds="" cmd
  for cmd in $K8S_CONTROL_PLANE_CMDS $K8S_NODE_CMDS; do k8s_has "$cmd" || cmds="$cmds $cmd"; done
  command -v go >/dev/null || die "go is not installed (needed to build$cmds)"
  local started work minor mod
  started=$(date +%s)
  minor="0.${K8S_VERSION#1.}"
  work="$CACHE/build/kubernetes-v$K8S_VERSION"
  rm -rf "$work" && mkdir -p "$work"
  log "building kubernetes v$K8S_VERSION ($cmds ) in $work"
  (
    cd "$work"
    go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" > download.json
    mod="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v$K8S_VERSION.mod"
    [ -f "$mod" ] || die "no go.mod of k8s.io/kubernetes v$K8S_VERSION at $mod"
    {
      printf 'module featurejob.io/cluster-tools\n\ngo %s\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' \
        "$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$mod")" "$K8S_VERSION"
      # every staging module the kubernetes go.mod maps to ./staging/src/... -> its published version
      sed -n '/^replace (/,/^)/p' "$mod" | awk -v v="v$minor" '$3 ~ /^\.\/staging\// {print "\t" $1 " => " $1 " " v}'
      printf ')\n'
    } > go.mod
    local pkgs=() gets=()
    for cmd in $cmds; do
      pkgs+=("k8s.io/kubernetes/cmd/$cmd")
      gets+=("k8s.io/kubernetes/cmd/$cmd@v$K8S_VERSION")
    done
    $NICE go get "${gets[@]}"
    local ldflags="-s -w" pkg
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags="$ldflags -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION")"
      ldflags="$ldflags -X $pkg.gitTreeState=clean"
    done
    mkdir -p out
    $NICE go build -trimpath -ldflags "$ldflags" -o out/ "${pkgs[@]}"
  )
  mkdir -p "$K8S_BIN"
  for cmd in $cmds; do mv -f "$work/out/$cmd" "$K8S_BIN/$cmd"; done
  rm -rf "$work"
  log "kubernetes v$K8S_VERSION ($cmds ) built in $(( $(date +%s) - started ))s"
}

build_etcd() {
  [ -x "$ETCD_BIN/etcd" ] && return 0
  command -v go >/dev/null || die "go is not installed (needed to build etcd)"
  local started work
  started=$(date +%s)
  work="$CACHE/build/etcd-v$ETCD_VERSION"
  rm -rf "$work" && mkdir -p "$work"
  log "building etcd v$ETCD_VERSION in $work"
  (
    cd "$work"
    cat > main.go <<'EOF'
// etcd's own main: go.etcd.io/etcd/server/v3/etcdmain, as the etcd binary runs it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
    printf 'module featurejob.io/cluster-etcd\n\ngo 1.24\n' > go.mod
    $NICE go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
    $NICE go mod tidy
    mkdir -p out
    $NICE go build -trimpath -ldflags "-s -w" -o out/etcd .
  )
  mkdir -p "$(dirname "$ETCD_BIN")"
  rm -rf "$ETCD_BIN" && mv "$work/out" "$ETCD_BIN"
  rm -rf "$work"
  log "etcd v$ETCD_VERSION built in $(( $(date +%s) - started ))s"
}

build() {
  mkdir -p "$CACHE"
  build_etcd
  build_k8s
}

# ---------------------------------------------------------------------------------------- certs

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

gen_certs() {
  local pki="$STATE/pki"
  mkdir -p "$pki"
  command -v openssl >/dev/null || die "openssl is not installed"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=featurejob-e2e-ca" 2>/dev/null
    # kube-apiserver serving certificate: loopback plus the in-cluster names
    cat > apiserver.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt \
      -days 3650 -extfile apiserver.ext 2>/dev/null
    # client certificates: CN = user, O = group
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > client.ext
    client() {
      openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" \
        -days 3650 -extfile client.ext 2>/dev/null
    }
    client admin "/O=system:masters/CN=featurejob-e2e-admin"
    client controller-manager "/CN=system:kube-controller-manager"
    client scheduler "/CN=system:kube-scheduler"
    # ServiceAccount token signing key
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ./*.ext ca.srl
  )
}

kubeconfig() { # file user cert key
  local server="https://127.0.0.1:$APISERVER_PORT"
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: featurejob-e2e
  cluster:
    server: $server
    certificate-authority: $STATE/pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $STATE/pki/$3.crt
    client-key: $STATE/pki/$3.key
contexts:
- name: featurejob-e2e
  context: {cluster: featurejob-e2e, user: $2}
current-context: featurejob-e2e
EOF
}

# ---------------------------------------------------------------------------------------- up/down

alive() { [ -f "$STATE/pids/$1" ] && kill -0 "$(cat "$STATE/pids/$1")" 2>/dev/null; }

start() { # name args...; the command line is kept in <state>/cmd/NAME for 'restart'
  local name=$1; shift
  mkdir -p "$STATE/pids" "$STATE/logs" "$STATE/cmd"
  printf '%s\0' "$@" > "$STATE/cmd/$name"
  "$@" >> "$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE/pids/$name"
  log "started $name (pid $!), log $STATE/logs/$name.log"
}

stop_pid() { # name: the process 'start' recorded; SIGTERM, SIGKILL after 10 s
  local pid
  [ -f "$STATE/pids/$1" ] || return 0
  pid=$(cat "$STATE/pids/$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true # a paused process gets the SIGTERM only once resumed
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "stopped $1 (pid $pid)"
  fi
  rm -f "$STATE/pids/$1"
}

wait_for() { # what seconds command...
  local what=$1 seconds=$2; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "$what not ready after ${seconds}s"; return 1
    fi
    sleep 0.5
  done
}

up() {
  if alive kube-apiserver && [ -f "$STATE/kubeconfig" ]; then
    log "already running: export KUBECONFIG=$STATE/kubeconfig"
    return 0
  fi
  down quiet
  local tool
  for tool in openssl curl python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install $tool)"
  done
  [ "$NODE_MODE" = 1 ] && node_check
  build
  local started
  started=$(date +%s)
  rm -rf --one-file-system "$STATE" && mkdir -p "$STATE"
  gen_certs
  local node_flags=() controllers=garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller,namespace-controller,root-ca-certificate-publisher-controller,clusterrole-aggregation-controller
  if [ "$NODE_MODE" = 1 ]; then
    node_certs
    # shellcheck disable=SC2207 # flags without spaces
    node_flags=($(node_apiserver_flags))
    controllers="$controllers,$NODE_CONTROLLERS"
    touch "$STATE/node-mode"
  fi
  controllers="$controllers${FEATUREJOB_CLUSTER_KCM_CONTROLLERS:+,$FEATUREJOB_CLUSTER_KCM_CONTROLLERS}"
  # shellcheck disable=SC2206 # flags without spaces
  local kcm_args=(${FEATUREJOB_CLUSTER_KCM_ARGS:-})
  local etcd_port etcd_peer_port
  etcd_port=$(free_port); etcd_peer_port=$(free_port); APISERVER_PORT=$(free_port)
  local kcm_port; kcm_port=$(free_port)
  echo "$APISERVER_PORT" > "$STATE/apiserver-port"

  start etcd "$ETCD_BIN/etcd" --name featurejob-e2e --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "featurejob-e2e=http://127.0.0.1:$etcd_peer_port" \
    --unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn
  wait_for etcd 60 curl -fsS "http://127.0.0.1:$etcd_port/health" || { tail -20 "$STATE/logs/etcd.log" >&2; down; exit 1; }

  local pki="$STATE/pki"
  local audit=()
  if [ -n "${FEATUREJOB_CLUSTER_AUDIT_POLICY:-}" ]; then
    audit=(--audit-policy-file "$FEATUREJOB_CLUSTER_AUDIT_POLICY" --audit-log-path "$STATE/logs/audit.log")
  fi
  start kube-apiserver "$K8S_BIN/kube-apiserver" "${audit[@]}" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --cert-dir "$pki" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --authorization-mode Node,RBAC --service-cluster-ip-range 10.0.0.0/24 \
    --endpoint-reconciler-type none --allow-privileged=false \
    --profiling="${FEATUREJOB_CLUSTER_PROFILING:-false}" --v 1 "${node_flags[@]}"
  kubeconfig "$STATE/kubeconfig" featurejob-e2e-admin admin
  kubeconfig "$STATE/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  kubeconfig "$STATE/scheduler.kubeconfig" system:kube-scheduler scheduler
  wait_for kube-apiserver 120 curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" || { tail -30 "$STATE/logs/kube-apiserver.log" >&2; down; exit 1; }

  # Garbage collection of owned pods, ServiceAccounts and their tokens, namespace deletion, and the
  # aggregation of labelled ClusterRoles into view/edit/admin (the chart's FeatureJob roles). No node
  # lifecycle controller: the simulated nodes send no heartbeats and would be tainted unreachable
  # (the real node's mode adds it: NODE_CONTROLLERS).
  start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$kcm_port" --leader-elect=false \
    --controllers "$controllers" \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=true --v 1 "${kcm_args[@]}"
  if [ "${FEATUREJOB_CLUSTER_SCHEDULER:-0}" = 1 ] || [ "$NODE_MODE" = 1 ]; then
    local sched_port; sched_port=$(free_port)
    start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig "$STATE/scheduler.kubeconfig" \
      --authentication-kubeconfig "$STATE/scheduler.kubeconfig" \
      --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
      --bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false --v 1
  fi
  # ready = the default ServiceAccount exists (controller-manager is working)
  wait_for "kube-controller-manager (default ServiceAccount)" 90 \
    "$K8S_BIN/kubectl" --kubeconfig "$STATE/kubeconfig" get serviceaccount default -n default \
    || { tail -30 "$STATE/logs/kube-controller-manager.log" >&2; down; exit 1; }
  if [ "$NODE_MODE" = 1 ]; then
    node_up || { down; exit 1; }
  fi
  echo "$(( $(date +%s) - started ))" > "$STATE/start-seconds"
  log "control plane v$K8S_VERSION (etcd v$ETCD_VERSION) ready on https://127.0.0.1:$APISERVER_PORT in $(cat "$STATE/start-seconds")s"
  log "export KUBECONFIG=$STATE/kubeconfig"
}

down() {
  node_down
  [ -d "$STATE/pids" ] || { [ "${1:-}" = quiet ] || log "nothing running (no $STATE/pids)"; return 0; }
  local name
  for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_pid "$name"
  done
}

apiserver_ready() {
  local pki="$STATE/pki"
  curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://127.0.0.1:$(cat "$STATE/apiserver-port")/readyz"
}

restart() { # name: the same command line again (same ports, certificates, data)
  local name=$1 args=()
  [ -f "$STATE/cmd/$name" ] && alive "$name" || die "$name is not running in $STATE"
  mapfile -d '' args < "$STATE/cmd/$name"
  stop_pid "$name"
  start "$name" "${args[@]}"
  if [ "$name" = kube-apiserver ]; then
    wait_for kube-apiserver 120 apiserver_ready || { tail -30 "$STATE/logs/kube-apiserver.log" >&2; exit 1; }
  fi
}

signal() { # name signal
  alive "$1" || die "$1 is not running in $STATE"
  kill -"$2" "$(cat "$STATE/pids/$1")"
  log "sent SIG$2 to $1 (pid $(cat "$STATE/pids/$1"))"
}

case "${1:-}" in
  build) build ;;
  up) up ;;
  down) down ;;
  env) [ -f "$STATE/kubeconfig" ] || die "no cluster state in $STATE: run 'make cluster'"
       echo "export KUBECONFIG=$STATE/kubeconfig" ;;
  kubectl) shift; exec "$K8S_BIN/kubectl" "$@" ;;
  bin) echo "$K8S_BIN" ;;
  restart) restart "${2:?restart NAME}" ;;
  pause) signal "${2:?pause NAME}" STOP ;;
  resume) signal "${2:?resume NAME}" CONT ;;
  *) echo "usage: $0 build|up|down|env|bin|restart NAME|pause NAME|resume NAME|kubectl ARGS" >&2; exit 2 ;;
esac

# A real node for the local control plane: containerd + runc (Debian), the bridge CNI plugin and
# kubelet. Sourced by hack/cluster.sh (FEATUREJOB_CLUSTER_NODE=1); uses its STATE, K8S_BIN,
# APISERVER_PORT, log, die, start, stop_pid, alive, wait_for, free_port and kubeconfig.
#
# What it adds to the machine, and 'node_down' removes again (each recorded under $NODE/undo before
# it is added, so a crashed 'up' is undone too):
#   - bridge fj0 with 10.244.0.1/24: pods get addresses in 10.244.0.0/24 and a route to the service
#     range via the bridge address only -- no default route, no NAT, no forwarding: pods reach the
#     host's services on the bridge address and the API server, nothing off this machine
#   - 10.0.0.1/32 (the 'kubernetes' service IP) on lo, a socat forwarding 10.0.0.1:443 to the API
#     server on 127.0.0.1, and dnsmasq on 10.244.0.1:53 answering kubernetes.default.svc(.cluster.local)
#     and nothing else (no upstream): in-cluster API access without kube-proxy or a DNS add-on
#   - cgroups under /featurejob-node in every cgroup hierarchy (the kubelet's cgroupRoot)
#   - containerd's and the kubelet's mounts (overlay rootfs, netns, secrets) under $NODE
#   - /var/log/containers (kubelet creates it) with symlinks into $NODE/pod-logs
#   - iptables chains the kubelet creates (KUBE-IPTABLES-HINT, KUBE-KUBELET-CANARY)
#
# Versions: kubelet v$K8S_VERSION from Go modules; containerd 1.6.20 and runc 1.1.5 from Debian 12.
# kubelet 1.37 requires the CRI RuntimeConfig RPC, which containerd 1.6 lacks: before moving kubelet
# to 1.37, build containerd 2.x from its Go module (github.com/containerd/containerd/v2/cmd/containerd)
# the way hack/cluster.sh builds etcd, and use its own config version 3.

NODE="$STATE/node"
NODE_NAME=featurejob-node
NODE_BRIDGE=fj0
NODE_SUBNET=10.244.0.0/24
NODE_ADDRESS=10.244.0.1          # the bridge's address: the node's InternalIP and cluster DNS
SERVICE_IP=10.0.0.1              # first address of --service-cluster-ip-range: the 'kubernetes' service
CGROUP_ROOT=/featurejob-node
CONTAINERD_SOCK="$NODE/containerd/containerd.sock"
CONTAINERD_VERSION_PIN="1.6.20~ds1-1+deb12u3"
KUBELET_CONTAINER_LOGS=/var/log/containers

node_tools_missing() {
  local tool missing=""
  for tool in containerd ctr runc socat dnsmasq iptables-save ip podman; do
    command -v "$tool" >/dev/null || missing="$missing $tool"
  done
  [ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] && [ -x /usr/lib/cni/loopback ] \
    || missing="$missing /usr/lib/cni/{bridge,host-local,loopback}"
  echo "$missing"
}

# apt packages of the node; CI installs them (.ci/run), 'up' only checks
node_check() {
  [ "$(id -u)" = 0 ] || die "the real node needs root (containerd, cgroups, network)"
  local missing
  missing="$(node_tools_missing)"
  [ -z "$missing" ] || die "missing:$missing (apt-get install containerd=$CONTAINERD_VERSION_PIN runc containernetworking-plugins socat dnsmasq-base iptables podman)"
  local have
  have="$(dpkg-query -W -f '${Version}' containerd 2>/dev/null || true)"
  [ "$have" = "$CONTAINERD_VERSION_PIN" ] \
    || log "WARNING: containerd $have installed; this setup is tested with $CONTAINERD_VERSION_PIN"
  if ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    die "bridge $NODE_BRIDGE exists: another real node runs (its 'hack/cluster.sh down' removes it)"
  fi
}

undo_note() { # kind value: recorded before the change it undoes
  mkdir -p "$NODE/undo"
  printf '%s\n' "$2" >> "$NODE/undo/$1"
}

node_certs() {
  local pki="$STATE/pki"
  (
    cd "$pki"
    sign() { # name subject extfile-content
      printf '%s\n' "$3" > "$1.ext"
      openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" \
        -days 3650 -extfile "$1.ext" 2>/dev/null
      rm -f "$1.csr" "$1.ext" ca.srl
    }
    local usage="basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment"
    # the kubelet's identity (Node authorizer: system:node:<name> in group system:nodes)
    sign kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "$usage
extendedKeyUsage=clientAuth"
    # the kubelet's serving certificate: the API server verifies it (logs, exec)
    sign kubelet-serving "/CN=$NODE_NAME" "$usage
extendedKeyUsage=serverAuth
subjectAltName=IP:$NODE_ADDRESS,DNS:$NODE_NAME"
    # the API server's client certificate towards the kubelet (authorized by the kubelet's webhook)
    sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$usage
extendedKeyUsage=clientAuth"
  )
}

# Flags kube-apiserver needs to reach the kubelet (logs, exec) by its InternalIP, verifying it.
node_apiserver_flags() {
  local pki="$STATE/pki"
  echo "--kubelet-preferred-address-types=InternalIP" \
    "--kubelet-client-certificate=$pki/apiserver-kubelet-client.crt" \
    "--kubelet-client-key=$pki/apiserver-kubelet-client.key" \
    "--kubelet-certificate-authority=$pki/ca.crt"
}

# kube-controller-manager controllers a node needs: the node lifecycle controller removes the
# not-ready taint once the kubelet reports Ready (and taints a node that stops reporting), the
# taint eviction controller evicts pods from a NoExecute-tainted node, pod GC removes orphans.
NODE_CONTROLLERS="node-lifecycle-controller,taint-eviction-controller,pod-garbage-collector-controller"

node_network() {
  undo_note link "$NODE_BRIDGE"
  ip link add "$NODE_BRIDGE" type bridge
  ip addr add "$NODE_ADDRESS/24" dev "$NODE_BRIDGE"
  ip link set "$NODE_BRIDGE" up
  undo_note lo-address "$SERVICE_IP/32"
  ip addr add "$SERVICE_IP/32" dev lo
  mkdir -p "$NODE/cni/net.d" "$NODE/cni/ipam" "$NODE/dns"
  # isGateway false: the plugin neither assigns the bridge an address nor turns on ip_forward;
  # the only route pods get is to the service range, via the bridge address (a local address)
  cat > "$NODE/cni/net.d/10-featurejob.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "featurejob-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$NODE_BRIDGE",
      "isGateway": false,
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE/cni/ipam",
        "ranges": [[{"subnet": "$NODE_SUBNET", "rangeStart": "10.244.0.10", "gateway": "$NODE_ADDRESS"}]],
        "routes": [{"dst": "10.0.0.0/24", "gw": "$NODE_ADDRESS"}]
      }
    }
  ]
}
EOF
  start node-apiserver-forward socat "TCP-LISTEN:443,bind=$SERVICE_IP,reuseaddr,fork" "TCP:127.0.0.1:$APISERVER_PORT"
  # authoritative for cluster.local (NXDOMAIN for every other name in it), no upstream at all
  printf '%s kubernetes.default.svc.cluster.local kubernetes.default.svc\n' "$SERVICE_IP" > "$NODE/dns/hosts"
  : > "$NODE/dns/host-resolv.conf"   # the kubelet adds no host nameserver or search path to pods
  start node-dns dnsmasq --keep-in-foreground --bind-interfaces --listen-address "$NODE_ADDRESS" \
    --except-interface lo --port 53 --no-resolv --no-hosts --no-poll --addn-hosts "$NODE/dns/hosts" \
    --local /cluster.local/ --conf-file=/dev/null --pid-file= --user=root --log-facility=-
}

node_cgroups() {
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [ -f "$hierarchy/cgroup.procs" ] || continue
    [ -d "$hierarchy${CGROUP_ROOT#/}" ] && continue
    undo_note cgroup "$hierarchy${CGROUP_ROOT#/}"
    mkdir "$hierarchy${CGROUP_ROOT#/}"
    if [ -f "$hierarchy/cpuset.cpus" ]; then   # a v1 cpuset child starts empty
      cat "$hierarchy/cpuset.cpus" > "$hierarchy${CGROUP_ROOT#/}/cpuset.cpus"
      cat "$hierarchy/cpuset.mems" > "$hierarchy${CGROUP_ROOT#/}/cpuset.mems"
    fi
  done
}

node_containerd() {
  local sandbox_image=$1
  mkdir -p "$NODE/containerd"
  cat > "$NODE/containerd/config.toml" <<EOF
version = 2
root = "$NODE/containerd/root"
state = "$NODE/containerd/state"
# plugins that would write outside the state dir, or that this node does not use
disabled_plugins = ["io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$sandbox_image"
  # root cannot lower oom_score_adj on this kind of machine: without this every sandbox fails
  # with "can't get final child's PID from pipe: EOF"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$NODE/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE/cni/net.d"
    max_conf_num = 1
EOF
  start node-containerd containerd --config "$NODE/containerd/config.toml" --log-level warn
  wait_for containerd 60 ctr --address "$CONTAINERD_SOCK" version \
    || { tail -30 "$STATE/logs/node-containerd.log" >&2; return 1; }
}

node_kubelet() {
  local pki="$STATE/pki" port healthz_port
  port=$(free_port); healthz_port=$(free_port)
  mkdir -p "$NODE/kubelet" "$NODE/pod-logs"
  kubeconfig "$NODE/kubelet/kubeconfig" "system:node:$NODE_NAME" kubelet
  cat > "$NODE/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_ADDRESS
port: $port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $healthz_port
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
# this machine kind: hybrid cgroup v1, no systemd, swap allowed
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
failSwapOn: false
podLogsDir: $NODE/pod-logs
clusterDNS: [$NODE_ADDRESS]
clusterDomain: cluster.local
resolvConf: $NODE/dns/host-resolv.conf
makeIPTablesUtilChains: false
registerNode: true
maxPods: 40
serializeImagePulls: false
# no image garbage collection: the images were imported, none can be pulled again
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "2%", imagefs.available: "2%"}
EOF
  start node-kubelet "$K8S_BIN/kubelet" --config "$NODE/kubelet/config.yaml" \
    --kubeconfig "$NODE/kubelet/kubeconfig" --root-dir "$NODE/kubelet/root" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_ADDRESS" --v 1
}

node_ready() {
  local k="$K8S_BIN/kubectl --kubeconfig $STATE/kubeconfig"
  [ "$($k get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ] \
    && [ -z "$($k get node "$NODE_NAME" -o jsonpath='{.spec.taints}' 2>/dev/null)" ]
}

node_up() {
  local started sandbox_image
  started=$(date +%s)
  sandbox_image="$("$ROOT/hack/node/images.sh" pause)"
  mkdir -p "$NODE"
  iptables-save > "$NODE/iptables-before" 2>/dev/null || true
  # fixed paths: the kubelet's container log links, containerd's shim sockets, libcni's cache
  local dir
  for dir in "$KUBELET_CONTAINER_LOGS" /run/containerd /var/lib/cni; do
    [ -e "$dir" ] || undo_note created-dir "$dir"
  done
  node_network
  node_cgroups
  node_containerd "$sandbox_image"
  FEATUREJOB_CLUSTER_STATE="$STATE" "$ROOT/hack/node/images.sh" import "$sandbox_image"
  node_kubelet
  wait_for "node $NODE_NAME Ready and untainted" 120 node_ready \
    || { tail -40 "$STATE/logs/node-kubelet.log" >&2; return 1; }
  log "node $NODE_NAME ready in $(( $(date +%s) - started ))s (pods in $NODE_SUBNET on $NODE_BRIDGE)"
}

# ------------------------------------------------------------------------------------- down

# PIDs of processes whose command line names this node's containerd socket: its shims
node_shim_pids() {
  local dir
  for dir in /proc/[0-9]*; do
    tr '\0' ' ' 2>/dev/null < "$dir/cmdline" | grep -qF -- "-address $CONTAINERD_SOCK " && echo "${dir#/proc/}"
  done
  return 0
}

node_down() {
  [ -d "$NODE" ] || return 0
  local started
  started=$(date +%s)
  stop_pid node-kubelet
  # every container of the node, then containerd, then whatever shim is left
  if [ -S "$CONTAINERD_SOCK" ] && alive node-containerd; then
    local c="ctr --address $CONTAINERD_SOCK -n k8s.io" id
    for id in $($c tasks ls -q 2>/dev/null); do $c tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $($c tasks ls -q 2>/dev/null); do $c tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $($c containers ls -q 2>/dev/null); do $c containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  stop_pid node-containerd
  local pid
  for pid in $(node_shim_pids); do kill -9 "$pid" 2>/dev/null && log "killed leftover shim (pid $pid)"; done
  stop_pid node-dns
  stop_pid node-apiserver-forward
  # mounts under the node's dirs (overlay rootfs, netns, secrets), deepest first
  local mnt
  for mnt in $(awk -v p="$NODE/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r); do
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || log "WARNING: could not unmount $mnt"
  done
  # libcni's cache of sandboxes killed above without a CNI DEL: this network's entries and their loopback
  local cached
  for cached in /var/lib/cni/results/featurejob-node-*; do
    [ -e "$cached" ] || continue
    local id="${cached#/var/lib/cni/results/featurejob-node-}"
    rm -f "$cached" "/var/lib/cni/results/cni-loopback-${id%-*}-lo"
  done
  local kind value
  for kind in link lo-address cgroup created-dir; do
    [ -f "$NODE/undo/$kind" ] || continue
    while read -r value; do
      case "$kind" in
        link) ip link del "$value" 2>/dev/null && log "deleted link $value" ;;
        lo-address) ip addr del "$value" dev lo 2>/dev/null && log "deleted $value from lo" ;;
        cgroup) remove_cgroup "$value" ;;
        created-dir) remove_created_dir "$value" ;;
      esac
    done < "$NODE/undo/$kind"
    rm -f "$NODE/undo/$kind"
  done
  remove_new_iptables_chains
  # veth ends of pods whose namespace went away vanish with it; none is left on the bridge
  log "node $NODE_NAME removed in $(( $(date +%s) - started ))s"
  rm -rf --one-file-system "$NODE"
}

remove_cgroup() { # dir: its sub-cgroups first (the kubelet's kubepods/, the pods' own)
  [ -d "$1" ] || return 0
  find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  [ -d "$1" ] && log "WARNING: cgroup $1 still has processes" || true
}

remove_created_dir() { # a directory 'up' found absent: links into this node, then the empty dirs
  [ -d "$1" ] || return 0
  find "$1" -type l -lname "$NODE/*" -delete
  find "$1" -depth -type d -empty -delete
  [ -d "$1" ] && log "kept $1 (not empty)" || log "deleted $1"
}

# Chains present now that were not before 'up' (the kubelet's and CNI's), with the rules jumping to them.
# A chain counts as new only if its table did not have it before; built-in chains are never touched
# (an empty "before" must not flush OUTPUT). Rules are deleted with the shell's quoting (eval), since
# iptables-save quotes comments ("CNI firewall plugin rules").
remove_new_iptables_chains() {
  [ -f "$NODE/iptables-before" ] || return 0
  local table chain before
  before=$(iptables_chains < "$NODE/iptables-before")
  iptables-save 2>/dev/null | iptables_chains | while read -r table chain; do
    case "$chain" in INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) continue ;; esac
    grep -qx "$table $chain" <<< "$before" && continue
    iptables-save -t "$table" | awk -v c="$chain" '$1 == "-A" && $2 != c && $0 ~ ("-j " c "( |$)")' \
      | sed 's/^-A /-D /' | while read -r rule; do
        eval "iptables -t \"\$table\" $rule"
      done
    iptables -t "$table" -F "$chain" && iptables -t "$table" -X "$chain" && log "deleted iptables chain $table/$chain"
  done
}

# "table chain" per chain of an iptables-save listing on stdin.
iptables_chains() { awk '/^\*/ {t=substr($1, 2)} /^:/ {print t, substr($1, 2)}'; }

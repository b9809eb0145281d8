#!/usr/bin/env bash
# The operator's container image, with a Docker engine or without one.
#
#   hack/image.sh build         build the Dockerfile as $IMAGE: docker when its engine answers, else podman
#   hack/image.sh local-bases   build the Dockerfile's two base images from Debian packages (debootstrap,
#                               then hack/image/*.Containerfile), for machines that reach no container
#                               registry; kept in the engine's image store and reused
#   hack/image.sh engine        print the engine command line this machine needs (for tests)
#   hack/image.sh run-options   print the extra `run` options this machine needs (for tests)
#
# Environment:
#   IMAGE                        the tag to build (default featurejob/featurejob-operator:0.1.0)
#   FEATUREJOB_IMAGE_BASES       public (default): the Dockerfile's maven and eclipse-temurin bases from
#                                their registry; local: the Debian-built stand-ins of local-bases
#   FEATUREJOB_CONTAINER_ENGINE  docker or podman, instead of the automatic choice
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
IMAGE="${IMAGE:-featurejob/featurejob-operator:0.1.0}"
SUITE=bookworm
DEBIAN_BASE="localhost/featurejob-debian:$SUITE"
BUILD_BASE="localhost/featurejob-build-base:$SUITE"
RUNTIME_BASE="localhost/featurejob-runtime-base:$SUITE"

log() { printf '[image] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

engine_name() {
  if [ -n "${FEATUREJOB_CONTAINER_ENGINE:-}" ]; then
    echo "$FEATUREJOB_CONTAINER_ENGINE"
  elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    echo docker
  elif command -v podman >/dev/null; then
    echo podman
  else
    die "no container engine: start a Docker engine, or install podman (apt-get install podman runc)"
  fi
}

# The engine command line. crun (podman's default runtime on Debian 12) refuses hosts that mount
# cgroup v1 and v2 side by side ("hybrid"); runc runs there.
engine() {
  local name
  name="$(engine_name)"
  if [ "$name" = podman ] && [ -d /sys/fs/cgroup/unified ] && command -v runc >/dev/null; then
    echo "podman --runtime runc"
  else
    echo "$name"
  fi
}

# podman asks the runtime for generous default rlimits (nofile, nproc); without CAP_SYS_RESOURCE
# (some sandboxes and VMs drop it) raising a limit fails, so ask for the limits this shell has.
run_options() {
  [ "$(engine_name)" = podman ] || return 0
  local capeff
  capeff="$(awk '/^CapEff:/ {print $2}' /proc/self/status)"
  if (( (16#$capeff >> 24) & 1 )); then
    return 0
  fi
  local nproc pid_max
  nproc="$(ulimit -Hu)"
  pid_max="$(cat /proc/sys/kernel/pid_max)"
  # podman itself runs with at most pid_max processes, and its children cannot raise that
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then nproc="$pid_max"; fi
  echo "--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=$nproc:$nproc"
}

# The apt mirror this machine is configured with (deb822 sources or a classic sources.list).
debian_mirror() {
  local mirror
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  [ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
  [ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  echo "$mirror"
}

local_bases() {
  [ "$(engine_name)" = podman ] || die "local-bases needs podman (it imports into podman's image store)"
  local eng opts
  eng="$(engine)"
  opts="$(run_options)"
  if ! $eng image exists "$DEBIAN_BASE" 2>/dev/null; then
    command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
    local rootfs started
    started=$(date +%s)
    rootfs="$(mktemp -d)"
    log "debootstrap $SUITE (minbase) into $rootfs"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$(debian_mirror)" >"$rootfs.log" 2>&1 \
      || { tail -20 "$rootfs.log" >&2; die "debootstrap failed (log: $rootfs.log)"; }
    # the machine's own certificate authorities (a TLS-inspecting proxy in front of the registries,
    # say), so that Maven in the build stage trusts what Maven on this machine trusts; the
    # ca-certificates package installed on top adds them to the system and Java trust stores
    if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
      cp -r /usr/local/share/ca-certificates/. "$rootfs/usr/local/share/ca-certificates/"
    fi
    tar -C "$rootfs" -c . | $eng import --change 'CMD ["/bin/bash"]' - "$DEBIAN_BASE" >/dev/null
    rm -rf "$rootfs" "$rootfs.log"
    log "$DEBIAN_BASE imported in $(( $(date +%s) - started ))s"
  fi
  local base file
  for base in "$RUNTIME_BASE:runtime-base" "$BUILD_BASE:build-base"; do
    file="${base##*:}"
    base="${base%:*}"
    if ! $eng image exists "$base" 2>/dev/null; then
      log "building $base from hack/image/$file.Containerfile"
      # shellcheck disable=SC2086 # opts is a list of options
      $eng build $opts --network host --build-arg "DEBIAN_IMAGE=$DEBIAN_BASE" \
        -f "$ROOT/hack/image/$file.Containerfile" -t "$base" "$ROOT/hack/image"
    fi
  done
}

build() {
  local eng name started args=()
  eng="$(engine)"
  name="$(engine_name)"
  started=$(date +%s)
  if [ "${FEATUREJOB_IMAGE_BASES:-public}" = local ]; then
    [ "$name" = podman ] || die "FEATUREJOB_IMAGE_BASES=local needs podman (local-bases imports into its store)"
    local_bases
    args+=(--build-arg "BUILD_IMAGE=$BUILD_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE")
  fi
  if [ "$name" = podman ]; then
    # shellcheck disable=SC2207 # options separated by spaces
    args+=($(run_options) --network host)
    # the build stage reuses this machine's Maven repository instead of downloading it again
    mkdir -p "$HOME/.m2/repository"
    args+=(-v "$HOME/.m2:/root/.m2")
  fi
  log "$eng build ${args[*]} -t $IMAGE"
  if ! $eng build "${args[@]}" -t "$IMAGE" "$ROOT"; then
    [ "${FEATUREJOB_IMAGE_BASES:-public}" = local ] \
      || log "hint: the bases are short names (podman needs unqualified-search-registries in" \
              "/etc/containers/registries.conf); where no container registry is reachable," \
              "FEATUREJOB_IMAGE_BASES=local builds them from Debian packages"
    die "$eng build failed"
  fi
  log "$IMAGE built in $(( $(date +%s) - started ))s"
}

case "${1:-}" in
  build) build ;;
  local-bases) local_bases ;;
  engine) engine ;;
  run-options) run_options ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

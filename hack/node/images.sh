#!/usr/bin/env bash
# Container images for the real node (hack/cluster.sh with FEATUREJOB_CLUSTER_NODE=1), built with
# podman without any registry and kept as archives outside the repository; an archive is reused
# while the inputs it was built from are unchanged (their hash is in its tag).
#
#   hack/node/images.sh pause          build the pod sandbox image if needed; print its tag
#   hack/node/images.sh spark          build the Spark image if needed; print its tag
#   hack/node/images.sh import TAG     load TAG's archive into the node's containerd (namespace k8s.io)
#
# Environment:
#   FEATUREJOB_NODE_IMAGE_CACHE  where the archives are kept (default ~/.cache/featurejob-node/images)
#   FEATUREJOB_CLUSTER_STATE     the cluster state dir whose containerd 'import' loads into
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${FEATUREJOB_NODE_IMAGE_CACHE:-$HOME/.cache/featurejob-node/images}"
STATE="${FEATUREJOB_CLUSTER_STATE:-$ROOT/.cluster}"

log() { printf '[node-images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

engine() { "$ROOT/hack/image.sh" engine; }

# A short hash of files and strings: the tag, so changed inputs make a new image.
inputs_hash() {
  local item
  for item in "$@"; do
    if [ -f "$item" ]; then sha256sum "$item"; else printf '%s\n' "$item"; fi
  done | sha256sum | cut -c1-12
}

archive() { # tag -> its archive path
  local name="${1#localhost/}"
  echo "$CACHE/${name//[:\/]/_}.tar"
}

# podman build in a scratch context dir, then podman save into the cache
build_and_save() { # tag containerfile context-dir
  local tag=$1 file=$2 context=$3 eng opts
  eng="$(engine)"
  opts="$("$ROOT/hack/image.sh" run-options)"
  mkdir -p "$CACHE"
  # shellcheck disable=SC2086 # engine and options are word lists
  $eng build $opts --network host -f "$file" -t "$tag" "$context" >&2
  $eng save -o "$(archive "$tag").partial" "$tag" >&2
  mv "$(archive "$tag").partial" "$(archive "$tag")"
}

pause() {
  local src="$ROOT/hack/node/pause" file="$ROOT/hack/image/pause.Containerfile" tag
  tag="localhost/featurejob-pause:$(inputs_hash "$src/main.go" "$src/go.mod" "$file" "$(go env GOVERSION)")"
  if [ ! -f "$(archive "$tag")" ]; then
    local started context
    started=$(date +%s)
    context="$(mktemp -d)"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$context/pause" .)
    build_and_save "$tag" "$file" "$context"
    rm -rf "$context"
    log "$tag built in $(( $(date +%s) - started ))s"
  fi
  echo "$tag"
}

# Spark, the JDBC driver and the job compiled against Spark's jars, on the Debian JRE base
spark() {
  if [ -z "${SPARK_HOME:-}" ] || [ -z "${FEATUREJOB_JDBC_JAR:-}" ]; then
    [ -x "$ROOT/hack/spark/install.sh" ] || die "set SPARK_HOME and FEATUREJOB_JDBC_JAR (no hack/spark/install.sh)"
    eval "$("$ROOT/hack/spark/install.sh" env)"
  fi
  [ -f "$SPARK_HOME/jars/spark-kubernetes_2.12-${SPARK_VERSION:-}.jar" ] \
    || die "no spark-kubernetes jar of Spark ${SPARK_VERSION:-?} in $SPARK_HOME/jars"
  "$ROOT/hack/image.sh" local-bases >&2
  local src="$ROOT/hack/node/spark" file="$ROOT/hack/image/spark.Containerfile" eng base tag
  eng="$(engine)"
  base="$($eng image inspect --format '{{.Id}}' localhost/featurejob-runtime-base:bookworm)"
  tag="localhost/featurejob-spark:$SPARK_VERSION-$(inputs_hash "$file" "$src/entrypoint.sh" "$src/FeatureJobExample.java" \
    "$SPARK_VERSION" "$(basename "$FEATUREJOB_JDBC_JAR")" "$base")"
  if [ ! -f "$(archive "$tag")" ]; then
    local started context
    started=$(date +%s)
    context="$(mktemp -d)"
    mkdir -p "$context/spark" "$context/classes"
    cp -r "$SPARK_HOME/bin" "$SPARK_HOME/jars" "$context/spark/"
    cp "$FEATUREJOB_JDBC_JAR" "$context/postgresql.jar"
    cp "$src/entrypoint.sh" "$context/"
    javac --release 17 -nowarn -XDsuppressNotes -cp "$SPARK_HOME/jars/*" -d "$context/classes" "$src/FeatureJobExample.java" 2>&1 \
      | grep -v 'warning\|^ *\^\|Unsafe\|^[0-9]* warnings\?$' >&2 || true
    [ -f "$context/classes/io/featurejob/example/FeatureJobExample.class" ] || die "the example job did not compile"
    jar --create --file "$context/featurejob-example.jar" -C "$context/classes" .
    build_and_save "$tag" "$file" "$context"
    rm -rf "$context"
    log "$tag built in $(( $(date +%s) - started ))s"
  fi
  echo "$tag"
}

import() { # tag
  local tag=$1 sock="$STATE/node/containerd/containerd.sock" started
  [ -f "$(archive "$tag")" ] || die "no archive of $tag in $CACHE (build it with: $0 ${tag#localhost/featurejob-})"
  [ -S "$sock" ] || die "no containerd at $sock: start the node (FEATUREJOB_CLUSTER_NODE=1 hack/cluster.sh up)"
  if ctr --address "$sock" -n k8s.io images ls -q | grep -xF "$tag" >/dev/null; then
    return 0
  fi
  started=$(date +%s)
  ctr --address "$sock" -n k8s.io images import "$(archive "$tag")" >/dev/null
  log "$tag imported into the node's containerd in $(( $(date +%s) - started ))s"
}

case "${1:-}" in
  pause) pause ;;
  spark) spark ;;
  import) [ -n "${2:-}" ] || die "usage: $0 import TAG"; import "$2" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

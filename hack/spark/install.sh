#!/usr/bin/env bash
# Installs real Spark, the PostgreSQL JDBC driver and PostgreSQL 15 for the Spark corpus and the
# real-Spark tests. Idempotent: a second run finds everything in the cache and only prints paths.
#
#   hack/spark/install.sh        install what is missing, then print SPARK_HOME=..., one per line
#   hack/spark/install.sh env    the same, printed as `export NAME=...;` lines for eval
#
# Cache (outside the repository): ${FEATUREJOB_SPARK_CACHE:-$HOME/.cache/featurejob-spark}
#   venv-<spark>/                 Python venv holding the pyspark sdist: a full Spark distribution
#                                 (bin/spark-submit, jars/) under its site-packages/pyspark
#   jars/postgresql-<ver>.jar     the PostgreSQL JDBC driver (Maven, org.postgresql:postgresql)
# PostgreSQL 15 server binaries come from Debian (apt-get install postgresql-15) when
# /usr/lib/postgresql/15/bin is missing; installing them needs root.
#
# Printed names: SPARK_HOME, SPARK_VERSION, FEATUREJOB_JDBC_JAR, FEATUREJOB_SPARK_PYTHON (the venv's
# python, for PYSPARK_PYTHON), FEATUREJOB_PG_BIN (initdb, pg_ctl, postgres, psql).
# Overrides: FEATUREJOB_SPARK_VERSION (default 3.5.9, the newest 3.5 patch on PyPI at capture time),
# FEATUREJOB_JDBC_VERSION (default 42.7.14).
set -euo pipefail

SPARK_VERSION="${FEATUREJOB_SPARK_VERSION:-3.5.9}"
JDBC_VERSION="${FEATUREJOB_JDBC_VERSION:-42.7.14}"
CACHE="${FEATUREJOB_SPARK_CACHE:-$HOME/.cache/featurejob-spark}"
PG_BIN=/usr/lib/postgresql/15/bin
VENV="$CACHE/venv-$SPARK_VERSION"
JDBC_JAR="$CACHE/jars/postgresql-$JDBC_VERSION.jar"

log() { echo "[spark-install] $*" >&2; }

mkdir -p "$CACHE/jars"

# Spark: the pyspark sdist installed into a venv. A marker file says the install completed.
if [ ! -f "$VENV/.complete" ]; then
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    [ "$(id -u)" = 0 ] || { log "python3 with venv and ensurepip is required: apt-get install python3-venv"; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv >&2
  fi
  rm -rf "$VENV"
  log "pip install pyspark==$SPARK_VERSION into $VENV (the sdist is ~320 MB)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-cache-dir "pyspark==$SPARK_VERSION" >&2
  touch "$VENV/.complete"
fi
SPARK_HOME="$("$VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
[ -x "$SPARK_HOME/bin/spark-submit" ] || { log "no bin/spark-submit under $SPARK_HOME"; exit 1; }
chmod -R a+rX "$CACHE" 2>/dev/null || true   # the unreadable-file case runs Spark as an unprivileged user

# The JDBC driver, through Maven (already needed for the build).
if [ ! -f "$JDBC_JAR" ]; then
  log "fetching org.postgresql:postgresql:$JDBC_VERSION"
  mvn -B -q --no-transfer-progress -Dstyle.color=never dependency:copy -Dartifact="org.postgresql:postgresql:$JDBC_VERSION" \
    -DoutputDirectory="$CACHE/jars" >&2
fi
chmod a+r "$JDBC_JAR"

# PostgreSQL 15 server from Debian, without starting the packaged service (postgres.sh runs a private
# cluster): policy-rc.d exit 101 forbids service starts during the install.
if [ ! -x "$PG_BIN/postgres" ]; then
  [ "$(id -u)" = 0 ] || { log "PostgreSQL 15 missing and not root: apt-get install postgresql-15"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  installed=0
  apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-15 >&2 && installed=1
  if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  [ "$installed" = 1 ] || { log "could not install postgresql-15"; exit 1; }
fi

print() {
  local prefix="" suffix=""
  if [ "${1:-}" = env ]; then prefix="export "; suffix=";"; fi
  printf '%sSPARK_HOME=%q%s\n' "$prefix" "$SPARK_HOME" "$suffix"
  printf '%sSPARK_VERSION=%q%s\n' "$prefix" "$SPARK_VERSION" "$suffix"
  printf '%sFEATUREJOB_JDBC_JAR=%q%s\n' "$prefix" "$JDBC_JAR" "$suffix"
  printf '%sFEATUREJOB_SPARK_PYTHON=%q%s\n' "$prefix" "$VENV/bin/python" "$suffix"
  printf '%sFEATUREJOB_PG_BIN=%q%s\n' "$prefix" "$PG_BIN" "$suffix"
}
print "${1:-}"

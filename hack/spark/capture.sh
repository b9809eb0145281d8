#!/usr/bin/env bash
# Runs the corpus cases with real spark-submit (local mode) and records what the driver printed.
#
#   hack/spark/capture.sh [CASE...]     capture the cases (all when none) into the corpus:
#                                       featurejob-operator/src/test/resources/io/featurejob/operator/demo/spark-corpus/<case>/
#                                         driver.log   stdout+stderr combined, as `kubectl logs` shows it
#                                         exit-code    spark-submit's exit status (128+N after signal N)
#                                         case.yaml    expected class, command, versions, date, what it does
#   hack/spark/capture.sh run CASE DIR  run one case, write DIR/driver.log and DIR/exit-code (the tests)
#   hack/spark/capture.sh list          the case names
#
# Needs hack/spark/install.sh (run here when SPARK_HOME is unset) and a running
# hack/spark/postgres.sh (its env is read when FEATUREJOB_PG_URL is unset). `make spark-corpus` does all.
# FEATUREJOB_SPARK_WRAPPER=PATH runs `sh PATH` with spark-submit's path and arguments instead of
# spark-submit itself (the driver entrypoint the operator mounts in driver pods).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CORPUS="$ROOT/featurejob-operator/src/test/resources/io/featurejob/operator/demo/spark-corpus"
CASES=(success permission-revoked wrong-password missing-table python-udf-exception jvm-app-exception
       sql-analysis-error driver-oom python-memory-error broadcast-oom unreadable-file sigterm sigkill)
# Seconds; a case still running then is killed and the capture fails (a loaded 2-core machine
# needs minutes for one case)
RUN_TIMEOUT=900

log() { echo "[capture] $*" >&2; }

# Sets the case's variables: JOB (a .py under jobs/, or "jar"), ARGS, CONF (extra --conf), PRE/POST
# (SQL as the table owner before/after), ENVS (extra environment), STOP (TERM/KILL: signal sent once
# the tasks run), DROP_DAC (run without root's file-read override), EXPECT, NOTE, DESCRIBE, and
# SHOWS: text the log must hold, proof that the case failed the way it says (else the capture fails).
define_case() {
  JOB="" ARGS=() CONF=() PRE="" POST="" ENVS=() STOP="" DROP_DAC=0 NOTE="" SHOWS=""
  case "$1" in
    success)
      SHOWS="Lisbon: 250 trips"
      JOB=trip_features.py ARGS=("$WORK/out/trip_features") EXPECT=none
      DESCRIBE="Control: reads trips from PostgreSQL over JDBC, aggregates per city, writes Parquet, exits 0." ;;
    permission-revoked)
      SHOWS="ERROR: permission denied for table trips"
      JOB=trip_features.py ARGS=("$WORK/out/trip_features") EXPECT=PermissionDenied
      PRE="REVOKE SELECT ON trips FROM featurejob" POST="GRANT SELECT ON trips TO featurejob"
      DESCRIBE="The success job after the table owner ran REVOKE SELECT ON trips FROM featurejob: Spark's JDBC schema query fails with PSQLException permission denied for table trips." ;;
    wrong-password)
      SHOWS="FATAL: password authentication failed for user \"featurejob\""
      JOB=trip_features.py ARGS=("$WORK/out/trip_features") EXPECT=PermissionDenied
      ENVS=("FEATUREJOB_PG_PASSWORD=rotated-elsewhere")
      DESCRIBE="The success job with a stale JDBC password: PostgreSQL answers FATAL password authentication failed for user featurejob." ;;
    missing-table)
      SHOWS="ERROR: relation \"trip_snapshots\" does not exist"
      JOB=trip_features.py ARGS=("$WORK/out/trip_features" trip_snapshots) EXPECT=UserCodeError
      DESCRIBE="The success job pointed at a table that does not exist (trip_snapshots): relation does not exist." ;;
    python-udf-exception)
      SHOWS="ValueError: could not convert string to float: 'n/a'"
      JOB=distance_udf.py EXPECT=UserCodeError
      DESCRIBE="Bad data in a task: a Python UDF parses '12.5 km' distances, one record says 'n/a', float() raises ValueError in the Python worker; the task fails 1 time in local mode and the job aborts." ;;
    jvm-app-exception)
      SHOWS="java.lang.IllegalStateException: city Braga has 250 trips"
      JOB=jar EXPECT=UserCodeError
      DESCRIBE="A JVM mainClass job (TripCoverageCheck, compiled with javac against Spark's jars) reads trips over JDBC and throws IllegalStateException from main because a city has too few trips." ;;
    sql-analysis-error)
      SHOWS="[UNRESOLVED_COLUMN.WITH_SUGGESTION]"
      JOB=fare_sql.py EXPECT=UserCodeError
      DESCRIBE="Spark SQL names a column the table lacks (fare_amount): AnalysisException UNRESOLVED_COLUMN on the driver before any task runs." ;;
    driver-oom)
      SHOWS="java.lang.OutOfMemoryError"
      JOB=huge_array.py EXPECT=OutOfMemory
      DESCRIBE="A task builds a 300-million-element array in a 512 MiB driver: java.lang.OutOfMemoryError: Java heap space in the task; in local mode the executor runs in the driver JVM, so SparkUncaughtExceptionHandler exits the JVM with 52." ;;
    python-memory-error)
      SHOWS="MemoryError"
      JOB=python_memory.py EXPECT=OutOfMemory CONF=(--conf spark.executor.pyspark.memory=256m)
      DESCRIBE="Python worker out of memory: spark.executor.pyspark.memory=256m caps the worker's address space, a UDF allocates a 100-million-element list and raises MemoryError; the task fails and the job aborts with exit 1." ;;
    broadcast-oom)
      SHOWS="Not enough memory to build and broadcast the table to all worker nodes"
      JOB=broadcast_join.py EXPECT=OutOfMemory
      DESCRIBE="A broadcast join whose broadcast side has 8 million padded rows: the 512 MiB driver cannot build the broadcast table; Spark 3.5 reports it as a SparkException (no OutOfMemoryError in the log) and the job exits 1." ;;
    unreadable-file)
      SHOWS="Permission denied"
      JOB=read_csv.py ARGS=("$WORK/data/trips-export.csv") EXPECT=PermissionDenied DROP_DAC=1
      DESCRIBE="Reads a CSV export the job's user cannot read (mode 000, owned by another identity than the job's effective rights allow)."
      NOTE="Run as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv), because root reads any file and the Spark install sits under root's 0700 home where no other user can reach it; the file is root's with mode 000, so the open fails exactly as for a non-root user." ;;
    sigterm)
      SHOWS="Invoking stop() from shutdown hook"
      JOB=slow_tasks.py EXPECT=Unknown STOP=TERM
      DESCRIBE="spark-submit is sent SIGTERM while its tasks run, as the kubelet does on node shutdown or pod deletion; Spark's shutdown hooks run and the JVM exits 143."
      NOTE="Nothing in the log or the exit code (143) says why SIGTERM came: node shutdown (SpotInterruption), pod deletion (PodDeleted) or an eviction all look the same from inside. Only the pod status (DisruptionTarget, reason Terminated) can tell; the log alone gives no class, hence Unknown." ;;
    sigkill)
      SHOWS="Running task 1.0 in stage 0.0"
      JOB=slow_tasks.py EXPECT=Unknown STOP=KILL
      DESCRIBE="spark-submit is sent SIGKILL while its tasks run, as the kernel OOM killer or the kubelet after the grace period does: the log stops mid-run, the exit code is 137."
      NOTE="Exit 137 alone cannot tell the OOM killer (the kubelet then says reason OOMKilled) from a kill after a grace period or by a user; the log stops without a cause, hence Unknown." ;;
    *) log "unknown case $1 (cases: ${CASES[*]})"; exit 2 ;;
  esac
}

ensure_env() {
  if [ -z "${SPARK_HOME:-}" ] || [ -z "${FEATUREJOB_JDBC_JAR:-}" ]; then
    eval "$("$HERE/install.sh" env)"
  fi
  if [ -z "${FEATUREJOB_PG_URL:-}" ]; then
    eval "$("$HERE/postgres.sh" env)"
  fi
  : "${FEATUREJOB_SPARK_PYTHON:=python3}"
}

# Stages the jobs (and the JVM job's jar) in $WORK, so logs name neither the repository nor a home.
stage() {
  WORK="$(mktemp -d /tmp/featurejob-spark.XXXXXX)"
  chmod 0755 "$WORK"
  mkdir -p "$WORK/jobs" "$WORK/out" "$WORK/data"
  cp "$HERE"/jobs/*.py "$WORK/jobs/"
  chmod -R a+rX "$WORK"
}

build_jar() {
  [ -f "$WORK/jobs/trip-coverage-check.jar" ] && return 0
  mkdir -p "$WORK/classes"
  javac -nowarn --release 17 -cp "$SPARK_HOME/jars/*" -d "$WORK/classes" "$HERE/jobs/java/TripCoverageCheck.java"
  jar cf "$WORK/jobs/trip-coverage-check.jar" -C "$WORK/classes" .
}

# The spark-submit command of the defined case, in COMMAND.
build_command() {
  COMMAND=("$SPARK_HOME/bin/spark-submit" --master 'local[2]' --driver-memory 512m
    --conf spark.ui.enabled=false --conf spark.driver.bindAddress=127.0.0.1 --conf spark.driver.host=127.0.0.1
    --conf spark.sql.shuffle.partitions=4 --jars "$FEATUREJOB_JDBC_JAR" "${CONF[@]}")
  if [ "$JOB" = jar ]; then
    build_jar
    COMMAND+=(--class TripCoverageCheck "$WORK/jobs/trip-coverage-check.jar")
  else
    COMMAND+=("$WORK/jobs/$JOB")
  fi
  COMMAND+=("${ARGS[@]}")
  if [ -n "${FEATUREJOB_SPARK_WRAPPER:-}" ]; then
    COMMAND=(sh "$FEATUREJOB_SPARK_WRAPPER" "${COMMAND[@]}")
  fi
  if [ "$DROP_DAC" = 1 ] && [ "$(id -u)" = 0 ]; then
    COMMAND=(setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-dac_override,-dac_read_search -- "${COMMAND[@]}")
  fi
}

# PIDs of the processes this capture started that still run: their working directory is $WORK
# (spark-submit starts there; the Python driver, workers and daemon inherit it).
leftovers() {
  local proc cwd
  for proc in /proc/[0-9]*; do
    cwd="$(readlink "$proc/cwd" 2>/dev/null || true)"
    if [ "$cwd" = "$WORK" ] || [ "$cwd" = "$WORK (deleted)" ]; then echo "${proc#/proc/}"; fi
  done
}

# A container's processes all die with it; here the Python driver, workers or daemon of a killed
# JVM would live on, so give them 5 s to go and then kill them.
kill_leftovers() {
  local pids
  for _ in 1 2 3 4 5; do
    pids="$(leftovers)"
    [ -n "$pids" ] || return 0
    sleep 1
  done
  log "killing leftover processes of this run: $(echo $pids)"
  kill -KILL $pids 2>/dev/null || true
}

# Runs the defined case; writes $1/driver.log and $1/exit-code.
run_case() {
  local out="$1"
  mkdir -p "$out"
  if [ "$JOB" = read_csv.py ]; then
    printf 'trip_id,city,fare\n1,Lisbon,12.40\n' > "$WORK/data/trips-export.csv"
    chmod 000 "$WORK/data/trips-export.csv"
  fi
  [ -z "$PRE" ] || "$HERE/postgres.sh" sql "$PRE" >/dev/null
  local pid rc=0 waited=0 stopped=0
  # From $WORK: Spark names its working directory in the log (warehouse path).
  (cd "$WORK" && exec env PYSPARK_PYTHON="$FEATUREJOB_SPARK_PYTHON" PYSPARK_DRIVER_PYTHON="$FEATUREJOB_SPARK_PYTHON" \
    SPARK_LOCAL_IP=127.0.0.1 "${ENVS[@]}" "${COMMAND[@]}") > "$out/driver.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ -n "$STOP" ] && [ "$stopped" = 0 ] && grep -q 'Running task 1.0' "$out/driver.log"; then
      sleep 3   # let both tasks settle into their sleep
      log "sending SIG$STOP to spark-submit (pid $pid)"
      kill -"$STOP" "$pid"
      stopped=1
    fi
    if [ "$waited" -ge $((RUN_TIMEOUT * 2)) ]; then
      log "case still running after ${RUN_TIMEOUT}s: killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      kill_leftovers
      exit 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  wait "$pid" || rc=$?
  kill_leftovers
  [ -z "$POST" ] || "$HERE/postgres.sh" sql "$POST" >/dev/null
  echo "$rc" > "$out/exit-code"
  log "$(basename "$out"): exit $rc, $(wc -l < "$out/driver.log") lines, $(wc -c < "$out/driver.log") bytes"
  if ! grep -qF -- "$SHOWS" "$out/driver.log"; then
    log "$(basename "$out"): the log lacks '$SHOWS': the case did not fail the way it says"
    return 1
  fi
}

# The command as recorded in case.yaml: machine paths replaced by the variables that hold them.
recorded_command() {
  local text="" arg
  for arg in "${COMMAND[@]}"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./=:,@+-]+$ ]]; then text+="$arg "; else text+="'$arg' "; fi
  done
  text="${text//$SPARK_HOME/\$SPARK_HOME}"
  text="${text//$FEATUREJOB_JDBC_JAR/\$FEATUREJOB_JDBC_JAR}"
  text="${text//$WORK/\$WORK}"
  echo "${text% }"
}

yaml_quote() { local s="${1//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"; }

write_case_yaml() {
  local name="$1" dir="$2"
  {
    echo "# Captured by hack/spark/capture.sh $name (see hack/spark/README.md); do not edit by hand."
    echo "name: $name"
    echo "expectedClass: $EXPECT"
    echo "description: $(yaml_quote "$DESCRIBE")"
    echo "logShows: $(yaml_quote "$SHOWS")"
    [ -z "$NOTE" ] || echo "note: $(yaml_quote "$NOTE")"
    echo "exitCode: $(cat "$dir/exit-code")"
    echo "command: $(yaml_quote "$(recorded_command)")"
    [ -z "$PRE" ] || echo "before: $(yaml_quote "$PRE")"
    [ "${#ENVS[@]}" = 0 ] || echo "environment: $(yaml_quote "${ENVS[*]}")"
    [ -z "$STOP" ] || echo "signal: SIG$STOP"
    echo "sparkVersion: \"$SPARK_VERSION\""
    echo "postgresVersion: $(yaml_quote "$FEATUREJOB_PG_VERSION")"
    echo "jdbcDriver: \"$(basename "$FEATUREJOB_JDBC_JAR" .jar)\""
    echo "javaVersion: $(yaml_quote "$(java -version 2>&1 | head -1)")"
    echo "pythonVersion: $(yaml_quote "$("$FEATUREJOB_SPARK_PYTHON" --version 2>&1)")"
    echo "capturedAt: \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\""
  } > "$dir/case.yaml"
}

case "${1:-}" in
  list) printf '%s\n' "${CASES[@]}"; exit 0 ;;
  run)
    [ $# = 3 ] || { echo "usage: $0 run CASE DIR" >&2; exit 2; }
    ensure_env; stage; trap 'rm -rf "$WORK"' EXIT
    define_case "$2"; build_command; run_case "$3"
    ;;
  *)
    selected=("$@")
    [ ${#selected[@]} -gt 0 ] || selected=("${CASES[@]}")
    ensure_env; stage; trap 'rm -rf "$WORK"' EXIT
    for name in "${selected[@]}"; do
      define_case "$name"
      build_command
      log "case $name"
      run_case "$CORPUS/$name"
      write_case_yaml "$name" "$CORPUS/$name"
    done
    ;;
esac

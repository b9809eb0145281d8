#!/usr/bin/env bash
# make bench: the storm benchmark (tests tagged "bench") on the local control plane with kube-scheduler
# and no node, started and stopped around the run: the operator first, then the Kubernetes Job
# controller (kube-controller-manager's job-controller, QPS 200) on the same API server, whose
# requests are counted from the API server's audit log (hack/bench-audit-policy.yaml).
#   BENCH_MIX (storm): "success" runs the success-heavy mix instead (MixBench): BENCH_JOBS FeatureJobs on
#   "* * * * *", then as many CronJobs (cronjob-controller + job-controller); one Node that kube-scheduler
#   binds both sides' pods to, whose kubelet (in the benchmark JVM) runs each pod 10 s to exit 0, or 5% to a
#   node shutdown (BENCH_RUN_SECONDS, BENCH_FAIL_PERCENT). BENCH_SECONDS is rounded up to whole minutes;
#   BENCH_WARMUP defaults to 240 here: both sides keep 3 finished runs, so from the 4th minute on every run
#   also deletes an old pod.
#   Fails on counts only: a job that did not run in the window, a failure recorded as non-transient, more
#   than 2.2 status writes per pod, more than 1 template write per job. In-JVM operator only (not
#   BENCH_OPERATOR=process, not BENCH_SHARDS).
#   BENCH_MIX=status-writes (StatusWriteBench): what one write costs kube-apiserver and etcd in CPU, alone on the
#   idle control plane: a FeatureJob status write by the number of history entries it carries (the operator's
#   own status, from one storm job it ran until its history was full), and a pod create + delete
#   (BENCH_WRITES per row, default 1000; about 11 minutes).
# A cluster already up is reused and left running (then without audit log: the Job controller is skipped).
#   BENCH_JOBS (200), BENCH_SECONDS (120 measured), BENCH_WARMUP (60): FeatureJobs and Jobs, and seconds.
#   BENCH_WARMUP_MAX (900): the operator's warm-up goes on after BENCH_WARMUP until every job has made its
#   one-time fallback to on-demand and its event queue has drained, this many seconds at most, so the
#   window measures steady attempts.
# Fails on counts and ratios only: more than 1.1 status writes per launch or failure, more than 1
# template write per job, more than 0.1 template writes per attempt in the measured window.
#   BENCH_SHARDS (1): operator shard counts to run one after the other, e.g. "1,2,3" (a table of them
#   follows; all shards run in the benchmark's JVM).
#   BENCH_THREADS (16, the default): reconcile threads per operator to run one after the other, e.g. "4,16"; the runs'
#   table shows the CPU of this JVM, kube-apiserver and etcd in each measured window.
#   BENCH_HISTORY_LIMIT: the storm's jobs' spec.historyLimit (default: the product's 20); every status write
#   carries the history, and the API server's CPU per write grows with it (docs/testing.md).
#   BENCH_FULL_HISTORY (false): "true" starts every job with its history full, as hours of storm leave it: one
#   storm job runs first until its history is full (about 4 minutes), the N jobs are created with a copy of its
#   status, then the operator starts (so its cold start is a restart's).
#   BENCH_HEAP (384m): the benchmark JVM's heap (75% of 512Mi); with BENCH_OPERATOR=process the operator has its own.
#   BENCH_OPERATOR (jvm): "process" runs the operator as its own process, as its pod does: the built jar
#   (java -jar featurejob-operator.jar run) with the Dockerfile's JAVA_TOOL_OPTIONS, in a cgroup v1 memory
#   cgroup limited to the chart's limits.memory (BENCH_MEMORY_LIMIT, default from helm/*/values.yaml), as
#   the chart's ServiceAccount and Role; its requests come from the audit log, and the table adds the
#   cgroup's peak usage, failcnt and OOM kills, VmHWM/VmRSS and heap after GC. Fails if the process
#   exited or was OOM-killed during the run. Needs root, cgroup v1 memory and a cluster this script
#   starts (the audit log); one shard. The cgroups (featurejob-bench-<pid>-*) are removed at exit.
#   BENCH_OPERATOR_JAVA_OPTIONS: appended to those JAVA_TOOL_OPTIONS, e.g. "-XX:+AlwaysPreTouch
#   -XX:InitialRAMPercentage=75": the whole heap is resident from the start, so the cgroup's peak is the
#   heap at its largest plus everything outside it (what the limit must hold), whatever the live data.
# Table: stdout and target/bench.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
STATE="${FEATUREJOB_CLUSTER_STATE:-$ROOT/.cluster}"
CLUSTER_STARTED=0
CGROUP_PREFIX=/sys/fs/cgroup/memory/featurejob-bench-$$

# The operator processes' cgroups: kill what is still in them (only the operators this run started), then remove.
cleanup() {
  local dir pid
  for dir in "$CGROUP_PREFIX"-*; do
    [ -d "$dir" ] || continue
    while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$dir/cgroup.procs"
    for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$dir" 2>/dev/null && break; sleep 1; done
  done
  [ "$CLUSTER_STARTED" = 1 ] && hack/cluster.sh down
  return 0
}
trap cleanup EXIT

case "${BENCH_MIX:-storm}" in
  storm) BENCH_TEST=StormBench BENCH_WARMUP_DEFAULT=60 ;;
  success) BENCH_TEST=MixBench BENCH_WARMUP_DEFAULT=240
    [ "${BENCH_OPERATOR:-jvm}" = jvm ] || { echo "BENCH_MIX=success runs the operator in the benchmark's JVM only" >&2; exit 2; } ;;
  status-writes) BENCH_TEST=StatusWriteBench BENCH_WARMUP_DEFAULT=0
    [ "${BENCH_OPERATOR:-jvm}" = jvm ] || { echo "BENCH_MIX=status-writes runs the operator in the benchmark's JVM only" >&2; exit 2; } ;;
  *) echo "BENCH_MIX must be storm, success or status-writes, not ${BENCH_MIX}" >&2; exit 2 ;;
esac

if ! { [ -f "$STATE/pids/kube-apiserver" ] && kill -0 "$(cat "$STATE/pids/kube-apiserver")" 2>/dev/null; }; then
  FEATUREJOB_CLUSTER_SCHEDULER=1 FEATUREJOB_CLUSTER_AUDIT_POLICY="$ROOT/hack/bench-audit-policy.yaml" \
    FEATUREJOB_CLUSTER_KCM_CONTROLLERS=job-controller,cronjob-controller \
    FEATUREJOB_CLUSTER_KCM_ARGS="--kube-api-qps=200 --kube-api-burst=300" hack/cluster.sh up
  CLUSTER_STARTED=1
fi
export KUBECONFIG="$STATE/kubeconfig"
KUBECTL="$(hack/cluster.sh bin)/kubectl"
"$KUBECTL" apply --server-side --force-conflicts -f crds/
hack/await-crd.sh "$KUBECTL"

PROCESS_ARGS=()
if [ "${BENCH_OPERATOR:-jvm}" = process ]; then
  [ -w /sys/fs/cgroup/memory/cgroup.procs ] || { echo "BENCH_OPERATOR=process needs root and cgroup v1 memory" >&2; exit 2; }
  limit="${BENCH_MEMORY_LIMIT:-$(sed -n '/^  limits:/,/^[^ ]/s/^ *memory: *//p' helm/featurejob-operator/values.yaml)}"
  tool_options="$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' Dockerfile)"
  [ -n "$limit" ] && [ -n "$tool_options" ] || { echo "no memory limit in values.yaml or JAVA_TOOL_OPTIONS in Dockerfile" >&2; exit 2; }
  tool_options="$tool_options${BENCH_OPERATOR_JAVA_OPTIONS:+ $BENCH_OPERATOR_JAVA_OPTIONS}"
  mvn -B -q -pl featurejob-operator -am -DskipTests package
  PROCESS_ARGS=(-Dbench.operator=process -Dbench.operatorJar="$ROOT/featurejob-operator/target/featurejob-operator.jar"
    -Dbench.javaToolOptions="$tool_options" -Dbench.memoryLimit="$(numfmt --from=auto "$limit")"
    -Dbench.cgroupPrefix="$CGROUP_PREFIX")
fi

mvn -B --no-transfer-progress -pl featurejob-testkit -am test "${PROCESS_ARGS[@]}" -DargLine="-Xmx${BENCH_HEAP:-384m}" \
  -Dgroups=bench -Dfeaturejob.excludedGroups=none \
  -Dtest="$BENCH_TEST" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.runSeconds="${BENCH_RUN_SECONDS:-10}" -Dbench.failPercent="${BENCH_FAIL_PERCENT:-5}" \
  -Dbench.jobs="${BENCH_JOBS:-200}" -Dbench.seconds="${BENCH_SECONDS:-120}" -Dbench.warmup="${BENCH_WARMUP:-$BENCH_WARMUP_DEFAULT}" \
  -Dbench.warmupMax="${BENCH_WARMUP_MAX:-900}" \
  -Dbench.historyLimit="${BENCH_HISTORY_LIMIT:-0}" -Dbench.fullHistory="${BENCH_FULL_HISTORY:-false}" \
  -Dbench.writes="${BENCH_WRITES:-1000}" \
  -Dbench.shards="${BENCH_SHARDS:-1}" -Dbench.threads="${BENCH_THREADS:-16}" \
  -Dbench.apiserverPid="$(cat "$STATE/pids/kube-apiserver")" -Dbench.etcdPid="$(cat "$STATE/pids/etcd" 2>/dev/null || true)" \
  -Dbench.audit="$STATE/logs/audit.log" -Dbench.kcmPid="$(cat "$STATE/pids/kube-controller-manager" 2>/dev/null || true)" \
  -Dbench.schedulerPid="$(cat "$STATE/pids/kube-scheduler" 2>/dev/null || true)"
cat target/bench.txt

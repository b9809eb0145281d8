#!/usr/bin/env bash
# Captures the fixtures of CgroupMemoryTest and ProcStatusTest from this machine's kernel (root, cgroup v1
# memory): a cgroup limited to 32Mi in which python3 fills 100 MiB and is OOM-killed, its memory.oom_control
# and memory.failcnt after that; and /proc/<pid>/status of a running python3 process.
#   featurejob-testkit/src/test/resources/io/featurejob/operator/bench/capture-cgroup-fixtures.sh
set -euo pipefail
OUT="$(cd "$(dirname "$0")" && pwd)"
CG=/sys/fs/cgroup/memory/featurejob-fixture-$$
mkdir "$CG"
trap 'rmdir "$CG"' EXIT
echo $((32 << 20)) > "$CG/memory.limit_in_bytes"
sh -c 'echo $$ > "$0" && exec python3 -c "b = b\"x\" * (100 << 20)"' "$CG/cgroup.procs" || echo "exit $? (killed)"
cat "$CG/memory.oom_control" > "$OUT/oom-control-after-kill.txt"
cat "$CG/memory.failcnt" > "$OUT/failcnt-after-kill.txt"
python3 -c 'import sys; b = b"x" * (50 << 20); del b; sys.stdout.write(open("/proc/self/status").read())' \
  > "$OUT/proc-status-python3.txt"
uname -r

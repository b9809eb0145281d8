#!/bin/sh
# featurejob-operator driver entrypoint: runs spark-submit and leaves the root cause of a failure in
# the container's termination message, where the operator reads it from pod status.
#
# Usage: driver-entrypoint.sh <command> [args...]
#   e.g. sh /opt/featurejob/evidence/driver-entrypoint.sh /opt/spark/bin/spark-submit --master ... app.py
#
# What it does:
# - runs <command> with its stdout and stderr streamed, unchanged and line by line, to this script's
#   stdout (so `kubectl logs` shows what spark-submit printed; both streams arrive as stdout);
# - keeps the last FEATUREJOB_TAIL_LINES lines (each cut to 4096 bytes) in memory, in an awk ring
#   buffer; nothing of the log is written to disk while the command runs;
# - forwards SIGTERM and SIGINT to the command (spark-submit execs the driver JVM, so the JVM gets
#   them and runs Spark's shutdown hooks);
# - when the command exits non-zero (128+N when signal N killed it), writes the tail to a private temp
#   file, runs the summarizer on it and writes the summary (at most 4096 bytes, first line
#   "featurejob-evidence/v1 exit=N") to the termination log, then deletes the temp files;
# - exits with the command's exit code.
# If anything of that cannot run (no writable temp directory, no mkfifo or java, the summarizer fails),
# it still runs the command and keeps its exit code but writes no summary, so the kubelet's
# FallbackToLogsOnError puts the log tail in the termination message (the operator then notes
# "evidence: log tail only"). SIGKILL (node gone, OOM killer on this shell) leaves no summary either.
#
# Environment (all optional):
#   FEATUREJOB_TERMINATION_LOG  where the summary goes (default /dev/termination-log)
#   FEATUREJOB_EVIDENCE_DIR     the directory holding the summarizer's class files, as a class path
#                               root (default: this script's directory; the pod mounts both there)
#   FEATUREJOB_JAVA             the java to run it with (default $JAVA_HOME/bin/java, else java on PATH)
#   FEATUREJOB_TAIL_LINES       lines of log kept for the summary (default 2000)
#   TMPDIR                      where the fifo and the tail file live (default /tmp)
#
# POSIX sh only (dash, busybox, bash): the apache/spark images and images built on them have it.

set -u

termination_log=${FEATUREJOB_TERMINATION_LOG:-/dev/termination-log}
evidence_dir=${FEATUREJOB_EVIDENCE_DIR:-$(dirname "$0")}
tail_lines=${FEATUREJOB_TAIL_LINES:-2000}
if [ -n "${FEATUREJOB_JAVA:-}" ]; then
  java=$FEATUREJOB_JAVA
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java=$JAVA_HOME/bin/java
else
  java=java
fi
summarizer=io.featurejob.operator.classify.EvidenceSummary

if [ "$#" -eq 0 ]; then
  echo "usage: driver-entrypoint.sh <command> [args...]" >&2
  exit 2
fi

# Without a private temp dir and a fifo there is nothing to keep the tail in: just run the command.
work=$(mktemp -d "${TMPDIR:-/tmp}/featurejob-evidence.XXXXXX" 2>/dev/null) || work=
if [ -z "$work" ] || ! mkfifo "$work/log" 2>/dev/null; then
  [ -n "$work" ] && rm -rf "$work"
  echo "featurejob: no evidence summary for this run (no writable temp dir or fifo)" >&2
  exec "$@"
fi
trap 'rm -rf "$work"' EXIT

# The reader: prints every line as it comes (fflush, so logs are not held back) and keeps the last
# $tail_lines lines in a ring; at the line $eof, which this script writes once the command is gone,
# it writes the ring to $work/tail and stops. The script holds the fifo open for writing (fd 3) until
# then, so the reader sees no end of input early, and a leftover grandchild that still holds the
# fifo cannot keep it waiting.
eof="featurejob-evidence-end-of-log $work"
# mawk (the awk of Debian and Ubuntu images) reads a pipe in blocks unless told otherwise.
awk_options=
case $(awk -W version 2>&1 < /dev/null | head -n 1) in
  *mawk*) awk_options="-W interactive" ;;
esac
# shellcheck disable=SC2086 # $awk_options is zero or two words
awk $awk_options -v max="$tail_lines" -v eof="$eof" -v out="$work/tail" '
  $0 == eof { exit }
  { print; fflush(); ring[NR % max] = substr($0, 1, 4096); n = NR }
  END {
    first = n - max + 1; if (first < 1) first = 1
    for (i = first; i <= n; i++) print ring[i % max] > out
    close(out)
  }' < "$work/log" &
reader=$!
exec 3> "$work/log"

"$@" > "$work/log" 2>&1 3>&- &
child=$!

trap 'kill -TERM "$child" 2>/dev/null' TERM
trap 'kill -INT "$child" 2>/dev/null' INT

# wait returns early (status > 128) when a trapped signal arrives: wait again until the process is gone.
wait "$child"
status=$?
while kill -0 "$child" 2>/dev/null; do
  wait "$child"
  status=$?
done

if kill -0 "$reader" 2>/dev/null; then
  printf '%s\n' "$eof" >&3
fi
exec 3>&-
wait "$reader"
while kill -0 "$reader" 2>/dev/null; do
  wait "$reader"
done

if [ "$status" -ne 0 ] && [ -s "$work/tail" ]; then
  if "$java" -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$evidence_dir" "$summarizer" \
      "$work/tail" "$status" > "$work/summary" 2> "$work/summary.err" && [ -s "$work/summary" ]; then
    cat "$work/summary" > "$termination_log" 2>/dev/null \
      || echo "featurejob: cannot write the evidence summary to $termination_log" >&2
  else
    echo "featurejob: the evidence summary failed: $(head -n 3 "$work/summary.err" 2>/dev/null)" >&2
  fi
fi
exit "$status"

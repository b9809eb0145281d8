#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the Spark corpus and the real-Spark tests.
#
#   hack/spark/postgres.sh start    initdb (first time), start on 127.0.0.1:<free port>, load the
#                                   fixture (idempotent), print the connection as `export` lines
#   hack/spark/postgres.sh env      print the connection of the running cluster (export lines)
#   hack/spark/postgres.sh sql SQL  run SQL in database `features` as its owner (fixture changes:
#                                   REVOKE, GRANT ...)
#   hack/spark/postgres.sh reset    restore the fixture's grants (after a case revoked them)
#   hack/spark/postgres.sh stop     stop the cluster by its PID (postmaster.pid), wait until gone
#
# State: ${FEATUREJOB_PG_STATE:-<repo>/.spark-state/postgres} holds data/ (when the postgres OS user
# can reach it; else data lives in a private /tmp dir named in $STATE/datadir), the server log and
# the socket. It listens only on 127.0.0.1; the socket sits in the data dir's parent (mode 0700).
# Root cannot run postgres: as root the server runs as the `postgres` OS user (Debian's package
# creates it); as another user it runs as that user.
#
# For pods on the real node (hack/node/node.sh), `start` with FEATUREJOB_PG_POD_ADDRESS (the bridge's
# host address) and FEATUREJOB_PG_POD_CIDR (the pod range) set also listens on that address and lets
# the job role, and only it, log in to `features` from that range with its password. Both are server
# options of this start only (listen_addresses, an hba_file next to the data dir): the next start
# without them listens on 127.0.0.1 alone again.
#
# Fixture: database `features` owned by role `features_owner`, table `trips` (1000 rows), and the job
# role `featurejob` (LOGIN, password below, SELECT on trips). Connections over TCP need a password
# (scram-sha-256); the socket trusts local OS users (only the server's own user can reach it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="${FEATUREJOB_PG_STATE:-$ROOT/.spark-state/postgres}"
PG_BIN="${FEATUREJOB_PG_BIN:-/usr/lib/postgresql/15/bin}"
# A throwaway password for a server on 127.0.0.1 that lives for one test run.
JOB_PASSWORD="featurejob-local-only"

log() { echo "[postgres] $*" >&2; }

# Run a command as the server's OS user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data_dir() {
  if [ -f "$STATE/datadir" ]; then cat "$STATE/datadir"; else echo "$STATE/data"; fi
}

running_pid() {
  local pidfile
  pidfile="$(data_dir)/postmaster.pid"
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(head -1 "$pidfile")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

port() { sed -n 4p "$(data_dir)/postmaster.pid"; }
socket_dir() { sed -n 5p "$(data_dir)/postmaster.pid"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

psql_as() {  # psql_as ROLE DB SQL...: over the socket, stop at the first error
  local role="$1" db="$2"; shift 2
  as_pg env PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(socket_dir)" -p "$(port)" -U "$role" -d "$db" "$@"
}

print_env() {
  local p
  p="$(port)"
  echo "export FEATUREJOB_PG_HOST=127.0.0.1;"
  echo "export FEATUREJOB_PG_PORT=$p;"
  echo "export FEATUREJOB_PG_DB=features;"
  echo "export FEATUREJOB_PG_USER=featurejob;"
  echo "export FEATUREJOB_PG_PASSWORD=$JOB_PASSWORD;"
  echo "export FEATUREJOB_PG_URL=jdbc:postgresql://127.0.0.1:$p/features;"
  echo "export FEATUREJOB_PG_VERSION='$("$PG_BIN/postgres" --version)';"
}

init_cluster() {
  mkdir -p "$STATE"
  local data="$STATE/data"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$STATE"; then
    # The postgres user cannot reach the state dir (e.g. a checkout under /root): keep data in /tmp.
    data="$(mktemp -d /tmp/featurejob-postgres.XXXXXX)/data"
    echo "$data" > "$STATE/datadir"
    log "postgres cannot reach $STATE; data in $data"
  fi
  local parent
  parent="$(dirname "$data")"
  mkdir -p "$data"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$parent" "$data"; fi
  chmod 0700 "$parent" "$data"
  log "initdb $data"
  as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  # TCP only from 127.0.0.1 (pg_hba's host lines also list ::1; the server never listens there).
  cat >> "$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$parent'
unix_socket_permissions = 0700
shared_buffers = 32MB
max_connections = 30
EOF
}

load_fixture() {
  psql_as postgres postgres <<'SQL'
SELECT 'CREATE ROLE features_owner LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'features_owner')\gexec
SELECT 'CREATE ROLE featurejob LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'featurejob')\gexec
SELECT 'CREATE DATABASE features OWNER features_owner' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'features')\gexec
SQL
  psql_as postgres postgres -c "ALTER ROLE featurejob PASSWORD '$JOB_PASSWORD'"
  psql_as features_owner features <<'SQL'
CREATE TABLE IF NOT EXISTS trips (
  trip_id     bigint PRIMARY KEY,
  city        text NOT NULL,
  distance_km numeric(8,2) NOT NULL,
  fare        numeric(8,2) NOT NULL,
  started_at  timestamptz NOT NULL
);
INSERT INTO trips
SELECT i, (ARRAY['Lisbon','Porto','Braga','Faro'])[1 + i % 4], round((1 + i % 37 * 0.7)::numeric, 2),
       round((3 + i % 53 * 1.3)::numeric, 2), timestamptz '2026-11-01 00:00:00+00' + i * interval '7 minutes'
FROM generate_series(1, 1000) AS i
ON CONFLICT (trip_id) DO NOTHING;
SQL
  reset_grants
}

reset_grants() {
  psql_as features_owner features <<'SQL'
REVOKE ALL ON DATABASE features FROM PUBLIC;
GRANT CONNECT ON DATABASE features TO featurejob;
GRANT USAGE ON SCHEMA public TO featurejob;
GRANT SELECT ON trips TO featurejob;
SQL
}

start() {
  [ -x "$PG_BIN/postgres" ] || { log "no $PG_BIN/postgres: run hack/spark/install.sh"; exit 1; }
  if running_pid >/dev/null; then
    log "already running (pid $(running_pid), port $(port))"
  else
    [ -f "$(data_dir)/PG_VERSION" ] || init_cluster
    local data p
    data="$(data_dir)"
    p="$(free_port)"
    local options="-p $p" listen=127.0.0.1
    if [ -n "${FEATUREJOB_PG_POD_ADDRESS:-}" ]; then
      [ -n "${FEATUREJOB_PG_POD_CIDR:-}" ] || { log "FEATUREJOB_PG_POD_ADDRESS needs FEATUREJOB_PG_POD_CIDR"; exit 1; }
      local hba
      hba="$(dirname "$data")/pg_hba-pods.conf"
      { cat "$data/pg_hba.conf"; echo "host features featurejob $FEATUREJOB_PG_POD_CIDR scram-sha-256"; } > "$hba"
      if [ "$(id -u)" = 0 ]; then chown postgres: "$hba"; fi
      chmod 0600 "$hba"
      listen="127.0.0.1,$FEATUREJOB_PG_POD_ADDRESS"
      options="$options -c listen_addresses=$listen -c hba_file=$hba"
    fi
    # pg_ctl returns once the server accepts connections; the server then runs on its own.
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$(dirname "$data")/server.log" -o "$options" -w -t 60 start >/dev/null
    log "started pid $(running_pid) on $listen port $p"
  fi
  load_fixture
  print_env
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    return 0
  fi
  kill -INT "$pid"   # fast shutdown: disconnect clients, checkpoint, exit
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { log "stopped pid $pid"; return 0; }
    sleep 0.5
  done
  log "pid $pid did not stop within 60 s"
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) running_pid >/dev/null || { log "not running: hack/spark/postgres.sh start"; exit 1; }; print_env ;;
  sql) shift; running_pid >/dev/null || { log "not running"; exit 1; }; psql_as features_owner features -c "$*" ;;
  reset) running_pid >/dev/null || { log "not running"; exit 1; }; reset_grants ;;
  *) echo "usage: $0 start|stop|env|sql SQL|reset" >&2; exit 2 ;;
esac

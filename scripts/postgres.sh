# Sourced by scripts/test and scripts/bench: a throwaway PostgreSQL cluster
# of their own, in a temporary directory on a free port, stopped on exit.
# PostgreSQL refuses to run as root: as root, it runs as the `postgres`
# system user Debian's package creates. fsync is off: the cluster lives as
# long as the run, and the tests kill the application, never PostgreSQL.
#
#   start_scratch_postgres   exports SMS_PORTAL_TEST_POSTGRES (admin URL)
#
# SMS_PORTAL_PG_OPTIONS adds server settings when profiling, for example
#   "-c log_min_duration_statement=50 -c log_lock_waits=on -c deadlock_timeout=20ms"
# (the server's log is then kept as target/postgres-profile.log).

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_scratch_postgres() {
  if [[ -n ${SCRATCH_PG_DIR:-} && -d $SCRATCH_PG_DIR ]]; then
    as_postgres "$SCRATCH_PG_BIN/pg_ctl" -D "$SCRATCH_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    if [[ -n ${SMS_PORTAL_PG_OPTIONS:-} ]]; then
      cp "$SCRATCH_PG_DIR/server.log" target/postgres-profile.log || true
    fi
    rm -rf "$SCRATCH_PG_DIR"
  fi
}

start_scratch_postgres() {
  SCRATCH_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $SCRATCH_PG_BIN ]]; then
    echo "PostgreSQL is not installed: run scripts/setup --postgres" >&2
    return 1
  fi
  SCRATCH_PG_DIR=$(mktemp -d /tmp/sms-portal-pg.XXXXXX)
  trap stop_scratch_postgres EXIT
  [[ $(id -u) -eq 0 ]] && chown postgres "$SCRATCH_PG_DIR"
  local port
  port=$(scripts/free-ports)
  as_postgres "$SCRATCH_PG_BIN/initdb" -D "$SCRATCH_PG_DIR/data" -U postgres -A trust \
    --encoding UTF8 --no-sync >"$SCRATCH_PG_DIR/initdb.log"
  as_postgres "$SCRATCH_PG_BIN/pg_ctl" -D "$SCRATCH_PG_DIR/data" -l "$SCRATCH_PG_DIR/server.log" -w \
    -o "-p $port -k $SCRATCH_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c full_page_writes=off ${SMS_PORTAL_PG_OPTIONS:-}" \
    start >/dev/null
  export SMS_PORTAL_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL ($(basename "$(dirname "$SCRATCH_PG_BIN")")) on 127.0.0.1:$port, in $SCRATCH_PG_DIR"
}

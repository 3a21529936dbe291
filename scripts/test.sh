#!/usr/bin/env bash
# Set up and run the whole test suite, twice: on SQLite, then on PostgreSQL + Redis.
# Installs what the tests need (Chromium, Chinese fonts, espeak-ng, PostgreSQL, Redis) and
# starts throwaway PostgreSQL and Redis servers on loopback, stopped again at the end.
# Extra arguments go to pytest, e.g. -k kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
hallq_setup "chromium fonts-wqy-zenhei libespeak-ng1 espeak-ng postgresql redis-server" "[test]"

work=$(mktemp -d /tmp/hallq-test.XXXXXX)
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port=${HALLQ_TEST_PG_PORT:-55433}
redis_port=${HALLQ_TEST_REDIS_PORT:-56379}

cleanup() {
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  if [ -d "$work/pg" ]; then
    if [ "$(id -u)" -eq 0 ]; then su postgres -c "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
    else "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

as_pg() {  # PostgreSQL refuses to run as root: use its own account then.
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$work"; su postgres -c "$*"; else sh -c "$*"; fi
}
as_pg "$pg_bin/initdb -D $work/pg -U postgres --auth=trust -E UTF8" >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log"; exit 1; }
as_pg "$pg_bin/pg_ctl -D $work/pg -o '-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300' -l $work/pg.log -w start" >/dev/null
redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"

echo "== HallQ tests on SQLite"
.venv/bin/python -m pytest "$@"
echo "== HallQ tests on PostgreSQL + Redis"
HALLQ_TEST_REQUIRE_PG=true \
HALLQ_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port" \
HALLQ_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0" \
  .venv/bin/python -m pytest "$@"

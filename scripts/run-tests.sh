#!/usr/bin/env bash
# Runs the test suite with the services it needs: a throwaway PostgreSQL server on loopback and
# Debian's chromium for the browser tests. Installs both with apt-get when root and missing.
# Usage: run-tests.sh PYTHON [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$1"; shift

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null || need+=(npm)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing system packages for the tests: ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing system packages (tests that need them will skip): ${need[*]}"
  fi
fi

PGBIN=/usr/lib/postgresql/15/bin
if [ -z "${LANTERN_TEST_DATABASE_URL:-}" ] && [ -x "$PGBIN/initdb" ]; then
  PGDIR=$(mktemp -d)
  # A free loopback port, so a server left over from an interrupted run cannot block this one.
  PGPORT=${LANTERN_TEST_PG_PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); chown postgres:postgres "$PGDIR"; else AS=(); fi
  "${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w start \
      -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null
  trap '"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"' EXIT
  export LANTERN_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
fi

set +e
"$PY" -m pytest "$@"
rc=$?
set -e
# pytest exits 5 when it collected no test: that is a failure here, never a pass.
if [ $rc -eq 5 ]; then echo "No tests ran." >&2; exit 1; fi
exit $rc

#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server beside it: a fresh cluster in a temporary folder, listening
# only on a Unix socket there (no TCP port at all), removed when the command ends, whatever its outcome.
# The command gets KB_TEST_POSTGRES_URL, a libpq URL of a database it may fill and empty as it likes.
#   bash tools/with_postgres.sh build/native/tests/relay/relay_tests -tc="store:*"
# Uses Debian's PostgreSQL (package postgresql; tools/bootstrap.sh installs it). As root, the server runs as the
# "postgres" user, which PostgreSQL requires.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "with_postgres: PostgreSQL is not installed (apt-get install postgresql, or bash tools/bootstrap.sh)" >&2
  exit 2
fi
dir=$(mktemp -d /tmp/kb-postgres.XXXXXX)
as_server() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
stop() {
  as_server "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
as_server "$bin/initdb" -D "$dir/data" -U kb -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 2; }
# fsync stays on: the tests that kill a relay rely on commits being durable, as in production.
as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 2; }
export KB_TEST_POSTGRES_URL="postgresql:///postgres?host=$dir&user=kb"
status=0
"$@" || status=$?
exit $status

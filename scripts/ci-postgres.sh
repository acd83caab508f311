#!/usr/bin/env bash
# Installs (if missing) and starts a PostgreSQL server on 127.0.0.1:5432 for the server tests,
# creates role and database `doudi` (password `doudi`, the owner role: it runs migrations and owns the tables),
# the application role `doudi_app` (password `doudi_app`: login only, owns nothing; the server grants it what it
# needs), and prints the owner's connection string that the tests read from DOUDI_TEST_PG (the tests connect the
# server as doudi_app, see tests/Doudi.Server.Tests/Infrastructure). Idempotent; runs as root, non-interactive.
#
#   export DOUDI_TEST_PG="$(bash scripts/ci-postgres.sh | tail -n 1)"
set -euo pipefail

PGPORT="${PGPORT:-5432}"
PGUSER_NAME="${DOUDI_PG_USER:-doudi}"
PGPASS="${DOUDI_PG_PASSWORD:-doudi}"
APP_USER="${DOUDI_PG_APP_USER:-doudi_app}"
APP_PASS="${DOUDI_PG_APP_PASSWORD:-doudi_app}"
export DEBIAN_FRONTEND=noninteractive

log() { echo "ci-postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql with apt-get"
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
CLUSTER=main
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
  log "creating cluster $VERSION/$CLUSTER"
  pg_createcluster "$VERSION" "$CLUSTER" -p "$PGPORT" >&2
fi

CONF_DIR="/etc/postgresql/$VERSION/$CLUSTER"
# Loopback only, password authentication for TCP. The memory and WAL settings are the ones docs/deployment.md
# recommends for a bureau's server ("PostgreSQL settings"), so the tests and the benchmarks run on what production runs.
cat > "$CONF_DIR/conf.d/doudi.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
max_connections = 200
fsync = on
synchronous_commit = on
shared_buffers = 1GB
wal_buffers = 64MB
max_wal_size = 8GB
min_wal_size = 1GB
checkpoint_timeout = 15min
wal_compression = lz4
CONF

if ! grep -q "doudi-ci" "$CONF_DIR/pg_hba.conf"; then
  sed -i '1i host all all 127.0.0.1/32 scram-sha-256 # doudi-ci' "$CONF_DIR/pg_hba.conf"
fi

STATUS="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')"
if [ "$STATUS" = "online" ]; then
  pg_ctlcluster "$VERSION" "$CLUSTER" reload >&2 || true
  # shared_buffers and wal_buffers take effect only at a restart (a cluster set up by an older version of this script).
  sleep 1
  if [ "$(su postgres -c "psql -p $PGPORT -tAc 'select count(*) from pg_settings where pending_restart'")" != "0" ]; then
    log "restarting cluster $VERSION/$CLUSTER for settings that need it"
    pg_ctlcluster "$VERSION" "$CLUSTER" restart >&2
  fi
else
  log "starting cluster $VERSION/$CLUSTER on 127.0.0.1:$PGPORT"
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi

for _ in $(seq 1 30); do
  if su postgres -c "psql -p $PGPORT -tAc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done

psql_admin() { su postgres -c "psql -p $PGPORT -v ON_ERROR_STOP=1 -tAc \"$1\""; }

if [ "$(psql_admin "select 1 from pg_roles where rolname='$PGUSER_NAME'")" != "1" ]; then
  log "creating role $PGUSER_NAME"
  psql_admin "create role $PGUSER_NAME login createdb password '$PGPASS'" >&2
else
  psql_admin "alter role $PGUSER_NAME login createdb password '$PGPASS'" >&2
fi
# The application role: it may log in and nothing more; it owns no table, so it cannot ALTER, TRUNCATE or
# disable triggers; each database's owner grants it SELECT/INSERT/UPDATE at the server's start.
if [ "$(psql_admin "select 1 from pg_roles where rolname='$APP_USER'")" != "1" ]; then
  log "creating application role $APP_USER"
  psql_admin "create role $APP_USER login nocreatedb nocreaterole nosuperuser password '$APP_PASS'" >&2
else
  psql_admin "alter role $APP_USER login nocreatedb nocreaterole nosuperuser password '$APP_PASS'" >&2
fi
# The tests' owner role drops each test database WITH (FORCE) when a class ends; a server process the test started may
# still hold connections as the application role then, and ending another role's sessions needs pg_signal_backend.
psql_admin "grant pg_signal_backend to $PGUSER_NAME" >&2
if [ "$(psql_admin "select 1 from pg_database where datname='doudi'")" != "1" ]; then
  log "creating database doudi"
  psql_admin "create database doudi owner $PGUSER_NAME" >&2
fi

# The tests create one fresh database per test class from this one (the role has CREATEDB).
# Loopback: no TLS (it would cost more CPU than the settlement itself).
echo "Host=127.0.0.1;Port=$PGPORT;Username=$PGUSER_NAME;Password=$PGPASS;Database=doudi;SSL Mode=Disable"

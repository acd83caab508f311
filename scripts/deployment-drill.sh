#!/usr/bin/env bash
# The deployment drill of docs/deployment.md, on one machine, loopback only:
#   a fresh database (doudi_drill, owned by the owner role), two server nodes (5181, 5182) as the application role,
#   node B through pgbouncer in session mode (6432) when pgbouncer is installed, nginx on 127.0.0.1:5180 in front of
#   both; a person and a few bills settled through nginx; node A killed, nginx keeps answering from node B;
#   pg_dump -Fc, pg_restore into doudi_drill_restored, a node (5183) on the restored database: /ready and the
#   settlement count must match.
# Idempotent (drops and recreates its two databases), cleans up every process it started and both databases on exit
# (KEEP=1 keeps the databases), bounded in time (each wait ≤ 90 s, each request ≤ 20 s). Not part of CI or the tests.
# Needs: root (su postgres), PostgreSQL on 127.0.0.1:5432 with the roles of scripts/ci-postgres.sh, nginx
# (apt-get install -y nginx), optionally pgbouncer, and the built server:
#   dotnet build src/Doudi.Server -c Release -p:DoudiSkipWeb=true
#   bash scripts/deployment-drill.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DLL="$ROOT/src/Doudi.Server/bin/Release/net10.0/Doudi.Server.dll"
WORK="${DRILL_DIR:-/tmp/doudi-drill}"
DB=doudi_drill
RESTORED=doudi_drill_restored
OWNER_USER="${DOUDI_PG_USER:-doudi}"; OWNER_PASS="${DOUDI_PG_PASSWORD:-doudi}"
APP_USER="${DOUDI_PG_APP_USER:-doudi_app}"; APP_PASS="${DOUDI_PG_APP_PASSWORD:-doudi_app}"
ADMIN_PASSWORD='Drill-Admin-2026!'
PIDS=()

say() { echo "drill: $*"; }
psql_su() { su postgres -c "psql -p 5432 -v ON_ERROR_STOP=1 -tAc \"$1\""; }
conn() { echo "Host=127.0.0.1;Port=${3:-5432};Username=$1;Password=$2;Database=$4;SSL Mode=Disable"; }

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
  [ -f "$WORK/pgb/pgbouncer.pid" ] && kill "$(cat "$WORK/pgb/pgbouncer.pid")" 2>/dev/null
  sleep 1
  if [ "${KEEP:-0}" != 1 ]; then
    psql_su "drop database if exists $DB with (force)" >/dev/null 2>&1
    psql_su "drop database if exists $RESTORED with (force)" >/dev/null 2>&1
  fi
}
trap cleanup EXIT

[ -f "$DLL" ] || { echo "drill: build first: dotnet build src/Doudi.Server -c Release -p:DoudiSkipWeb=true" >&2; exit 2; }
command -v nginx >/dev/null || { echo "drill: nginx missing: apt-get install -y nginx" >&2; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK/keys" "$WORK/nginx"; chmod 755 "$WORK"

# --- databases ---------------------------------------------------------------------------------------------------
psql_su "drop database if exists $DB with (force)" >/dev/null 2>&1
psql_su "drop database if exists $RESTORED with (force)" >/dev/null 2>&1
psql_su "create database $DB owner $OWNER_USER" >/dev/null
say "database $DB created, owner $OWNER_USER"

# --- pgbouncer (optional), session pooling: the server prepares statements (Npgsql auto-prepare) --------------------
APP_PORT_B=5432
if command -v pgbouncer >/dev/null; then
  mkdir -p "$WORK/pgb"
  cat > "$WORK/pgb/pgbouncer.ini" <<INI
[databases]
$DB = host=127.0.0.1 port=5432 dbname=$DB
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = $WORK/pgb/userlist.txt
pool_mode = ${POOL_MODE:-session}
default_pool_size = 40
max_client_conn = 200
pidfile = $WORK/pgb/pgbouncer.pid
logfile = $WORK/pgb/pgbouncer.log
INI
  printf '"%s" "%s"\n' "$APP_USER" "$APP_PASS" > "$WORK/pgb/userlist.txt"
  chown -R postgres "$WORK/pgb"; chmod 600 "$WORK/pgb/userlist.txt"
  su postgres -s /bin/sh -c "pgbouncer -d $WORK/pgb/pgbouncer.ini"
  for _ in $(seq 1 10); do [ -f "$WORK/pgb/pgbouncer.pid" ] && break; sleep 1; done
  [ -f "$WORK/pgb/pgbouncer.pid" ] || { echo "drill: pgbouncer did not start" >&2; exit 1; }
  APP_PORT_B=6432
  say "pgbouncer on 127.0.0.1:6432 (pool_mode=${POOL_MODE:-session})"
else
  say "pgbouncer not installed: node B connects to PostgreSQL directly"
fi

# --- nodes ---------------------------------------------------------------------------------------------------------
start_node() { # name port db app-port
  ( cd "$ROOT" && DOUDI_DB="$(conn "$APP_USER" "$APP_PASS" "$4" "$3")" \
      DOUDI_DB_OWNER="$(conn "$OWNER_USER" "$OWNER_PASS" 5432 "$3")" \
      Doudi__AdminPassword="$ADMIN_PASSWORD" Doudi__KeysDirectory="$WORK/keys" \
      exec dotnet "$DLL" --port "$2" --data-dir "$WORK/data-$1" >"$WORK/node-$1.log" 2>&1 ) &
  PIDS+=($!)
  eval "PID_$1=$!"
}
wait_ready() { # port
  for _ in $(seq 1 90); do
    if curl -fsS --max-time 5 "http://127.0.0.1:$1/ready" >"$WORK/ready-$1.json" 2>/dev/null; then
      say "127.0.0.1:$1/ready: $(head -c 300 "$WORK/ready-$1.json")"; return 0; fi
    sleep 1
  done
  echo "drill: node on $1 not ready in 90 s" >&2; return 1
}

start_node a 5181 "$DB" 5432
wait_ready 5181            # node A migrates as the owner and grants the application role; then B starts on it
start_node b 5182 "$DB" "$APP_PORT_B"
wait_ready 5182

# --- nginx ----------------------------------------------------------------------------------------------------------
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
  log_format up '\$request_method \$uri \$status \$upstream_addr';
  access_log $WORK/nginx/access.log up;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  upstream doudi {
    server 127.0.0.1:5181 max_fails=1 fail_timeout=10s;
    server 127.0.0.1:5182 max_fails=1 fail_timeout=10s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:5180;
    client_max_body_size 512m;
    location / {
      proxy_pass http://doudi;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_connect_timeout 2s;
      proxy_read_timeout 300s;
      # A retry of a POST is safe for settlements (the id is the key), so a refused connection goes to the other node;
      # a timeout is not retried for POSTs (non_idempotent is not set).
      proxy_next_upstream error http_502 http_503;
      proxy_next_upstream_tries 2;
    }
  }
}
CONF
nginx -t -c "$WORK/nginx/nginx.conf" 2>&1 | sed 's/^/drill: /'
nginx -c "$WORK/nginx/nginx.conf"
say "nginx on 127.0.0.1:5180 → 5181, 5182"
curl -fsS --max-time 5 -o /dev/null -w "drill: via nginx /ready: %{http_code}\n" http://127.0.0.1:5180/ready

# --- a person and a few bills through nginx -------------------------------------------------------------------------
NG=http://127.0.0.1:5180
JAR="$WORK/cookies"
api() { curl -sS --max-time 20 -b "$JAR" -c "$JAR" -H 'Content-Type: application/json' -o "$WORK/last.json" -w '%{http_code}' "$@"; }
id_number() { # a valid GB 11643 number from 17 digits
  local b="$1" w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) c="10X98765432" s=0 i
  for i in $(seq 0 16); do s=$((s + ${b:$i:1} * ${w[$i]})); done
  echo "$b${c:$((s % 11)):1}"
}
code=$(api -X POST "$NG/api/auth/login" -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}")
say "login through nginx: $code"
code=$(api -X POST "$NG/api/persons" -d "{\"idNumber\":\"$(id_number 33018319900307123)\",\"name\":\"演练甲\",\"region\":\"fuyang\",\"insurance\":\"resident\",\"township\":\"富春街道\"}")
PERSON=$(sed -E 's/.*"id":"([^"]+)".*/\1/' "$WORK/last.json")
say "person: $code $PERSON"
code=$(api -X POST "$NG/api/persons/$PERSON/identities" -d '{"category":"subsistence","department":"civil_affairs","recognized":"2022-05-10"}')
say "identity subsistence: $code"
for i in 1 2 3 4; do
  code=$(api -X POST "$NG/api/settlements" -d "{\"id\":\"DRILL-$i\",\"person\":\"$PERSON\",\"date\":\"2023-0$((i + 1))-01\",\"kind\":\"inpatient\",\"total\":12000,\"inPolicy\":10000,\"basicPaid\":6000,\"criticalPaid\":0}")
  say "settlement DRILL-$i through nginx: $code $(grep -oE '"assistance":[0-9.]+' "$WORK/last.json" | head -1)"
done
code=$(api -X POST "$NG/api/settlements" -d "{\"id\":\"DRILL-1\",\"person\":\"$PERSON\",\"date\":\"2023-02-01\",\"kind\":\"inpatient\",\"total\":12000,\"inPolicy\":10000,\"basicPaid\":6000,\"criticalPaid\":0}")
say "retry of DRILL-1: $code (200: the stored settlement, not paid twice)"
say "nginx access log (method path status upstream):"; sed 's/^/drill:   /' "$WORK/nginx/access.log"

# --- one node down --------------------------------------------------------------------------------------------------
kill "$PID_a"; wait "$PID_a" 2>/dev/null || true
say "node A (5181) killed"
ok=0
for i in 5 6 7 8; do
  code=$(api -X POST "$NG/api/settlements" -d "{\"id\":\"DRILL-$i\",\"person\":\"$PERSON\",\"date\":\"2023-0$((i + 1))-01\",\"kind\":\"inpatient\",\"total\":12000,\"inPolicy\":10000,\"basicPaid\":6000,\"criticalPaid\":0}")
  say "settlement DRILL-$i with A down: $code"; case "$code" in 200|201) ok=$((ok + 1));; esac
done
say "nginx access log after the kill:"; tail -n 4 "$WORK/nginx/access.log" | sed 's/^/drill:   /'
[ "$ok" = 4 ] || { echo "drill: nginx did not keep answering with one node down" >&2; exit 1; }
code=$(api "$NG/api/settlements?person=$PERSON&year=2023&pageSize=100")
COUNT=$(grep -oE '"id":"DRILL-[0-9]+"' "$WORK/last.json" | sort -u | wc -l)
say "settlements of the person via node B: $COUNT"

# --- backup and restore ---------------------------------------------------------------------------------------------
export PGPASSWORD="$OWNER_PASS"
DUMP="$WORK/$DB.dump"
timeout 120 pg_dump -h 127.0.0.1 -U "$OWNER_USER" -Fc -f "$DUMP" "$DB"
say "pg_dump -Fc: $(du -h "$DUMP" | cut -f1) $DUMP"
psql_su "create database $RESTORED owner $OWNER_USER" >/dev/null
# --no-owner: objects owned by the restoring role (the owner role); grants to the application role come back with it
timeout 120 pg_restore -h 127.0.0.1 -U "$OWNER_USER" -d "$RESTORED" --no-owner --exit-on-error "$DUMP"
ORIG=$(psql -h 127.0.0.1 -U "$OWNER_USER" -d "$DB" -tAc "select count(*) || ' settlements, ' || coalesce(sum((status <> 'reversed')::int), 0) || ' not reversed' from settlements")
REST=$(psql -h 127.0.0.1 -U "$OWNER_USER" -d "$RESTORED" -tAc "select count(*) || ' settlements, ' || coalesce(sum((status <> 'reversed')::int), 0) || ' not reversed' from settlements")
say "count in $DB: $ORIG; in $RESTORED: $REST"
unset PGPASSWORD
start_node r 5183 "$RESTORED" 5432
wait_ready 5183
JAR="$WORK/cookies-r"
code=$(api -X POST "http://127.0.0.1:5183/api/auth/login" -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}")
code=$(api "http://127.0.0.1:5183/api/settlements?person=$PERSON&year=2023&pageSize=100")
RCOUNT=$(grep -oE '"id":"DRILL-[0-9]+"' "$WORK/last.json" | sort -u | wc -l)
say "settlements of the person on the restored node: $RCOUNT (before the backup: $COUNT)"
[ "$ORIG" = "$REST" ] && [ "$RCOUNT" = "$COUNT" ] || { echo "drill: restore does not match" >&2; exit 1; }
say "OK"

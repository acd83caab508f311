#!/usr/bin/env bash
# A city's year-end run on PostgreSQL (issue 11 point 2: ≤ 60 s, ≤ 2 GB server memory). Makes the city with
# `doudi generate` (unless $CITY/case.json exists), stores its year in a fresh database with the server's row formats
# (bench/Doudi.Bench.CityYear: the registry by binary COPY, every bill settled and stored by the server's own settlement
# import, in-process: the one writer of settlement rows, running totals and year facts), starts the Release server on it and times POST /api/year-end-runs (answering one page; the
# run stores every result), with the server's CPU time and peak resident memory (VmHWM) from /proc.
#   DOUDI_TEST_PG='Host=127.0.0.1;Port=5432;Username=doudi;Password=doudi;Database=doudi' bench/year-end-bench.sh
# Environment: REGION (fuyang), YEAR (2023), RESIDENTS (9000000), OBJECTS (250000), BILLS (3000000), SEED (20261129),
# CITY (bench/out/city-$REGION-$YEAR-$BILLS), DB (doudi_year_end_bench), KEEP_DB (0; 1 keeps the database $DB for another run).
set -euo pipefail
cd "$(dirname "$0")/.."
REGION=${REGION:-fuyang}; YEAR=${YEAR:-2023}; RESIDENTS=${RESIDENTS:-9000000}; OBJECTS=${OBJECTS:-250000}; BILLS=${BILLS:-3000000}; SEED=${SEED:-20261129}
CITY=${CITY:-bench/out/city-$REGION-$YEAR-$BILLS}
PG=${DOUDI_TEST_PG:?set DOUDI_TEST_PG to a PostgreSQL connection string (scripts/ci-postgres.sh prints one)}
get() { echo "$PG" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -n1; }
export PGHOST=$(get Host) PGPORT=$(get Port) PGUSER=$(get Username) PGPASSWORD=$(get Password)
# The server connects as the string says about TLS (scripts/ci-postgres.sh prints "SSL Mode=Disable" for loopback, as
# docs/deployment.md advises): without it Npgsql would negotiate TLS, and encrypt every row it sends.
SSL_MODE=$(get "SSL Mode")
DB=${DB:-doudi_year_end_bench}
OWNER="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$DB"
echo "== machine: $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build src/Doudi.Cli -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build bench/Doudi.Bench.CityYear -c Release -p:DoudiSkipWeb=true -nologo -v q -clp:ErrorsOnly >/dev/null
if [[ ! -s "$CITY/case.json" ]]; then
  src/Doudi.Cli/bin/Release/net10.0/doudi generate -o "$CITY" --region "$REGION" --year "$YEAR" --residents "$RESIDENTS" --objects "$OBJECTS" --bills "$BILLS" --seed "$SEED" --policies policies >/dev/null
fi
PORT=${PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
DATA=$(mktemp -d)
start_server() {
  DOUDI_DB="Host=$PGHOST;Port=$PGPORT;Username=doudi_app;Password=doudi_app;Database=$DB${SSL_MODE:+;SSL Mode=$SSL_MODE}" DOUDI_DB_OWNER="$OWNER" DOUDI_ADMIN_PASSWORD=bench-admin-password \
    dotnet src/Doudi.Server/bin/Release/net10.0/Doudi.Server.dll --urls http://127.0.0.1:$PORT --Doudi:DataDirectory="$DATA" --Doudi:Policies="$PWD/policies" >> "$DATA/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 180); do curl -sf http://127.0.0.1:$PORT/ready >/dev/null && return; sleep 1; done
  echo "server did not start"; cat "$DATA/server.log"; exit 1
}
cleanup() {
  kill ${SERVER:-} 2>/dev/null && wait ${SERVER:-} 2>/dev/null || true
  cp "$DATA/server.log" bench/out/year-end-server.log 2>/dev/null || true
  rm -rf "$DATA"
  [[ "${KEEP_DB:-0}" == 1 ]] || psql -q -d "$(get Database)" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [[ "${KEEP_DB:-0}" != 1 ]] || ! psql -q -d "$DB" -c "SELECT 1 FROM settlement_year_facts LIMIT 1" >/dev/null 2>&1; then
  psql -q -d "$(get Database)" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  start_server # migrations and grants, as on a first start
  kill $SERVER; wait $SERVER 2>/dev/null || true
  echo "storing the city's year …"
  /usr/bin/time -f "store: %e s wall, %U s user + %S s sys, peak %M KB" bench/Doudi.Bench.CityYear/bin/Release/net10.0/Doudi.Bench.CityYear \
    --db "$OWNER" --case "$CITY/case.json" --policies policies --region "$REGION" --year "$YEAR" --residents "$RESIDENTS" --objects "$OBJECTS" --bills "$BILLS" --seed "$SEED"
fi
start_server
JAR="$DATA/cookies"
curl -sf -c "$JAR" -H 'Content-Type: application/json' http://127.0.0.1:$PORT/api/auth/login -d '{"username":"admin","password":"bench-admin-password"}' >/dev/null
cpu() { awk '{ print $14 + $15 }' /proc/$SERVER/stat; } # user + system, clock ticks
hwm() { sed -n 's/^VmHWM:\s*//p' /proc/$SERVER/status; }
tick=$(getconf CLK_TCK)
# PostgreSQL's CPU for the run: the backends serving this database (user + system ticks by pid), after minus before.
pgcpu() { for p in $(psql -Atq -d "$DB" -c "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND pid <> pg_backend_pid()"); do
  [[ -r /proc/$p/stat ]] && echo "$p $(awk '{ print $14 + $15 }' /proc/$p/stat)"; done; }
echo "server before the run: peak $(hwm), load $(cut -d' ' -f1-3 /proc/loadavg)"
pgcpu > "$DATA/pg0"
c0=$(cpu)
wall=$(curl -s -b "$JAR" -o "$DATA/run.json" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
  "http://127.0.0.1:$PORT/api/year-end-runs?page=1&pageSize=5" -d "{\"region\":\"$REGION\",\"year\":$YEAR}")
c1=$(cpu)
pgcpu > "$DATA/pg1"
pg=$(awk -v t="$tick" 'NR == FNR { before[$1] = $2; next } { s += $2 - ($1 in before ? before[$1] : 0) } END { printf "%.1f", s / t }' "$DATA/pg0" "$DATA/pg1")
echo "POST /api/year-end-runs: HTTP ${wall% *}, wall ${wall#* } s, server CPU $(awk -v a="$c0" -v b="$c1" -v t="$tick" 'BEGIN { printf "%.1f", (b - a) / t }') s, PostgreSQL CPU $pg s, server peak $(hwm), load $(cut -d' ' -f1-3 /proc/loadavg)"
grep -h "year-end run YE" "$DATA/server.log" | tail -n1 | sed 's/^.*YearEnd: /server: /' || true
[[ "${wall% *}" == 201 ]] || { echo "the year-end run did not answer 201"; head -c 2000 "$DATA/run.json"; exit 1; }
python3 -c "import json,sys; r=json.load(open('$DATA/run.json')); print('run', r.get('id'), 'persons', r.get('personCount'), 'households', r.get('householdCount'), 'bills', r.get('billCount'))" 2>/dev/null || head -c 600 "$DATA/run.json"

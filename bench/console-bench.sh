#!/usr/bin/env bash
# Dashboard and map speed with many stored settlements (issue 10). Loads a city-sized year into a fresh PostgreSQL
# database with bulk SQL — 250,000 persons in 30 townships, SETTLEMENTS settlement rows (default 5,000,000), the monthly
# aggregates those settlements produce (by township, category, kind; 300 institutions, 2,000 diagnoses, 5,000 catalogue
# items), 20,000 risk-pool entries — then times the console's endpoints over HTTP with curl.
#   DOUDI_TEST_PG='Host=127.0.0.1;Port=5432;Username=doudi;Password=doudi;Database=doudi' bench/console-bench.sh [SETTLEMENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000000}
PG=${DOUDI_TEST_PG:?set DOUDI_TEST_PG to a PostgreSQL connection string (scripts/ci-postgres.sh prints one)}
get() { echo "$PG" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -n1; }
export PGHOST=$(get Host) PGPORT=$(get Port) PGUSER=$(get Username) PGPASSWORD=$(get Password)
# The server connects as the string says about TLS (scripts/ci-postgres.sh prints "SSL Mode=Disable" for loopback, as
# docs/deployment.md advises): without it Npgsql would negotiate TLS, and encrypt every row it sends.
SSL_MODE=$(get "SSL Mode")
DB=doudi_console_bench
psql -q -d "$(get Database)" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
PORT=5399
DATA=$(mktemp -d)
dotnet build src/Doudi.Server -c Release -p:DoudiSkipWeb=true -v q >/dev/null
DOUDI_DB="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$DB${SSL_MODE:+;SSL Mode=$SSL_MODE}" DOUDI_ADMIN_PASSWORD=bench-admin-password \
  dotnet src/Doudi.Server/bin/Release/net10.0/Doudi.Server.dll --urls http://127.0.0.1:$PORT --Doudi:DataDirectory="$DATA" > "$DATA/server.log" 2>&1 &
SERVER=$!
# The server holds connections to the database: stop it first, then drop the database.
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"; psql -q -d "$(get Database)" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:$PORT/ready >/dev/null && break; sleep 1; done

echo "loading $N settlements …"
start=$(date +%s)
psql -q -d $DB -v n="$N" <<'SQL'
SET synchronous_commit = off;
INSERT INTO households (id, region, township, created_at)
  SELECT 'BH' || h, 'fuyang', 'T' || (h % 30), now() FROM generate_series(0, 99999) h;
INSERT INTO persons (id, id_number, name, household_id, insurance, region, township, created_at, updated_at)
  SELECT 'BP' || p, 'B' || lpad(p::text, 17, '0'), '测试', 'BH' || (p % 100000), 'resident', 'fuyang', 'T' || ((p % 100000) % 30), now(), now()
  FROM generate_series(0, 249999) p;
INSERT INTO settlements (id, person_id, household_id, year, date, region, policy, kind, source, request_hash, bill_json, result_json, counted_json,
                         assistance, personal_burden, status, created_at, created_by)
  SELECT 'BS' || i, 'BP' || (i % 250000), 'BH' || ((i % 250000) % 100000), 2023, date '2023-01-01' + (i % 365), 'fuyang', 'fuyang-2023',
         (ARRAY['inpatient','outpatient','special_outpatient','outpatient'])[1 + i % 4], 'bench', md5(i::text), '{}', '{}', '{}',
         (i % 5000) / 10.0, (i % 3000) / 10.0, 'settled', now(), 'bench'
  FROM generate_series(0, :n - 1) i;
-- The aggregates these settlements produce (what the settlement hook keeps up to date), per month:
CREATE TEMP TABLE f AS
  SELECT to_char(s.date, 'YYYY-MM') AS month, p.township, s.kind, ((s.id_number_hash) % 5) AS cat, s.n % 300 AS inst, s.n % 2000 AS dx,
         s.assistance, s.personal_burden
  FROM (SELECT *, abs(hashtext(id)) AS id_number_hash, substr(id, 3)::bigint AS n FROM settlements) s JOIN persons p ON p.id = s.person_id;
INSERT INTO insight_monthly (region, month, dimension, dim_key, label, bills, assisted, total_fen, in_policy_fen, basic_fen, assistance_fen, burden_fen, self_pay_fen)
  SELECT 'fuyang', month, d.dim, d.key, d.key, COUNT(*), COUNT(*), SUM(assistance * 400)::bigint, SUM(assistance * 370)::bigint, SUM(assistance * 240)::bigint,
         SUM(assistance * 100)::bigint, SUM(personal_burden * 100)::bigint, SUM(assistance * 30)::bigint
  FROM f CROSS JOIN LATERAL (VALUES ('region', ''), ('township', f.township), ('kind', f.kind), ('category', 'c' || f.cat),
                                    ('institution', 'H' || f.inst), ('diagnosis', 'D' || f.dx)) AS d(dim, key)
  GROUP BY month, d.dim, d.key;
INSERT INTO insight_monthly (region, month, dimension, dim_key, label, bills, quantity, total_fen, in_policy_fen, self_pay_fen)
  SELECT 'fuyang', to_char(date '2023-01-01' + (m || ' month')::interval, 'YYYY-MM'), 'item',
         (ARRAY['drug','consumable','service'])[1 + k % 3] || ':I' || k, '项目' || k, 100 + (k * 7 + m) % 900, 300 + k % 50, (k * 1000 + m * 10)::bigint, (k * 900)::bigint, (k * 100 + m * 10)::bigint
  FROM generate_series(0, 11) m, generate_series(0, 4999) k;
INSERT INTO risk_entries (id, policy, region, year, person_id, household_id, source, rule, cite, measure, amount, threshold, threshold_basis, date, state, created_at, created_by, updated_at)
  SELECT 'BR' || r, 'fuyang-2023', 'fuyang', 2023, 'BP' || (r * 11 % 250000), 'BH' || ((r * 11 % 250000) % 100000), 'warning', 'assistance_object_in_policy_burden',
         '富政办〔2022〕21号 二.1', 'in_policy_personal_burden', 6000, 5000, '5000 元', date '2023-06-30', 'new', now(), 'bench', now()
  FROM generate_series(0, 19999) r;
ANALYZE households, persons, settlements, insight_monthly, risk_entries;
SQL
echo "loaded in $(( $(date +%s) - start )) s: $(psql -tA -d $DB -c 'SELECT COUNT(*) FROM settlements') settlements, $(psql -tA -d $DB -c 'SELECT COUNT(*) FROM insight_monthly') aggregate rows"

JAR="$DATA/cookies"
curl -sf -c "$JAR" -H 'Content-Type: application/json' http://127.0.0.1:$PORT/api/auth/login -d '{"username":"admin","password":"bench-admin-password"}' >/dev/null
measure() {
  local name=$1 url=$2 times=()
  curl -sf -b "$JAR" -o /dev/null "http://127.0.0.1:$PORT$url" # warm-up
  for _ in $(seq 20); do times+=("$(curl -sf -b "$JAR" -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$url")"); done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" '{a[NR]=$1} END {printf "%-34s median %.3f s  max %.3f s  (20 requests)\n", name, a[int((NR+1)/2)], a[NR]}'
}
measure "dashboard fuyang 2023"        "/api/insights/dashboard?region=fuyang&year=2023"
measure "dashboard all regions 2023"   "/api/insights/dashboard?year=2023"
measure "map fuyang 2023"              "/api/insights/map?region=fuyang&year=2023"
measure "rankings drugs 2023"          "/api/insights/rankings?dimension=item&kind=drug&region=fuyang&from=2023-01&to=2023-12"
measure "trends diagnoses 2023"        "/api/insights/trends?dimension=diagnosis&region=fuyang&from=2023-01&to=2023-12"

#!/usr/bin/env bash
# A city's year on the server (issue 11 point 2): `doudi generate` makes the city (national export shape + monthly name
# lists), a fresh PostgreSQL database gets the Release server as its own process, and through the server's API the
# script imports the name lists (in month order), then imports and settles the year's bills (POST /api/settlement-imports,
# CSV as exported), then runs the year-end rules for the city's region (POST /api/year-end-runs). It reports wall time
# per step, CPU time of the server and of PostgreSQL, and the server's peak RSS (VmHWM).
# Goals (BENCHMARKS.md): import + settle <= 5 min, year-end <= 60 s, server peak <= 2 GB, on this 2-core machine.
#
#   DOUDI_TEST_PG='Host=127.0.0.1;Port=5432;Username=doudi;Password=doudi;Database=doudi' bench/city-year.sh
#   OBJECTS=2000 BILLS=5000 RESIDENTS=100000 bench/city-year.sh        # a small city (bench/smoke.sh runs this size)
#
# Environment: REGION (fuyang), YEAR (2023), RESIDENTS (9000000), OBJECTS (250000), BILLS (3000000), SEED (20261129),
# OUT (bench/out; the generated city is kept there for the next run), DB (doudi_city_year), PORT (5398), KEEP_DB (0; 1 keeps the database),
# CHECK (0; 1 fails unless every bill is settled and the year-end run answers 201 — the smoke test sets it),
# TEMPLATE (unset; a database name: the first run keeps the city's name lists and persons (steps 1–1b) in it, and later runs
# start from a copy of it and time the import alone, in a fresh server process), YEAR_END (1; 0 skips step 3).
#   TEMPLATE=doudi_city_300k YEAR_END=0 RESIDENTS=900000 OBJECTS=25000 BILLS=300000 bench/city-year.sh   # the import alone
# PostgreSQL: scripts/ci-postgres.sh (DOUDI_TEST_PG is the owner's connection string it prints).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
REGION="${REGION:-fuyang}"; YEAR="${YEAR:-2023}"; SEED="${SEED:-20261129}"
RESIDENTS="${RESIDENTS:-9000000}"; OBJECTS="${OBJECTS:-250000}"; BILLS="${BILLS:-3000000}"
OUT="${OUT:-$root/bench/out}"; KEEP_DB="${KEEP_DB:-0}"; CHECK="${CHECK:-0}"; TEMPLATE="${TEMPLATE:-}"; YEAR_END="${YEAR_END:-1}"
PG=${DOUDI_TEST_PG:?set DOUDI_TEST_PG to a PostgreSQL connection string (scripts/ci-postgres.sh prints one)}
get() { echo "$PG" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -n1; }
export PGHOST=$(get Host) PGPORT=$(get Port) PGUSER=$(get Username) PGPASSWORD=$(get Password)
# The server connects as the string says about TLS (scripts/ci-postgres.sh prints "SSL Mode=Disable" for loopback, as
# docs/deployment.md advises): without it Npgsql would negotiate TLS, and encrypt every row it sends.
SSL_MODE=$(get "SSL Mode")
DB="${DB:-doudi_city_year}"
PORT="${PORT:-5398}"
mkdir -p "$OUT"

echo "== machine: $(nproc) CPUs, load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build src/Doudi.Cli -c Release -p:DoudiSkipWeb=true -nologo -v q -clp:ErrorsOnly
dotnet build src/Doudi.Server -c Release -p:DoudiSkipWeb=true -nologo -v q -clp:ErrorsOnly
city="$OUT/city-$REGION-$YEAR-$RESIDENTS-$OBJECTS-$BILLS-$SEED"
if [[ ! -s "$city/manifest.json" ]]; then
  rm -rf "$city"
  src/Doudi.Cli/bin/Release/net10.0/doudi generate -o "$city" --region "$REGION" --year "$YEAR" --residents "$RESIDENTS" \
    --objects "$OBJECTS" --bills "$BILLS" --seed "$SEED" --no-case >/dev/null
fi
rows=$(( $(wc -l < "$city/settlements.csv") - 1 ))
echo "== city: $city ($rows bills, $(ls "$city"/namelists/*.csv | wc -l) name lists)"

have_template=0
if [[ -n "$TEMPLATE" && "$(psql -tA -d "$(get Database)" -c "SELECT 1 FROM pg_database WHERE datname = '$TEMPLATE'")" == 1 ]]; then have_template=1; fi
psql -q -d "$(get Database)" -c "DROP DATABASE IF EXISTS $DB" \
  -c "CREATE DATABASE $DB$([[ $have_template == 1 ]] && echo " TEMPLATE $TEMPLATE")"
DATA=$(mktemp -d)
SERVER=
start_server() {
  DOUDI_DB="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$DB${SSL_MODE:+;SSL Mode=$SSL_MODE}" DOUDI_ADMIN_PASSWORD=bench-admin-password \
    dotnet src/Doudi.Server/bin/Release/net10.0/Doudi.Server.dll --urls "http://127.0.0.1:$PORT" --Doudi:DataDirectory="$DATA" >> "$DATA/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 1; done
  curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null || { cat "$DATA/server.log"; exit 1; }
  echo "== server pid $SERVER"
}
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
cleanup() {
  stop_server
  cp "$DATA/server.log" "$OUT/city-year-server.log" 2>/dev/null || true; rm -rf "$DATA"
  if [[ "$KEEP_DB" != 1 ]]; then psql -q -d "$(get Database)" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
start_server

# CPU seconds (user + system) of a process. PostgreSQL's: the backends connected to this database (the server's pooled
# connections, which live through the run); the cluster is shared with other work, so its background processes
# (WAL writer, checkpointer, autovacuum) are not counted.
ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{ print ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() {
  local sum=0
  for b in $(psql -tA -d "$DB" -c "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND pid <> pg_backend_pid()"); do
    sum=$(awk -v a="$sum" -v b="$(cpu_of "$b")" 'BEGIN { print a + b }')
  done
  echo "$sum"
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
step() { # label start end server_cpu0 pg_cpu0
  printf '%-34s wall %7s s   server CPU %7s s   PostgreSQL CPU %7s s   server peak RSS so far %5s MiB   load %s\n' "$1" "$(secs "$2" "$3")" \
    "$(secs "$4" "$(cpu_of "$SERVER")")" "$(secs "$5" "$(pg_cpu)")" "$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status")" \
    "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/city-year-summary.txt"
}
: > "$OUT/city-year-summary.txt"

JAR="$DATA/cookies"
login() {
  curl -sf -c "$JAR" -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/auth/login" \
    -d '{"username":"admin","password":"bench-admin-password"}' >/dev/null
}
login
post() { curl -s -b "$JAR" -o "$DATA/answer.json" -w '%{http_code}' "$@"; }
t1=$(now)
if [[ $have_template == 1 ]]; then echo "== name lists and persons: copied from database $TEMPLATE"; else

# 1. The name lists, month by month (each department's full list of the month).
t0=$(now); s0=$(cpu_of "$SERVER"); p0=$(pg_cpu)
for f in $(ls "$city"/namelists/*.csv | sort); do
  name=$(basename "$f" .csv); month=${name:0:7}; dept=${name:8}
  code=$(post -X POST -T "$f" -H 'Content-Type: text/csv' \
    "http://127.0.0.1:$PORT/api/name-lists?department=$dept&month=$month&region=$REGION&mode=full&confirm=true")
  if [[ "$code" != 200 && "$code" != 201 ]]; then echo "name list $name: HTTP $code"; head -c 2000 "$DATA/answer.json"; echo; exit 1; fi
done
t1=$(now); step "name lists" "$t0" "$t1" "$s0" "$p0"

# 1b. Household members who hold no identity in any list (their bills are settled too, by the basic rules only):
#     registered one by one through POST /api/persons (the registry has no bulk path).
s0=$(cpu_of "$SERVER"); p0=$(pg_cpu)
python3 - "$city" "$REGION" "$PORT" "$JAR" <<'PY'
import csv, glob, http.client, http.cookiejar, json, sys
city, region, port, jar = sys.argv[1:5]
listed = set()
for f in glob.glob(city + "/namelists/*.csv"):
    with open(f, encoding="utf-8-sig") as h:
        listed.update(r["idNumber"] for r in csv.DictReader(h))
cookies = http.cookiejar.MozillaCookieJar(jar); cookies.load(ignore_discard=True, ignore_expires=True)
cookie = "; ".join(f"{c.name}={c.value}" for c in cookies)
conn = http.client.HTTPConnection("127.0.0.1", int(port))
n = 0
with open(city + "/persons.csv", encoding="utf-8-sig") as h:
    for r in csv.DictReader(h):
        if r["certno"] in listed: continue
        body = json.dumps({"idNumber": r["certno"], "name": r["psn_name"], "region": region, "household": r["household"],
                           "township": r["township"], "insurance": r["insurance"], "psnNo": r["psn_no"]})
        conn.request("POST", "/api/persons", body, {"Content-Type": "application/json", "Cookie": cookie})
        a = conn.getresponse(); text = a.read()
        if a.status != 201: sys.exit(f"person {r['psn_no']}: HTTP {a.status} {text[:300]!r}")
        n += 1
print(f"   {n} persons without an identity registered")
PY
t1b=$(now); step "persons without identity" "$t1" "$t1b" "$s0" "$p0"; t1=$t1b
if [[ -n "$TEMPLATE" ]]; then
  # Kept for the next runs; the import below then runs in a fresh server process, as those runs' does.
  stop_server
  psql -q -d "$(get Database)" -c "DROP DATABASE IF EXISTS $TEMPLATE" -c "CREATE DATABASE $TEMPLATE TEMPLATE $DB"
  echo "== name lists and persons kept in database $TEMPLATE"
  start_server; login; t1=$(now)
fi
fi

# 2. The year's bills: one streamed POST of the national export, settled by the server.
s0=$(cpu_of "$SERVER"); p0=$(pg_cpu)
code=$(post -X POST -T "$city/settlements.csv" -H 'Content-Type: text/csv' "http://127.0.0.1:$PORT/api/settlement-imports?format=csv")
t2=$(now); step "import + settle $rows bills" "$t1" "$t2" "$s0" "$p0"
report=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r.get("rows"), r.get("settled"), r.get("replayed"), r.get("held"), r.get("rejected")); [print("  ", e) for e in r.get("errors", [])[:5]]' "$DATA/answer.json" 2>/dev/null || head -c 2000 "$DATA/answer.json")
echo "   HTTP $code; rows settled replayed held rejected: $report" | tee -a "$OUT/city-year-summary.txt"
echo "   rate: $(awk -v n="$rows" -v a="$t1" -v b="$t2" 'BEGIN { printf "%.0f", n / (b - a) }') rows/s" | tee -a "$OUT/city-year-summary.txt"

# 3. The year-end runs of the city's region.
year_end=skipped
if [[ "$YEAR_END" == 1 ]]; then
s0=$(cpu_of "$SERVER"); p0=$(pg_cpu)
# One page of the answer, as the console asks (the whole run is stored and paged; the unpaged answer of a city is ~1.5 GB of JSON).
code=$(post -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/year-end-runs?page=1&pageSize=20" -d "{\"region\":\"$REGION\",\"year\":$YEAR}")
t3=$(now); step "year-end run $REGION $YEAR" "$t2" "$t3" "$s0" "$p0"
echo "   HTTP $code; $(head -c 300 "$DATA/answer.json" | tr -d '\n')…" | tee -a "$OUT/city-year-summary.txt"
year_end=$code
fi

peak=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status")
echo "server peak RSS ${peak} MiB; load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/city-year-summary.txt"
echo "stored: $(psql -tA -d "$DB" -c "SELECT COUNT(*) FROM settlements") settlements, $(psql -tA -d "$DB" -c "SELECT COUNT(*) FROM persons") persons" | tee -a "$OUT/city-year-summary.txt"

if [[ "$CHECK" == 1 ]]; then
  settled=$(psql -tA -d "$DB" -c "SELECT COUNT(*) FROM settlements WHERE status = 'settled'")
  held=$(psql -tA -d "$DB" -c "SELECT COUNT(*) FROM held_settlements")
  [[ "$((settled + held))" == "$rows" ]] || { echo "city-year: $settled settled + $held held of $rows bills"; exit 1; }
  [[ "$year_end" == 201 ]] || { echo "city-year: year-end run answered $year_end"; exit 1; }
  echo "city-year check: ok"
fi

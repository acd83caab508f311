#!/usr/bin/env bash
# Every benchmark command of BENCHMARKS.md at a smoke size, so none can rot (CI runs this from .ci/run). Checks that
# each runs and that the generated cases settle and their results pass `doudi verify`; measures nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export DOUDI_BENCH_SMOKE=1

dotnet build src/Doudi.Cli/Doudi.Cli.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build bench/Doudi.Bench/Doudi.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly
B=bench/Doudi.Bench/bin/Release/net10.0/Doudi.Bench
doudi=src/Doudi.Cli/bin/Release/net10.0/doudi

echo "== smoke: generator, CLI in every trace mode and format, verify"
for region in fuyang pengshui wenzhou jiande; do
  $B gen --region "$region" --bills 3000 -o "$OUT/case-$region.json"
  for trace in full compact; do
    $doudi settle "$OUT/case-$region.json" -o "$OUT/result-$region-$trace.json" --trace "$trace"
    $doudi verify "$OUT/result-$region-$trace.json"
  done
  $doudi settle "$OUT/case-$region.json" -o "$OUT/result-$region-none.json" --trace none
done
$B gen --region wenzhou --year 2023 --bills 3000 --engine-critical 0.1 -o "$OUT/case-critical.json"
$doudi settle "$OUT/case-critical.json" --include policies/samples -o "$OUT/result-critical.json" && $doudi verify "$OUT/result-critical.json"

echo "== smoke: in-process harness and BenchmarkDotNet"
$B inproc --bills-per-region 2000 --runs 1 --warmups 1 >/dev/null
$B bdn --filter '*' >/dev/null

echo "== smoke: baselines and phases"
$B copy "$OUT/case-pengshui.json" -o "$OUT/copy.json"
cmp "$OUT/case-pengshui.json" "$OUT/copy.json"
$B copy "$OUT/case-pengshui.json" -o "$OUT/sized.json" --size-of "$OUT/result-pengshui-full.json"
$B phases "$OUT/case-pengshui.json" --runs 1 >/dev/null

echo "== smoke: the scripts"
BILLS=2000 REGIONS="pengshui jiande" RUNS=1 WARMUP=0 OUT="$OUT/cli" bench/cli-bench.sh >/dev/null
BILLS=3000 VERIFY=1 OUT="$OUT/city" bench/city-bench.sh >/dev/null
if [[ -n "${DOUDI_TEST_PG:-}" ]]; then
  # A small city's year on the server (issue 11 point 2): name lists, bills and year-end through the API; every bill stored.
  RESIDENTS=20000 OBJECTS=300 BILLS=3000 CHECK=1 DB=doudi_city_year_smoke PORT=5397 OUT="$OUT/city-year" bench/city-year.sh >/dev/null
  # The city's year-end run (issue 11 point 2) on a small stored year: it must answer 201.
  RESIDENTS=20000 OBJECTS=300 BILLS=3000 CITY="$OUT/year-end-city" bench/year-end-bench.sh >/dev/null
else
  echo "bench smoke: DOUDI_TEST_PG not set, bench/city-year.sh and bench/year-end-bench.sh skipped"
fi
echo "== smoke: name-list import rates (BENCHMARKS.server.md, issue 9 item 3)"
dotnet build -c Release bench/Doudi.Bench.Http -nologo -v q -clp:ErrorsOnly -p:DoudiSkipWeb=true
dotnet bench/Doudi.Bench.Http/bin/Release/net10.0/Doudi.Bench.Http.dll --db sqlite --namelist 2000 >/dev/null
if [[ -n "${DOUDI_TEST_PG:-}" ]]; then
  dotnet bench/Doudi.Bench.Http/bin/Release/net10.0/Doudi.Bench.Http.dll --db postgres --namelist 2000 --pg "$DOUDI_TEST_PG" >/dev/null
fi
echo "bench smoke: ok"

#!/usr/bin/env bash
# The city-year benchmark of BENCHMARKS.md (issue 7, point 6): `doudi settle` on one year of a city's bills from the
# bench generator, with --trace compact (goal: 6,000,000 bills in <= 60 s wall and <= 3 GB peak memory) and with
# --trace full against baseline B (read the case, write as many bytes as the CLI's result; goal <= 1.5x).
#
#   bench/city-bench.sh                              # 6,000,000 wenzhou bills of 2023
#   BILLS=1000000 REGION=pengshui YEAR=2024 bench/city-bench.sh
#   MODES="compact" VERIFY=1 bench/city-bench.sh     # only compact, then `doudi verify` the result
#
# Environment: BILLS (6000000), REGION (wenzhou), YEAR (2023), SEED (20240601), MODES ("compact full"), OUT (bench/out),
# VERIFY (0; 1 runs doudi verify on each result), KEEP (0; 1 keeps the results). Wall time and peak resident memory
# come from /usr/bin/time (GNU time) when present.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
BILLS="${BILLS:-6000000}"
REGION="${REGION:-wenzhou}"
YEAR="${YEAR:-2023}"
SEED="${SEED:-20240601}"
MODES="${MODES:-compact full}"
OUT="${OUT:-$root/bench/out}"
VERIFY="${VERIFY:-0}"
KEEP="${KEEP:-0}"
mkdir -p "$OUT"

echo "== machine: $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build src/Doudi.Cli/Doudi.Cli.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build bench/Doudi.Bench/Doudi.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly
doudi="$root/src/Doudi.Cli/bin/Release/net10.0/doudi"
bench="$root/bench/Doudi.Bench/bin/Release/net10.0/Doudi.Bench"

case="$OUT/city-$REGION-$YEAR-$BILLS-$SEED.json"
if [[ ! -s "$case" ]]; then
  "$bench" gen --region "$REGION" --year "$YEAR" --bills "$BILLS" --seed "$SEED" -o "$case"
fi

# run LABEL CMD...: prints "wall_s peak_MiB" of the command (peak only with GNU time)
measure() {
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" "$@" >/dev/null
    read -r wall kb user sys < "$OUT/time.txt"
    echo "$wall $((kb / 1024)) $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
  else
    local start end
    start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
    echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') - -"
  fi
}

summary="$OUT/city-summary.txt"
: > "$summary"
in_bytes=$(stat -c %s "$case")
for mode in $MODES; do
  result="$OUT/city-result-$mode.json"
  read -r wall mib cpu <<< "$(measure "$doudi" settle "$case" -o "$result" --trace "$mode")"
  line="$REGION $YEAR bills $BILLS  trace $mode  in $in_bytes B  out $(stat -c %s "$result") B | doudi settle: wall ${wall} s  cpu ${cpu} s  peak ${mib} MiB"
  if [[ "$mode" == full ]]; then
    sized="$OUT/city-sized.json"
    read -r b_wall b_mib b_cpu <<< "$(measure env DOTNET_gcConcurrent=0 DOTNET_TieredCompilation=0 "$bench" copy "$case" -o "$sized" --size-of "$result")"
    line="$line | baseline B: wall ${b_wall} s  cpu ${b_cpu} s  peak ${b_mib} MiB | cli/B $(awk -v c="$wall" -v b="$b_wall" 'BEGIN { printf "%.2f", c / b }')"
    rm -f "$sized"
  fi
  echo "$line" | tee -a "$summary"
  if [[ "$VERIFY" == 1 ]]; then "$doudi" verify "$result"; fi
  if [[ "$KEEP" != 1 ]]; then rm -f "$result"; fi
done
rm -f "$OUT/time.txt"
echo "== summary ($summary; load: $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$summary"

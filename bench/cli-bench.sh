#!/usr/bin/env bash
# The CLI benchmark of BENCHMARKS.md: `doudi settle` on a generated case file of N bills, against a baseline
# that reads the same file with the same reader (CaseReader) and writes the same JSON back (Utf8JsonWriter),
# with the same atomic write (temporary file, flushed to disk, moved over the target).
#
#   bench/cli-bench.sh                       # 1,000,000 bills for each of the four regions
#   BILLS=200000 REGIONS="pengshui" RUNS=3 bench/cli-bench.sh
#   CPUS=1 bench/cli-bench.sh                # pin both commands to CPU 1 (taskset)
#
# Environment: BILLS (default 1000000), REGIONS (default "fuyang pengshui wenzhou jiande"), RUNS (hyperfine runs,
# default 3), WARMUP (default 1), CPUS (taskset CPU list, default: not pinned), OUT (work folder, default
# bench/out; the generated files are kept there and reused, they are deterministic), SEED (default 20240601).
# Uses hyperfine (installed with apt-get when missing and running as root), else /usr/bin/time.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
BILLS="${BILLS:-1000000}"
REGIONS="${REGIONS:-fuyang pengshui wenzhou jiande}"
RUNS="${RUNS:-3}"
WARMUP="${WARMUP:-1}"
SEED="${SEED:-20240601}"
OUT="${OUT:-$root/bench/out}"
mkdir -p "$OUT"

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building Release"
dotnet build src/Doudi.Cli/Doudi.Cli.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build bench/Doudi.Bench/Doudi.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly
doudi="$root/src/Doudi.Cli/bin/Release/net10.0/doudi"
bench="$root/bench/Doudi.Bench/bin/Release/net10.0/Doudi.Bench"

pin=()
if [[ -n "${CPUS:-}" ]]; then pin=(taskset -c "$CPUS"); fi

if ! command -v hyperfine >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "== installing hyperfine"
  (apt-get install -y -qq hyperfine >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; }) || true
fi

summary="$OUT/summary.txt"
: > "$summary"
for region in $REGIONS; do
  case="$OUT/case-$region-$BILLS-$SEED.json"
  if [[ ! -s "$case" ]]; then
    echo "== generating $case"
    "$bench" gen --region "$region" --bills "$BILLS" --seed "$SEED" -o "$case"
  fi
  result="$OUT/result-$region.json"
  copy="$OUT/copy-$region.json"
  # The baseline runs under the runtime settings doudi's runtimeconfig sets (non-concurrent GC, no tiered JIT).
  base_cmd="${pin[*]} env DOTNET_gcConcurrent=0 DOTNET_TieredCompilation=0 $bench copy $case -o $copy"
  cli_cmd="${pin[*]} $doudi settle $case -o $result"

  echo "== $region: $(stat -c %s "$case") bytes in"
  if command -v hyperfine >/dev/null; then
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/hyperfine-$region.json" \
      -n "baseline read+write ($region)" "$base_cmd" \
      -n "doudi settle ($region)" "$cli_cmd"
    # Means from hyperfine's JSON without jq: the fields in order (baseline, then CLI). Wall time is the figure;
    # user+system CPU is shown beside it because on a shared machine the wall time includes waiting for a core.
    field() { grep -o "\"$1\": *[0-9.e+-]*" "$OUT/hyperfine-$region.json" | sed 's/.*: *//' | tr '\n' ' '; }
    read -r base_s cli_s _ <<< "$(field mean)" || true
    read -r base_u cli_u _ <<< "$(field user)" || true
    read -r base_y cli_y _ <<< "$(field system)" || true
    base_cpu=$(awk -v u="$base_u" -v s="$base_y" 'BEGIN { print u + s }')
    cli_cpu=$(awk -v u="$cli_u" -v s="$cli_y" 'BEGIN { print u + s }')
  else
    echo "(hyperfine not available: one /usr/bin/time run each after a warm-up)"
    $base_cmd && $cli_cmd
    read -r base_s base_cpu < <( { /usr/bin/time -f '%e %U %S' $base_cmd >/dev/null; } 2>&1 | tail -1 | awk '{ print $1, $2 + $3 }')
    read -r cli_s cli_cpu < <( { /usr/bin/time -f '%e %U %S' $cli_cmd >/dev/null; } 2>&1 | tail -1 | awk '{ print $1, $2 + $3 }')
  fi
  ratio=$(awk -v c="$cli_s" -v b="$base_s" 'BEGIN { printf "%.2f", c / b }')
  cpu_ratio=$(awk -v c="$cli_cpu" -v b="$base_cpu" 'BEGIN { printf "%.2f", c / b }')
  line=$(printf '%-9s bills %s  in %s B  out %s B  wall: baseline %.2f s, cli %.2f s, ratio %s  cpu(user+sys): baseline %.2f s, cli %.2f s, ratio %s' \
    "$region" "$BILLS" "$(stat -c %s "$case")" "$(stat -c %s "$result")" "$base_s" "$cli_s" "$ratio" "$base_cpu" "$cli_cpu" "$cpu_ratio")
  echo "$line" | tee -a "$summary"
  # The baseline's copy must be the case file byte for byte: the writer is the reader's exact inverse.
  cmp -s "$case" "$copy" || echo "   note: the baseline copy differs from the case file" | tee -a "$summary"
  rm -f "$copy"
done
echo "== summary ($summary)"
cat "$summary"

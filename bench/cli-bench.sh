#!/usr/bin/env bash
# The CLI benchmark of BENCHMARKS.md: `doudi settle FILE -o OUT` on a generated case file of N bills, against two
# baselines that read the same file with the same reader (CaseReader) and write with Utf8JsonWriter, with the same
# atomic write as the CLI (temporary file, flushed to disk, moved over the target):
#   A  writes the case JSON back (byte for byte the input);
#   B  writes the case's bills repeated to the size of the CLI's result: "just reading and writing" as many bytes as
#      the CLI reads and writes, without settling anything.
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
  sized="$OUT/sized-$region.json"
  # The baselines run under the runtime settings doudi's runtimeconfig sets (non-concurrent GC, no tiered JIT).
  same="env DOTNET_gcConcurrent=0 DOTNET_TieredCompilation=0"
  cli_cmd="${pin[*]} $doudi settle $case -o $result"
  # A: read the case, write the same case JSON back (strict: the CLI writes ~4x more bytes than this).
  base_cmd="${pin[*]} $same $bench copy $case -o $copy"
  # B: read the case, write a JSON as large as the CLI's result (the case's bills repeated): the same I/O as the CLI.
  echo "== $region: $(stat -c %s "$case") bytes in; one CLI run first for the result's size"
  $cli_cmd
  sized_cmd="${pin[*]} $same $bench copy $case -o $sized --size-of $result"

  if command -v hyperfine >/dev/null; then
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/hyperfine-$region.json" \
      -n "A read+write the case ($region)" "$base_cmd" \
      -n "B read the case, write as much as the CLI ($region)" "$sized_cmd" \
      -n "doudi settle ($region)" "$cli_cmd"
    # Means from hyperfine's JSON without jq: the fields in order (A, B, CLI). Wall time is the figure;
    # user+system CPU is shown beside it because on a shared machine the wall time includes waiting for a core.
    field() { grep -o "\"$1\": *[0-9.e+-]*" "$OUT/hyperfine-$region.json" | sed 's/.*: *//' | tr '\n' ' '; }
    read -r a_s b_s cli_s _ <<< "$(field mean)" || true
    read -r a_u b_u cli_u _ <<< "$(field user)" || true
    read -r a_y b_y cli_y _ <<< "$(field system)" || true
    a_cpu=$(awk -v u="$a_u" -v s="$a_y" 'BEGIN { print u + s }')
    b_cpu=$(awk -v u="$b_u" -v s="$b_y" 'BEGIN { print u + s }')
    cli_cpu=$(awk -v u="$cli_u" -v s="$cli_y" 'BEGIN { print u + s }')
  else
    echo "(hyperfine not available: one /usr/bin/time run each after a warm-up)"
    $base_cmd && $sized_cmd
    t() { { /usr/bin/time -f '%e %U %S' "$@" >/dev/null; } 2>&1 | tail -1 | awk '{ print $1, $2 + $3 }'; }
    read -r a_s a_cpu < <(t $base_cmd)
    read -r b_s b_cpu < <(t $sized_cmd)
    read -r cli_s cli_cpu < <(t $cli_cmd)
  fi
  r() { awk -v c="$1" -v b="$2" 'BEGIN { printf "%.2f", c / b }'; }
  line=$(printf '%-9s bills %s  in %s B  out %s B | wall s: A %.2f  B %.2f  cli %.2f  cli/A %s  cli/B %s | cpu s: A %.2f  B %.2f  cli %.2f  cli/A %s  cli/B %s' \
    "$region" "$BILLS" "$(stat -c %s "$case")" "$(stat -c %s "$result")" \
    "$a_s" "$b_s" "$cli_s" "$(r "$cli_s" "$a_s")" "$(r "$cli_s" "$b_s")" \
    "$a_cpu" "$b_cpu" "$cli_cpu" "$(r "$cli_cpu" "$a_cpu")" "$(r "$cli_cpu" "$b_cpu")")
  echo "$line" | tee -a "$summary"
  # Baseline A's copy must be the case file byte for byte: the writer is the reader's exact inverse.
  cmp -s "$case" "$copy" || echo "   note: baseline A's copy differs from the case file" | tee -a "$summary"
  rm -f "$copy" "$sized"
done
echo "== summary ($summary; load: $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$summary"

#!/usr/bin/env bash
# Builds the libFuzzer targets from the package (Swift's -sanitize=fuzzer,address, -DFUZZING) and
# runs each for SECONDS (default 600) under `nice -n 10`, starting from Fuzz/corpus/<target> and
# Fuzz/seeds/<target>. New inputs that add coverage are merged (minimized) into Fuzz/corpus/<target>;
# a crash leaves its input in Fuzz/findings/<target>/ and fails the script.
#
#   ops/fuzz.sh [SECONDS] [TARGET...]     targets: config (JSON parser + validator), escape (unit-file escaping)
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config escape)
build=.build/fuzz

for target in "${targets[@]}"; do
  nice -n 10 "$SWIFT" build -c release --build-path "$build" --product "fuzz-$target" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >&2
done

status=0
for target in "${targets[@]}"; do
  binary=$build/release/fuzz-$target
  corpus=Fuzz/corpus/$target
  findings=Fuzz/findings/$target
  scratch=$(mktemp -d)
  mkdir -p "$corpus" "$findings"
  echo "fuzz-$target: ${seconds}s" >&2
  log=$scratch/log
  # -timeout: an input taking 10 s is a hang; -max_len keeps inputs the size of real configs.
  if ! nice -n 10 "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$findings/" "$scratch" "$corpus" "Fuzz/seeds/$target" >"$log" 2>&1; then
    status=1
    echo "fuzz-$target: FOUND a problem (input in $findings/):" >&2
    grep -E "ERROR|Fatal error|precondition|SUMMARY" "$log" | head -20 >&2 || tail -30 "$log" >&2
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)" "$log" \
    | sed "s/^/fuzz-$target: /" || true
  grep -E "cov: [0-9]+" "$log" | tail -1 | sed "s/^/fuzz-$target: /" || true
  # Keep the committed corpus minimal: only inputs that add coverage are merged in.
  nice -n 10 "$binary" -merge=1 -timeout=10 -max_len=4096 "$corpus" "$scratch" >/dev/null 2>&1 || true
  echo "fuzz-$target: corpus $(ls "$corpus" | wc -l) inputs" >&2
  rm -rf "$scratch"
done
exit $status

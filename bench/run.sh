#!/usr/bin/env bash
# `make bench`: build cgipool (release), start a private systemd manager in a fresh runtime folder,
# run every scenario (bench/bench.py) and write BENCHMARKS.md and bench/results.json.
# Whatever happens, the trap ends every process group the harness started and the private manager.
# Extra arguments go to bench.py (--runs N, --only compile,generator,reaper,status,pool40,probe,liveness,serving, --quick); $CGIPOOL_TIMER_BIN adds the
# timer design to the liveness scenario (bench/build-timer-design.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

echo "[bench] building cgipool (release)"
ops/build.sh 2>&1 | tail -n 1
export CGIPOOL_BIN="$ROOT/.build/release/cgipool"

# supervisord, for the side-by-side cold start: from PyPI into a venv the repo ignores.
if [ ! -x bench/.venv/bin/supervisord ]; then
  echo "[bench] installing supervisor into bench/.venv"
  { python3 -m venv bench/.venv && bench/.venv/bin/pip install -q supervisor; } \
    || echo "[bench] supervisor could not be installed: its comparison will be marked not run"
fi

BENCH_WORK=$(mktemp -d /tmp/cgipool-bench.XXXXXX)
CGIPOOL_RUNTIME_DIR=$(mktemp -d /tmp/cgipool-bench-rt.XXXXXX)
export BENCH_WORK CGIPOOL_RUNTIME_DIR
export XDG_RUNTIME_DIR="$CGIPOOL_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  echo "[bench] cleaning up"
  if [ -f "$BENCH_WORK/pgids" ]; then
    # Only the groups this harness started (recorded as it started them), by id.
    while read -r pgid; do
      [ -n "$pgid" ] && kill -TERM -- "-$pgid" 2>/dev/null || true
    done < "$BENCH_WORK/pgids"
    sleep 0.5
    while read -r pgid; do
      [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null || true
    done < "$BENCH_WORK/pgids"
  fi
  "$CGIPOOL_BIN" manager stop >/dev/null 2>&1 || true
  rm -rf "$BENCH_WORK" "$CGIPOOL_RUNTIME_DIR"
  exit "$status"
}
trap cleanup EXIT INT TERM

"$CGIPOOL_BIN" manager start
python3 bench/bench.py "$@"

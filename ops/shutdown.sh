#!/usr/bin/env bash
# Stop the CGI pool and make sure nothing of it is left running.
#
# Usage: ops/shutdown.sh [--force] [--cleanup]
#   --force    kill stubborn processes at once instead of waiting for their stop_timeout
#   --cleanup  also end orphaned pool processes that run outside the pool's units
#   --print-settings  print the settings the flags and environment give, then exit
# Environment: CGI_POOL_CONFIG (default ops/process_config.json), CGI_POOL_FORCE and
# CGI_POOL_CLEANUP (true/false, yes/no, on/off, 1/0, any case; anything else exits 64),
# CGIPOOL (the cgipool binary, default .build/release/cgipool).
# Exits non-zero when anything of the pool is still running afterwards (read from /proc and
# the cgroups: processes a dead private manager left behind count too).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
config=${CGI_POOL_CONFIG:-$root/ops/process_config.json}
cgipool=${CGIPOOL:-$root/.build/release/cgipool}
. "$root/ops/lib/env-flag.sh"
env_flag CGI_POOL_FORCE 0 force
env_flag CGI_POOL_CLEANUP 0 cleanup
print_settings=0

for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --cleanup) cleanup=1 ;;
    --print-settings) print_settings=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "shutdown.sh: unknown option $arg (see --help)" >&2; exit 64 ;;
  esac
done

if [ "$print_settings" = 1 ]; then
  echo "config=$config force=$force cleanup=$cleanup"
  exit 0
fi

[ -x "$cgipool" ] || { echo "shutdown.sh: cgipool is not built ($cgipool)" >&2; exit 1; }
pool=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("name","cgipool"))' "$config")
status=0

# 1. Managed stop: SIGTERM, SIGKILL after each stop_timeout (at once with --force).
echo "==> stopping pool $pool"
if [ "$force" = 1 ]; then
  "$cgipool" stop --config "$config" --force || status=1
elif ! "$cgipool" stop --config "$config"; then
  # 2. Something survived the graceful stop: kill what is left.
  echo "==> graceful stop left processes behind; killing them"
  "$cgipool" stop --config "$config" --force || status=1
fi

# 3. Orphans outside the units.
if [ "$cleanup" = 1 ]; then
  echo "==> ending orphaned pool processes"
  "$cgipool" cleanup --config "$config" || status=1
fi

# 4. Temporary files: the private manager (if the pool used one) and its runtime folder.
if "$cgipool" manager status --pool "$pool" | grep -q '^private manager: running'; then
  echo "==> stopping the private systemd manager"
  "$cgipool" manager stop --pool "$pool" || status=1
fi

# 5. Verify: no unit of the pool active, nothing unsupervised, no orphan matching its patterns.
set +e
"$cgipool" status --config "$config" >/dev/null 2>&1
status_code=$?
set -e
if [ "$status_code" = 0 ]; then
  echo "shutdown.sh: the pool still reports active processes" >&2
  status=1
elif [ "$status_code" = 4 ]; then
  echo "shutdown.sh: processes of the pool run unsupervised (its private manager is dead):" >&2
  "$cgipool" status --config "$config" >&2 || true
  status=1
fi
left=$("$cgipool" status --config "$config" --json 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(p["process"] for p in d["processes"] if p["state"] not in ("inactive","failed")))' || true)
if [ -n "$left" ]; then
  echo "shutdown.sh: still running: $left" >&2
  status=1
fi
# Processes that were just killed can take a moment to disappear from /proc: look up to 3 times.
for attempt in 1 2 3; do
  orphans=$("$cgipool" cleanup --config "$config" --dry-run) && break
  sleep 1
done
if [ "$attempt" = 3 ] && ! "$cgipool" cleanup --config "$config" --dry-run >/dev/null; then
  echo "shutdown.sh: processes matching the pool's patterns are still running:" >&2
  echo "$orphans" >&2
  status=1
fi
[ "$status" = 0 ] && echo "nothing of pool $pool is left running"
exit "$status"

#!/usr/bin/env bash
# A release build of the last commit with the per-process liveness timers, for the liveness
# benchmark's side-by-side comparison: `CGIPOOL_TIMER_BIN=$(bench/build-timer-design.sh) bench/run.sh
# --only liveness --merge`. The build goes into a detached worktree (default /tmp/cgipool-timer-design,
# or $1) and takes as long as a first build; the path of the binary is the last line printed.
set -euo pipefail
cd "$(dirname "$0")/.."
# The commit before "Liveness: one supervised <pool>.health.service" replaced the timers.
COMMIT=e27aec8
DIR=${1:-/tmp/cgipool-timer-design}
if [ ! -e "$DIR/.git" ]; then
  git worktree add --detach "$DIR" "$COMMIT" >&2
fi
[ "$(git -C "$DIR" rev-parse --short=7 HEAD)" = "$COMMIT" ] || { echo "$DIR is not at $COMMIT" >&2; exit 1; }
(cd "$DIR" && ops/build.sh >&2)
echo "$DIR/.build/release/cgipool"

#!/bin/sh
# slow.cgi: answers after ?seconds=N (whole seconds, 0 to 10; default 0): a request that stays in
# flight, to watch a graceful stop or a restart finish it. Says which worker process ran it.
set -f  # the query is split on &, never expanded as a pattern
seconds=0
for pair in $(printf '%s' "${QUERY_STRING-}" | tr '&' ' '); do
  case "$pair" in
    seconds=[0-9]|seconds=10) seconds=${pair#seconds=} ;;
  esac
done
sleep "$seconds"
printf 'Content-Type: text/plain\r\n'
printf '\r\n'
# The script's parent is the worker (it runs the script through `sh -c 'exec ...'`).
printf 'slept %s s in worker pid %s\n' "$seconds" "$PPID"

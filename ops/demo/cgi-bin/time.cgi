#!/bin/sh
# time.cgi: the current UTC time as JSON, and which worker ran the script.
printf 'Content-Type: application/json\r\n'
printf '\r\n'
printf '{"utc": "%s", "epoch": %s, "server": "%s"}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(date +%s)" "${SERVER_SOFTWARE-}"

#!/usr/bin/env bash
# Start the CGI pool under systemd, through cgipool.
#
# Usage: ops/startup.sh [--build|--no-build] [--cleanup] [--monitor|--no-monitor]
#   --build       build cgipool (ops/build.sh) and run the config's "build" command first
#   --no-build    never build (fail when cgipool is not built)
#   --cleanup     end orphaned pool processes (outside the pool's units) before starting
#   --monitor     stay in the foreground showing the pool live; Ctrl+C stops the pool
#   --no-monitor  return once the pool is up; systemd supervises it
#   --print-settings  print the settings the flags and environment give, then exit
# Environment: CGI_POOL_CONFIG (default ops/process_config.json), CGI_POOL_BUILD and
# CGI_POOL_CLEANUP (true/false, yes/no, on/off, 1/0, any case; anything else exits 64),
# CGIPOOL (the cgipool binary, default .build/release/cgipool).
# Without flags: builds only when cgipool is missing, monitors when run from a terminal.
# In monitor mode Ctrl+C or SIGTERM stops the pool, and the private manager if this run started it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
config=${CGI_POOL_CONFIG:-$root/ops/process_config.json}
cgipool=${CGIPOOL:-$root/.build/release/cgipool}
. "$root/ops/lib/env-flag.sh"
env_flag CGI_POOL_BUILD auto build
env_flag CGI_POOL_CLEANUP 0 cleanup
if [ -t 0 ] && [ -t 1 ]; then monitor=1; else monitor=0; fi
print_settings=0

for arg in "$@"; do
  case "$arg" in
    --build) build=1 ;;
    --no-build) build=0 ;;
    --cleanup) cleanup=1 ;;
    --monitor) monitor=1 ;;
    --no-monitor) monitor=0 ;;
    --print-settings) print_settings=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "startup.sh: unknown option $arg (see --help)" >&2; exit 64 ;;
  esac
done

if [ "$print_settings" = 1 ]; then
  echo "config=$config build=$build cleanup=$cleanup monitor=$monitor"
  exit 0
fi

fail() { echo "startup.sh: $*" >&2; exit 1; }
step() { echo "==> $*"; }

# 1. cgipool itself.
if [ "$build" = 1 ] || { [ "$build" = auto ] && [ ! -x "$cgipool" ]; }; then
  step "building cgipool"
  "$root/ops/build.sh" || fail "building cgipool failed"
fi
[ -x "$cgipool" ] || fail "cgipool is not built ($cgipool); run 'make build' or pass --build"

# 2. The config: valid, and every command and folder present (compiling resolves them).
[ -f "$config" ] || fail "no config at $config (set CGI_POOL_CONFIG)"
step "checking $config"
"$cgipool" check --config "$config" >/dev/null || fail "the config is invalid (see above)"
"$cgipool" generate units --config "$config" --stdout >/dev/null ||
  fail "a command or working directory of the config is missing (see above)"

# 3. The config's own build step, when asked to build.
if [ "$build" = 1 ]; then
  build_command=$(python3 -c 'import json,sys,shlex; b=json.load(open(sys.argv[1])).get("build"); print(shlex.join(b) if b else "")' "$config")
  if [ -n "$build_command" ]; then
    step "running the config's build command: $build_command"
    (cd "$(dirname "$config")" && eval "$build_command") || fail "the config's build command failed"
  fi
fi

# 4. A systemd manager: the host's, or cgipool's private one (which needs root).
if [ "$(id -u)" != 0 ] && "$cgipool" manager status | grep -q '^manager: no manager running'; then
  fail "systemd is not running here and cgipool's private manager needs root: run as root"
fi

# 5. Ports the pool binds (held sockets, `listen`) and those its health checks use must be free,
# unless the pool already runs. `{replica}` placeholders are filled in for each instance.
if ! "$cgipool" status --config "$config" >/dev/null 2>&1; then
  busy=$(python3 - "$config" <<'PY'
import json, re, socket, sys
config = json.load(open(sys.argv[1]))
PLACEHOLDER = re.compile(r"\{\{|\{replica(0?)(?::0?([0-9]+))?\}")

def instances(text, replicas):
    """text with {replica}/{replica0}[:0N] filled in for each instance (`{{` is a literal `{`)."""
    def fill(index):
        def one(match):
            if match.group(0) == "{{":
                return "{"
            number = index - 1 if match.group(1) else index
            return str(number).zfill(int(match.group(2) or 0))
        return PLACEHOLDER.sub(one, text)
    return sorted({fill(index) for index in range(1, replicas + 1)})

def port_of(address):
    """The port of "host:port", "[v6]:port" or "port"; None for a Unix socket path."""
    if address.startswith("/") or address.startswith("@"):
        return None
    return address.rsplit(":", 1)[-1]

ports = {}
for name, process in sorted(config.get("processes", {}).items()):
    replicas = process.get("replicas", 1) if isinstance(process.get("replicas", 1), int) else 1
    listen = process.get("listen") or []
    for address in [listen] if isinstance(listen, str) else listen:
        ports.setdefault(port_of(str(address)), name)
    check = process.get("health_check") or {}
    for target in instances(str(check.get("target", "")), replicas):
        if check.get("type") == "port":
            ports.setdefault(port_of(target), name)
        elif check.get("type") == "http" and "://" in target:
            hostport = target.split("://", 1)[1].split("/", 1)[0]
            ports.setdefault(hostport.rsplit(":", 1)[-1] if ":" in hostport else ("443" if target.startswith("https") else "80"), name)
for port, name in sorted(ports.items(), key=lambda item: (item[1], str(item[0]))):
    if port and port.isdigit():
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", int(port))) == 0:
                print(f"{name}: port {port} is already in use")
PY
)
  [ -z "$busy" ] || fail "ports in use by something outside the pool:
$busy"
fi

# 6. Start.
args=(start --config "$config")
[ "$cleanup" = 1 ] && args+=(--cleanup)
[ "$monitor" = 1 ] && args+=(--monitor)
step "starting the pool"
# exec: cgipool takes this script's PID, so Ctrl+C and a SIGTERM sent to the script reach it
# directly (a trap here would run only after the foreground child exits). In monitor mode it
# stops the pool on either, and the private manager too when this start started it.
exec "$cgipool" "${args[@]}"

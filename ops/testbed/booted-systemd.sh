#!/bin/bash
# booted-systemd.sh - boot a throwaway container with a REAL systemd as PID 1 on this host
# (PID 1 of the host is not systemd), to test tools against systemctl/journald/unit files/
# generators/reboot.
#
# cgipool's copy of the team's testbed script (Debian package systemd-container, which
# ops/install-deps.sh installs). The Swift tests drive it through Tests/Support/BootedSystemd.swift;
# by hand: `ops/testbed/booted-systemd.sh start i11-try --bind-ro "$PWD"`, then `exec`, then `stop`.
# Container names must be unique on the machine (prefix them with your own tag).
# A pool inside binds the HOST's ports (shared network): run the demo pool only under
# `flock /tmp/cgipool-demo-ports.lock`, the lock the tests' `.demoPorts` trait takes.
#
# USAGE (as root)
#   booted-systemd.sh start  NAME [--bind HOSTDIR[:CTDIR]]... [--bind-ro HOSTDIR[:CTDIR]]...
#                                            boot in the background, wait for running/degraded,
#                                            print the leader PID (container PID 1, host view)
#   booted-systemd.sh exec   NAME CMD...     run CMD inside as root; exit code & output are CMD's
#   booted-systemd.sh reboot NAME            systemctl reboot inside, wait until running again
#   booted-systemd.sh wait   NAME [OLDPID]   wait until running (with a leader other than OLDPID)
#   booted-systemd.sh stop   NAME            clean poweroff, kill leftovers by PID, remove all state
#   booted-systemd.sh info   NAME            leader PID, state, memory (PSS) and tmpfs usage
#
# DANGER: never run /lib/systemd/systemd --system on the host's root filesystem, even in a
# private mount namespace: its boot-time systemd-tmpfiles ("D /tmp") WIPES THE HOST'S /tmp.
# This script only uses `systemd-nspawn -D / --volatile=yes --boot`: the container root is a
# fresh tmpfs, /usr is the host's /usr READ-ONLY, and only these host paths are writable inside:
#   /run/booted-systemd/NAME/state/{etc,var,root}   bound to /etc, /var, /root   (persistent)
#   /run/booted-systemd/NAME/state/usr-local        overlay upper dir of /usr/local (host's
#                                                   /usr/local is the read-only lower layer)
#   (/var/log/journal exists, so the journal persists across reboot: journalctl -b -1)
#   your --bind dirs. Bind targets / and anything in /tmp /var /run /etc /usr /dev /proc /sys
#   are refused (tmpfiles in the container empties /tmp at boot and ages /var/tmp). /opt/swift is always bound
#   read-only when present, because Swift binaries have RUNPATH /opt/swift/usr/lib/swift/linux.
# Everything else (/tmp, /run, /home) is a tmpfs of the container and disappears at reboot.
# /etc starts empty apart from a seeded machine-id (=> no first boot: no systemd-firstboot
# prompt, no preset-all), hosts and nsswitch.conf, so NO host service (postgresql...) is
# enabled: only static units from /usr/lib/systemd/system run. Boot target: multi-user.target
# (kernel-cmdline-style args after the nspawn command: systemd.unit=multi-user.target
# systemd.getty_auto=0 systemd.firstboot=off). Units you enable in /etc/systemd/system survive
# `reboot` (implemented by a restart loop on nspawn's exit status 133).
# NETWORK: no --private-network, so the container SHARES THE HOST NETWORK NAMESPACE: a service
# listening on 127.0.0.1:PORT inside is reachable from the host, and ports can collide.
# nspawn grants no CAP_NET_ADMIN without a private network, so nothing inside can reconfigure
# host networking (and /proc/sys is read-only).
# Machine registration is off (--register=no --keep-unit: no machined/D-Bus on this host), so
# machinectl / systemd-run --machine do not work; `exec` = nsenter into the namespaces of the
# container's PID 1 + `systemd-run --pipe --wait` there (command runs as a transient unit with
# HOME/USER/LOGNAME/SHELL, LANG=C.UTF-8, cwd = your cwd if it exists inside, else /root).
# systemd-run expands $VAR in the command line, so `exec` doubles every '$' for you.
# BOOTED_SYSTEMD_EXEC=nsenter makes `exec` a plain nsenter (env -i, stays in the host cgroup).
# cgroups: each container lives in /sys/fs/cgroup/{systemd,unified}/booted-systemd/NAME
# (nspawn adds payload/ and supervisor/ below); `stop` kills what is left there BY PID, rmdirs it.
#
# VERIFIED 2026-11-28 on Debian 12, kernel 6.18 Firecracker VM, 2 cores, hybrid cgroups:
#   systemd 252 (252.39-1~deb12u2) as PID 1; cgroup mode inside: HYBRID (v1 controllers +
#   name=systemd v1 at /sys/fs/cgroup/systemd, cgroup2 at /sys/fs/cgroup/unified)
#   `start` to `running` with 0 failed units: 0.62-0.66 s wall (systemd-analyze: ~0.44 s
#   userspace); `reboot` 0.8-0.9 s. Running services: journald, dbus, logind only.
#   memory: ~21 MB PSS for the 6 processes (runner bash, nspawn, systemd, journald, dbus,
#   logind), <100 kB of tmpfs. The memory is charged to the caller's memory cgroup.
#   journald works (journalctl -u UNIT, -b -1 after reboot); generators in
#   /etc/systemd/system-generators and /usr/local/lib/systemd/system-generators run at boot
#   and at daemon-reload (their units show in systemctl cat); a unit enabled into
#   multi-user.target is active after `reboot` and its 127.0.0.1 port answers from the host;
#   host /tmp, /etc/systemd/system and /usr/local are untouched.
# LIMITS: no machinectl; /proc/sys and /sys read-only (systemd-sysctl/binfmt/modules-load are
#   skipped by their conditions); "Failed to create symlink /sys/fs/cgroup/cpu" lines at boot
#   and nspawn's "Attempted to remove disk file system under /run/systemd/nspawn/propagate"
#   at exit are harmless (this host mounts cpu/cpuacct separately; /run is not a tmpfs here).
#   `exec NAME systemctl reboot` may print "Failed to query unit state: Connection reset by
#   peer" (the transient unit dies with the manager); follow it with `wait NAME OLDPID`.
#   `stop` deletes the state, so persistence holds across reboot, not across stop/start.
#   On a timeout `start` leaves the container up for inspection: run `stop`.
set -euo pipefail
BASE=/run/booted-systemd
SELF=$(readlink -f "$0")
CGS=(/sys/fs/cgroup/systemd /sys/fs/cgroup/unified)   # hierarchies nspawn uses on a hybrid host
[ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] ||
  { echo "booted-systemd: written for a hybrid cgroup host (/sys/fs/cgroup/unified); adapt CGS" >&2; exit 1; }
INPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
die() { echo "booted-systemd: $*" >&2; exit 1; }
[ $# -ge 2 ] || { sed -n '13,22p' "$SELF" | cut -c3- >&2; exit 2; }
CMD=$1 NAME=$2; shift 2
[[ $NAME =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$ ]] || die "bad NAME '$NAME'"
D=$BASE/$NAME

leader() {   # container PID 1 = child of nspawn whose innermost PID is 1
  local p c; p=$(cat "$D/nspawn.pid" 2>/dev/null) || return 1
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
    grep -qE '^NSpid:.*[[:space:]]1$' /proc/"$c"/status 2>/dev/null && { echo "$c"; return 0; }
  done; return 1
}
nsrun() {    # plain nsenter into all namespaces of the container's PID 1
  local l; l=$(leader) || die "$NAME is not running"
  nsenter -t "$l" -m -u -i -n -p -C -r -w env -i PATH=$INPATH LANG=C.UTF-8 HOME=/root "$@"
}
since_t0() { awk -v a="$(cat "$D/t0")" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }
cgprocs() { find "${CGS[@]/%//booted-systemd/$NAME}" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un; }
ours() { [[ " $(cgprocs | tr '\n' ' ') " == *" ${1:-x} "* ]]; }   # PID alive in our cgroup?
wait_running() {  # $1 = timeout s, $2 = PID that must no longer be the leader (reboot)
  local i s l
  for ((i = 0; i < $1 * 5; i++)); do
    ours "$(cat "$D/runner.pid" 2>/dev/null)" || { tail -20 "$D/console.log" >&2; die "$NAME died"; }
    if l=$(leader) && [ "$l" != "${2:-}" ]; then
      s=$(nsrun systemctl is-system-running 2>/dev/null || true)
      case $s in running|degraded) echo "$l"; return 0;; esac
    fi; sleep 0.2
  done; die "$NAME not running after $1 s (state: ${s:-none}); see $D/console.log"
}

case $CMD in
start)
  [ -z "$(cgprocs)" ] || die "$NAME is running (or has leftover processes: run stop)"
  args=(--quiet --settings=no --directory=/ --volatile=yes --boot --machine="$NAME"
        --register=no --keep-unit --console=read-only --link-journal=no
        --bind="$D/state/etc:/etc" --bind="$D/state/var:/var" --bind="$D/state/root:/root"
        --overlay="/usr/local:$D/state/usr-local:/usr/local")
  [ -d /opt/swift ] && args+=(--bind-ro=/opt/swift)
  while [ $# -gt 0 ]; do
    case $1 in --bind|--bind-ro) [ $# -ge 2 ] || die "$1 needs an argument";;
      *) die "unknown option $1";; esac
    src=${2%%:*} dst=${2#*:}; [ "$dst" = "$2" ] && dst=$src
    dst=$(realpath -m -s -- "$dst")   # lexical normalisation (//, /./) of the container path
    [ -e "$src" ] && [[ $src == /* && $dst == /* && $src != *..* && $dst != *..* ]] \
      || die "bad bind '$2' (absolute existing HOSTPATH[:CTPATH] needed)"
    case ${dst%/}/ in /|/tmp/*|/var/*|/run/*|/etc/*|/usr/*|/dev/*|/proc/*|/sys/*)
      die "refusing bind target '$dst' (system/volatile path)";; esac
    args+=("$1=$src:$dst"); shift 2
  done
  mkdir -p "$D"/state/{etc/systemd/system,var/log/journal,usr-local} && mkdir -p -m 0700 "$D/state/root"
  E=$D/state/etc
  [ -s "$E/machine-id" ] || systemd-id128 new > "$E/machine-id"  # no first boot, no presets
  [ -e "$E/hosts" ] || printf '127.0.0.1 localhost\n127.0.1.1 %s\n::1 localhost ip6-localhost\n' "$NAME" > "$E/hosts"
  [ -e "$E/nsswitch.conf" ] || printf 'passwd: files systemd\ngroup: files systemd\nshadow: files\nhosts: files dns\n' > "$E/nsswitch.conf"
  args+=(-- systemd.unit=multi-user.target systemd.getty_auto=0 systemd.firstboot=off)
  printf '%s\0' "${args[@]}" > "$D/args"
  for c in "${CGS[@]}"; do mkdir -p "$c/booted-systemd/$NAME"; done
  rm -f "$D/stopping" "$D/nspawn.pid"; date +%s.%N > "$D/t0"
  setsid -f "$SELF" _run "$NAME" </dev/null >>"$D/console.log" 2>&1
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$D/runner.pid" ] && break; sleep 0.1; done
  l=$(wait_running 30)
  echo "booted $NAME in $(since_t0) s, leader PID:" >&2
  echo "$l";;
_run)   # internal: the background supervisor loop (restarts nspawn after a reboot, rc 133)
  for c in "${CGS[@]}"; do echo $$ > "$c/booted-systemd/$NAME/cgroup.procs"; done
  echo $$ > "$D/runner.pid"
  mapfile -d '' args < "$D/args"
  while :; do
    echo "=== $(date -Is) systemd-nspawn starting"
    systemd-nspawn "${args[@]}" & echo $! > "$D/nspawn.pid"
    rc=0; wait $! || rc=$?
    echo "=== $(date -Is) systemd-nspawn exited with $rc"
    [ "$rc" = 133 ] && [ ! -e "$D/stopping" ] || break
    rmdir "/run/systemd/nspawn/propagate/$NAME" 2>/dev/null || true
  done
  rm -f "$D/runner.pid";;
exec)
  [ $# -ge 1 ] || die "exec needs a command"
  if [ "${BOOTED_SYSTEMD_EXEC:-}" = nsenter ]; then nsrun "$@"; exit; fi
  l=$(leader) || die "$NAME is not running"
  wd=/root; [ -d "/proc/$l/root$PWD" ] && wd=$PWD
  io=--pipe; [ -t 0 ] && [ -t 1 ] && io=--pty
  esc=(); for a in "$@"; do esc+=("${a//\$/\$\$}"); done
  nsrun systemd-run --quiet --wait --collect --service-type=exec "$io" -p User=root \
    -E LANG=C.UTF-8 ${TERM:+-E TERM=$TERM} --working-directory="$wd" -- "${esc[@]}";;
reboot)
  old=$(leader) || die "$NAME is not running"; date +%s.%N > "$D/t0"
  nsrun systemctl reboot
  l=$(wait_running 60 "$old")
  echo "rebooted $NAME in $(since_t0) s, leader PID:" >&2
  echo "$l";;
wait)   # after the tool itself ran `systemctl reboot`: wait [OLD_LEADER] until running again
  wait_running 60 "${1:-}";;
info)
  l=$(leader) || die "$NAME is not running"
  pss=0; for p in $(cgprocs); do
    v=$(awk '/^Pss:/{print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || true); pss=$((pss + ${v:-0})); done
  echo "leader=$l state=$(nsrun systemctl is-system-running || true) procs=$(cgprocs | wc -l)" \
       "pss_kB=$pss tmpfs_kB=$(nsrun df -k --output=used / /run /tmp | awk 'NR>1{s+=$1} END{print s}')";;
stop)
  [ -d "$D" ] || { echo "booted-systemd: $NAME: nothing to stop" >&2; exit 0; }
  touch "$D/stopping"
  p=$(cat "$D/nspawn.pid" 2>/dev/null || true)
  if ours "$p"; then
    kill -TERM "$p"   # nspawn forwards SIGRTMIN+3 to the container's PID 1 = clean shutdown
  else                # nspawn gone (killed?): signal the orphaned container systemd directly
    for l in $(cat "${CGS[0]}/booted-systemd/$NAME/payload/init.scope/cgroup.procs" 2>/dev/null); do
      kill -RTMIN+3 "$l" || true; done
  fi
  for ((i = 0; i < 150; i++)); do [ -z "$(cgprocs)" ] && break; sleep 0.2; done
  left=$(cgprocs)
  if [ -n "$left" ]; then echo "booted-systemd: killing leftover PIDs:" $left >&2
    kill -KILL $left 2>/dev/null || true; sleep 0.5; fi
  [ -z "$(cgprocs)" ] || die "processes still in cgroup of $NAME: $(cgprocs | tr '\n' ' ')"
  for c in "${CGS[@]}"; do
    [ -d "$c/booted-systemd/$NAME" ] && find "$c/booted-systemd/$NAME" -depth -type d -exec rmdir {} +
    rmdir "$c/booted-systemd" 2>/dev/null || true; done
  rmdir "/run/systemd/nspawn/propagate/$NAME" 2>/dev/null || true
  grep -qE " $D(/| )" /proc/self/mountinfo && die "mounts left under $D"
  last=$(grep -a '^=== .*exited with' "$D/console.log" | tail -1 || true)
  rm -rf --one-file-system "$D"; rmdir "$BASE" 2>/dev/null || true
  echo "stopped $NAME (${last#=== })" >&2;;
*) die "unknown command '$CMD' (start|exec|reboot|wait|stop|info)";;
esac; exit   # same line as esac: a running _run loop never reads this file again (safe to edit)

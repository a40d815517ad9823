#!/usr/bin/env bash
# Install what cgipool needs on a Debian machine, when it is missing (needs root for apt-get).
#   libsystemd-dev + pkg-config  the sd-bus headers the build links against
#   systemd                      the manager cgipool runs privately, and systemd-analyze
#   dbus-user-session            the private manager's user bus socket
#   util-linux                   unshare (the private manager's mount namespace)
#   python3 + curl               the demo pool, and trying it
#   libcurl4                     https health checks (cgipool loads libcurl only when one runs)
#   libcurl4-openssl-dev         headers only: the build checks the libcurl constants it uses
#   systemd-journal-remote       writes the real journal files the journal reader's tests read
#   systemd-container            systemd-nspawn: the tests boot a real systemd as PID 1 (ops/testbed)
#   openssh-client               ssh: cgipool --host (sd-bus's remote transport runs it)
#   openssh-server               sshd in the booted test containers (pool across hosts); never
#                                started on this machine by the install (see policy-rc.d below)
#   apache2-utils                ab: the bounded load of `make soak` (ops/soak/soak.py)
#   groff-base                   the man page test renders cgipool.1 with groff and expects no warnings
#   libpam-systemd               pam_systemd: a lingering user's manager in the booted test container
#                                (user@UID.service) gets its XDG_RUNTIME_DIR from it
# and from PyPI:
#   jsonschema                   the tests validate the fixtures against schema/process_config.schema.json with it
set -euo pipefail
packages=(libsystemd-dev pkg-config systemd systemd-journal-remote systemd-container dbus-user-session util-linux python3 curl libcurl4 libcurl4-openssl-dev procps openssh-client openssh-server groff-base apache2-utils libpam-systemd)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "==> installing jsonschema (PyPI)"
  python3 -m pip install -q jsonschema || echo "install-deps.sh: pip install jsonschema failed; the schema tests will say so" >&2
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "==> installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "install-deps.sh: run as root, or install: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Where no init policy exists, one that refuses service starts is in place for the install, so
# openssh-server's post-install does not start an sshd on this machine's port 22.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/bin/sh
# testbed-sshd.sh PORT AUTHORIZED_KEY - run INSIDE a booted testbed container (as root): make it
# reachable as root@127.0.0.1:PORT over ssh with that one public key, nothing else.
# The testbed's /etc starts almost empty, so this creates what Debian's openssh-server package
# would: a host key, the privilege-separation user and folder, and a config. sshd runs as the
# transient unit i16-sshd.service (Type=exec, in the foreground), listening on 127.0.0.1 only:
# the container shares the host's network, so PORT must be free there (never 22).
set -eu
port=$1 key=$2
mkdir -p /etc/ssh /run/sshd
chmod 0755 /run/sshd
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
grep -q '^sshd:' /etc/passwd || echo 'sshd:x:102:65534::/run/sshd:/usr/sbin/nologin' >> /etc/passwd
# The seeded shadow locks root ("!*"); without PAM sshd refuses a locked account even for keys.
sed -i 's/^root:!\*:/root:*:/' /etc/shadow
printf '%s\n' "$key" > /etc/ssh/authorized_keys
cat > /etc/ssh/sshd_config <<CONFIG
Port $port
ListenAddress 127.0.0.1
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile /etc/ssh/authorized_keys
StrictModes no
UsePAM no
PidFile none
MaxStartups 100
CONFIG
systemctl stop i16-sshd.service 2>/dev/null || true
systemctl reset-failed i16-sshd.service 2>/dev/null || true
systemd-run --quiet --unit=i16-sshd --property=Type=exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config
cat /etc/ssh/ssh_host_ed25519_key.pub

#!/usr/bin/env python3
"""Start N idle `sleep` processes in this process's own group, print `ready PGID`, then wait.

Run it with start_new_session so the group holds nothing else; the harness ends every sleeper at
once with killpg(PGID). Without a signal it exits after --lifetime seconds anyway (default 900),
taking its sleepers with it, so a crashed harness cannot leave them behind for long.
"""
import os
import signal
import sys
import time

count = int(sys.argv[1])
lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 900
# Reap children as they exit so the group never fills with zombies.
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
pids = []
for _ in range(count):
  pids.append(os.posix_spawn("/bin/sleep", ["sleep", str(int(lifetime) + 60)], os.environ))
print(f"ready {os.getpgrp()} {len(pids)}", flush=True)
deadline = time.monotonic() + lifetime
while time.monotonic() < deadline:
  time.sleep(1)
os.killpg(os.getpgrp(), signal.SIGTERM)

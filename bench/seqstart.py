#!/usr/bin/env python3
"""Sequential starter: the baseline the original Python pool manager stands for.

`seqstart.py start CONFIG PIDFILE` starts each process of a cgipool process_config.json in
dependency order, waiting after each until its port health check answers (polling every 10 ms)
before starting the next, then writes the PIDs (in start order) to PIDFILE and exits; the
processes run in a new process group whose id is the first line of PIDFILE.
`seqstart.py parallel CONFIG PIDFILE` is the machine's floor instead: it starts every process at
once, ignoring depends_on, then waits until every port answers; `seqstart.py stop-parallel PIDFILE`
sends SIGTERM to all at once and waits until all are gone.
`seqstart.py stop PIDFILE` stops them one by one in reverse order: SIGTERM, then wait until the
process is gone (SIGKILL after 10 s) before the next.
Only `port` health checks are understood; processes without one are started without waiting.
"""
import json
import os
import signal
import socket
import sys
import time

POLL = 0.010
HEALTH_TIMEOUT = 30.0


def order(processes):
  """Dependency order: a process after all of its depends_on, ties by name (like `cgipool check`)."""
  done, result = set(), []
  pending = sorted(processes)
  while pending:
    ready = [n for n in pending if set(processes[n].get("depends_on", [])) <= done]
    if not ready:
      raise SystemExit("dependency cycle")
    for name in ready:
      result.append(name)
    done.update(ready)
    pending = [n for n in pending if n not in done]
  return result


def port_answers(host, port):
  try:
    with socket.create_connection((host, port), timeout=0.5):
      return True
  except OSError:
    return False


def start(config_path, pid_path, parallel=False):
  with open(config_path) as f:
    config = json.load(f)
  base = os.path.dirname(os.path.abspath(config_path))
  processes = config["processes"]
  pids, pgid = [], None
  waits = []
  for name in order(processes):
    spec = processes[name]
    cwd = os.path.join(base, spec.get("cwd", "."))
    env = dict(os.environ, **spec.get("env", {}))
    # The first process leads a new process group, the others join it, so one killpg ends all.
    def join_group(leader=pgid):
      os.setpgid(0, leader or 0)
    pid = os.fork()
    if pid == 0:
      try:
        join_group()
        os.chdir(cwd)
        os.execvpe(spec["command"][0], spec["command"], env)
      finally:
        os._exit(127)
    if pgid is None:
      pgid = pid
    try:
      # Also from the parent, so the group exists before the next child tries to join it.
      os.setpgid(pid, pgid)
    except OSError:
      pass
    pids.append(pid)
    check = spec.get("health_check")
    if check and check.get("type") == "port":
      host, _, port = check["target"].rpartition(":")
      if parallel:
        waits.append((name, host, port))
        continue
      deadline = time.monotonic() + HEALTH_TIMEOUT
      while not port_answers(host or "127.0.0.1", int(port)):
        if time.monotonic() > deadline:
          raise SystemExit(f"{name}: port {check['target']} did not answer")
        time.sleep(POLL)
  deadline = time.monotonic() + HEALTH_TIMEOUT
  for name, host, port in waits:
    while not port_answers(host or "127.0.0.1", int(port)):
      if time.monotonic() > deadline:
        raise SystemExit(f"{name}: port {port} did not answer")
      time.sleep(POLL / 5)
  with open(pid_path, "w") as f:
    f.write("\n".join(str(p) for p in [pgid] + pids) + "\n")


def alive(pid):
  try:
    os.kill(pid, 0)
  except ProcessLookupError:
    return False
  # An exited child of a dead parent may linger as a zombie until init reaps it: count it as gone.
  try:
    with open(f"/proc/{pid}/stat") as f:
      return f.read().rsplit(")", 1)[1].split()[0] != "Z"
  except OSError:
    return False


def stop(pid_path):
  with open(pid_path) as f:
    numbers = [int(line) for line in f if line.strip()]
  for pid in reversed(numbers[1:]):
    try:
      os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
      continue
    deadline = time.monotonic() + 10
    while alive(pid):
      if time.monotonic() > deadline:
        os.kill(pid, signal.SIGKILL)
      time.sleep(0.002)


def stop_parallel(pid_path):
  with open(pid_path) as f:
    numbers = [int(line) for line in f if line.strip()]
  for pid in numbers[1:]:
    try:
      os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
      pass
  deadline = time.monotonic() + 10
  while any(alive(pid) for pid in numbers[1:]):
    if time.monotonic() > deadline:
      os.killpg(numbers[0], signal.SIGKILL)
    time.sleep(0.002)


if __name__ == "__main__":
  if len(sys.argv) == 4 and sys.argv[1] in ("start", "parallel"):
    start(sys.argv[2], sys.argv[3], parallel=sys.argv[1] == "parallel")
  elif len(sys.argv) == 3 and sys.argv[1] == "stop-parallel":
    stop_parallel(sys.argv[2])
  elif len(sys.argv) == 3 and sys.argv[1] == "stop":
    stop(sys.argv[2])
  else:
    raise SystemExit(__doc__)

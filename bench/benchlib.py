"""Helpers shared by the benchmark scenarios: timing children, statistics, ports, cleanup."""
import json
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.environ.get("CGIPOOL_BIN", os.path.join(ROOT, ".build", "release", "cgipool"))
WORK = os.environ.get("BENCH_WORK") or os.path.join(HERE, ".work")
RUNTIME = os.environ.get("CGIPOOL_RUNTIME_DIR", "")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else os.path.realpath(
  subprocess.run(["sh", "-c", "command -v python3"], capture_output=True, text=True).stdout.strip())
# Process groups this harness started; run.sh kills the same list on exit should Python die first.
GROUPS_FILE = os.path.join(WORK, "pgids")


def log(message):
  print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env(**extra):
  """The environment for cgipool and systemctl: the harness's private manager, nothing of the host's."""
  result = dict(os.environ)
  result["XDG_RUNTIME_DIR"] = RUNTIME
  result["CGIPOOL_RUNTIME_DIR"] = RUNTIME
  result.pop("DBUS_SESSION_BUS_ADDRESS", None)
  result.update(extra)
  return result


def timed(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, environ=None, input_fd=None,
          timeout=120, check=True):
  """Run cmd and return wall seconds, user/sys CPU seconds and peak RSS (KiB) of the child (wait4)."""
  # Output goes to temporary files, not pipes: a child that leaves daemons behind (seqstart,
  # supervisord) would otherwise hold the pipe open and block the read forever.
  out_file = tempfile.TemporaryFile() if stdout == subprocess.PIPE else None
  err_file = tempfile.TemporaryFile() if stderr == subprocess.PIPE else None
  start = time.perf_counter()
  child = subprocess.Popen(cmd, stdout=out_file or stdout, stderr=err_file or stderr, env=environ or env(),
                           stdin=subprocess.DEVNULL)
  deadline = time.monotonic() + timeout
  while True:
    pid, status, usage = os.wait4(child.pid, os.WNOHANG)
    if pid:
      break
    if time.monotonic() > deadline:
      child.kill()
      pid, status, usage = os.wait4(child.pid, 0)
      raise RuntimeError(f"timed out after {timeout}s: {' '.join(cmd)}")
    time.sleep(0.0005)
  wall = time.perf_counter() - start
  child.returncode = os.waitstatus_to_exitcode(status)
  def contents(file):
    if not file:
      return ""
    file.seek(0)
    text = file.read().decode(errors="replace")
    file.close()
    return text
  err, out = contents(err_file), contents(out_file)
  if check and child.returncode != 0:
    raise RuntimeError(f"exit {child.returncode}: {' '.join(cmd)}\n{err.strip()[:2000]}")
  return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime, "maxrss_kib": usage.ru_maxrss,
          "rc": child.returncode, "stdout": out, "stderr": err}


def stats(values, unit="s"):
  """Median, min, max and p95 (nearest rank) of the samples."""
  values = sorted(values)
  if not values:
    return {"n": 0}
  p95 = values[min(len(values) - 1, max(0, int(round(0.95 * len(values) + 0.5)) - 1))]
  return {"n": len(values), "median": statistics.median(values), "min": values[0], "max": values[-1],
          "p95": p95, "unit": unit}


def port_answers(port, host="127.0.0.1"):
  try:
    with socket.create_connection((host, port), timeout=0.2):
      return True
  except OSError:
    return False


def wait_ports(ports, timeout=60.0, poll=0.002):
  """Wait until every port answers; returns time.perf_counter() when the last one did.

  wait_ports.first_pass says whether every port already answered on the first check.
  """
  pending = set(ports)
  wait_ports.first_pass = True
  deadline = time.monotonic() + timeout
  while pending:
    pending = {p for p in pending if not port_answers(p)}
    if not pending:
      break
    wait_ports.first_pass = False
    if time.monotonic() > deadline:
      raise RuntimeError(f"ports never answered: {sorted(pending)[:10]}")
    time.sleep(poll)
  return time.perf_counter()


def alive(pid):
  try:
    with open(f"/proc/{pid}/stat") as f:
      return f.read().rsplit(")", 1)[1].split()[0] != "Z"
  except OSError:
    return False


def wait_gone(pids, timeout=60.0, poll=0.002):
  """Wait until none of the PIDs runs; returns time.perf_counter() then."""
  pending = set(pids)
  deadline = time.monotonic() + timeout
  while pending:
    pending = {p for p in pending if alive(p)}
    if not pending:
      break
    if time.monotonic() > deadline:
      raise RuntimeError(f"processes still running: {sorted(pending)[:10]}")
    time.sleep(poll)
  return time.perf_counter()


def remember_group(pgid):
  os.makedirs(WORK, exist_ok=True)
  with open(GROUPS_FILE, "a") as f:
    f.write(f"{pgid}\n")


def end_group(pgid):
  """SIGTERM, then SIGKILL, a process group this harness started."""
  for sig in (signal.SIGTERM, signal.SIGKILL):
    try:
      os.killpg(pgid, sig)
    except ProcessLookupError:
      return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
      try:
        os.killpg(pgid, 0)
      except ProcessLookupError:
        return
      time.sleep(0.05)


def systemctl(*args, check=True, capture=True):
  result = subprocess.run(["systemctl", "--user", "--no-pager", *args], env=env(),
                          capture_output=capture, text=True)
  if check and result.returncode != 0:
    raise RuntimeError(f"systemctl {' '.join(args)}: {result.stderr.strip()}")
  return result


def show_property(units, prop):
  """One systemd property of many units with a single `systemctl show` call."""
  out = systemctl("show", "-p", prop, *units).stdout
  values = [line.split("=", 1)[1] for line in out.splitlines() if line.startswith(prop + "=")]
  return dict(zip(units, values))


def read_service_log(path):
  """Events of svc.py: {name: {"start": t, "bind": t, "term": t, "exit": t, "pid": pid}}."""
  events = {}
  if not os.path.exists(path):
    return events
  with open(path) as f:
    for line in f:
      parts = line.split()
      if len(parts) != 4:
        continue
      kind, stamp, pid, name = parts
      entry = events.setdefault(name, {})
      entry[kind] = float(stamp)
      entry["pid"] = int(pid)
  return events


def cgipool_processes():
  """Running processes whose executable is the cgipool binary, as (pid, command line)."""
  target = os.path.realpath(BIN)
  found = []
  for entry in os.listdir("/proc"):
    if not entry.isdigit() or int(entry) == os.getpid():
      continue
    try:
      if os.path.realpath(f"/proc/{entry}/exe") != target:
        continue
      with open(f"/proc/{entry}/cmdline", "rb") as f:
        found.append((int(entry), f.read().replace(b"\0", b" ").decode().strip()))
    except OSError:
      continue
  return found


def rss_kib(pid):
  """VmRSS of a running process in KiB (0 when gone)."""
  try:
    with open(f"/proc/{pid}/status") as f:
      for line in f:
        if line.startswith("VmRSS:"):
          return int(line.split()[1])
  except OSError:
    pass
  return 0


def has_subcommand(*words):
  """Whether `cgipool WORDS --help` succeeds, i.e. the subcommand exists in this build."""
  result = subprocess.run([BIN, *words, "--help"], capture_output=True, text=True, env=env())
  return result.returncode == 0 and "USAGE: cgipool " + " ".join(words) in result.stdout


def help_text(*words):
  return subprocess.run([BIN, *words, "--help"], capture_output=True, text=True, env=env()).stdout


def write_json(path, value):
  with open(path, "w") as f:
    json.dump(value, f, indent=2, sort_keys=True)
    f.write("\n")

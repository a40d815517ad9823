"""Serving under faults (issue 12): failed requests and latency through the demo's proxy while a
worker group rolls, the proxy restarts, the whole pool restarts, or one worker replica is killed
with SIGKILL, side by side in one run:

- `held`: cgipool, every process with `listen` (systemd holds the ports; 2 replicas per worker
  group share their group's port through one socket per instance, `ReusePort=`),
- `bound`: the same pool without `listen` (each process binds its own port, as before `listen`),
  so each replica has a port of its own,
- `supervisord`: supervisord running the same programs (`numprocs` for the replicas, a port per
  replica as in `bound`), restarted with `supervisorctl restart`.

The programs are the demo's (ops/demo: two CGI worker groups, the pool manager, the proxy), on
ports of the bench's own (29100-29399, never the demo's), in configs written here. The load is
`ab -c 4` (keep-alive off) against the proxy for a fixed window; the fault starts 0.5 s into it.
All three pools run for the whole scenario, and every run goes through every scenario and, within
it, through the three variants one after another, so the variants see the same machine.

What ab reports is parsed from its verbose output (`-v 2`), because its own "Failed requests" counts
a refused connection two or three times (as a receive, a length and an exception error): here a
request failed when it got no 2xx answer (refused, reset, timed out, or a 5xx from the proxy).
The latency percentiles are ab's (`-e`), over every request it made, failed ones included.
"""
import fcntl
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import time
import urllib.request

from benchlib import (BIN, HERE, PYTHON, ROOT, WORK, end_group, env, log, remember_group, systemctl, timed)

DEMO = os.path.join(ROOT, "ops", "demo")
SUPERVISORD = os.path.join(HERE, ".venv", "bin", "supervisord")
SUPERVISORCTL = os.path.join(HERE, ".venv", "bin", "supervisorctl")
VARIANTS = ("held", "bound", "supervisord")
LABELS = {"held": "cgipool, `listen`", "bound": "cgipool, no `listen`", "supervisord": "supervisord"}
# Each variant has 100 ports of its own, below the ephemeral range and away from the other
# scenarios' (pool-40 28100-28140, liveness 30000 and up) and the demo's (8080, 8001, 9001, 9002).
BASES = {"held": 29100, "bound": 29200, "supervisord": 29300}
REPLICAS = 2
CONCURRENCY = 4
REQUEST = "/cgi-bin/echo.cgi"
SCENARIOS = ("baseline", "rolling", "proxy", "pool", "kill")
SCENARIO_LABELS = {
  "baseline": "no fault (baseline)",
  "rolling": "rolling restart of a worker group",
  "proxy": "restart of the proxy",
  "pool": "restart of the whole pool",
  "kill": "`kill -9` of one worker replica",
}
GROUPS = ("sample_hello", "sample_time")
SCRIPTS = {"sample_hello": "workers/sample_hello_cgi.py", "sample_time": "workers/sample_time_cgi.py"}


def has_health_port():
  """Whether the demo servers take --health-port (a port of their own for health checks)."""
  with open(os.path.join(DEMO, "serving.py")) as f:
    return "--health-port" in f.read()


def layout(variant):
  """The ports of one variant. Held groups share one port; unheld replicas have one each."""
  b = BASES[variant]
  prefix = str(b // 100)  # "291" for 29100
  return {
    "proxy": b, "manager": b + 1,
    "group": {"sample_hello": b + 2, "sample_time": b + 3},
    # Per replica, as a template and as the ports it gives: 29211, 29212 for sample_hello.
    "replica": {"sample_hello": prefix + "1{replica}", "sample_time": prefix + "2{replica}"},
    # --health-port of the held variant's processes (ports they bind themselves).
    "health": {"sample_hello": prefix + "5{replica}", "sample_time": prefix + "6{replica}",
               "manager": b + 71, "proxy": b + 72},
  }


def replica_ports(template):
  return [int(template.replace("{replica}", str(i))) for i in range(1, REPLICAS + 1)]


def worker_urls(variant):
  """NAME=URL pairs the pool manager gets: one per group when held, one per replica otherwise."""
  ports = layout(variant)
  if variant == "held":
    return [f"{g}=http://127.0.0.1:{ports['group'][g]}" for g in GROUPS]
  return [f"{g}-{i}=http://127.0.0.1:{port}" for g in GROUPS
          for i, port in enumerate(replica_ports(ports["replica"][g]), start=1)]


def manager_command(variant, port):
  command = [PYTHON, "pool/manager.py", "--port", str(port), "--interval", "1"]
  for pair in worker_urls(variant):
    command += ["--worker", pair]
  return command


def http_check(url):
  return {"type": "http", "target": url, "timeout": 10, "interval": 5}


def get_check(url):
  """A command check that needs an HTTP answer (for a held port, before --health-port existed)."""
  script = f"import urllib.request; urllib.request.urlopen({url!r}, timeout=2)"
  return {"type": "command", "target": f"{PYTHON} -c \"{script}\"", "timeout": 10, "interval": 5}


def cgipool_config(variant, path):
  """The demo's programs as a cgipool pool, with (held) or without (bound) `listen`."""
  ports = layout(variant)
  held = variant == "held"
  health_port = held and has_health_port()
  processes = {}
  for group in GROUPS:
    port = ports["group"][group] if held else ports["replica"][group]
    command = [PYTHON, SCRIPTS[group], "--port", str(port), "--name", group + "-{replica}"]
    spec = {"command": command, "cwd": DEMO, "env": {"CGI_TIMEOUT": "10"}, "replicas": REPLICAS,
            "restart_policy": "on-failure", "stop_timeout": 5}
    if held:
      spec["listen"] = f"127.0.0.1:{port}"
      if health_port:
        command += ["--health-port", ports["health"][group]]
        spec["health_check"] = http_check(f"http://127.0.0.1:{ports['health'][group]}/health")
      else:
        spec["health_check"] = get_check(f"http://127.0.0.1:{port}/health")
    else:
      spec["health_check"] = {"type": "port", "target": f"127.0.0.1:{port}", "timeout": 10, "interval": 5}
    processes[group] = spec
  for name, command in (
      ("pool_manager", manager_command(variant, ports["manager"])),
      ("proxy", [PYTHON, "proxy/proxy.py", "--port", str(ports["proxy"]),
                 "--manager", f"http://127.0.0.1:{ports['manager']}"])):
    key = "manager" if name == "pool_manager" else "proxy"
    spec = {"command": command, "cwd": DEMO, "restart_policy": "always", "stop_timeout": 5,
            "depends_on": list(GROUPS) if name == "pool_manager" else ["pool_manager"]}
    if held:
      spec["listen"] = f"127.0.0.1:{ports[key]}"
      if health_port:
        command += ["--health-port", str(ports["health"][key])]
        spec["health_check"] = http_check(f"http://127.0.0.1:{ports['health'][key]}/health")
      else:
        spec["health_check"] = get_check(f"http://127.0.0.1:{ports[key]}/health")
    else:
      spec["health_check"] = http_check(f"http://127.0.0.1:{ports[key]}/health")
    processes[name] = spec
  config = {"name": f"i17-{variant}", "processes": processes}
  with open(path, "w") as f:
    json.dump(config, f, indent=1)
  return config


def supervisord_config(path, sock, pidfile, logfile):
  """The same programs under supervisord: numprocs for the replicas, one port per replica."""
  ports = layout("supervisord")
  lines = ["[unix_http_server]", f"file={sock}", "", "[supervisord]", f"pidfile={pidfile}",
           f"logfile={logfile}", "loglevel=warn", "", "[rpcinterface:supervisor]",
           "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
           "[supervisorctl]", f"serverurl=unix://{sock}", ""]
  # supervisord cannot wait for health: priority only orders the start (and the reverse stop).
  common = [f"directory={DEMO}", "autostart=true", "autorestart=true", "startsecs=1", "stopwaitsecs=5",
            "stopsignal=TERM", "killasgroup=true", "stdout_logfile=NONE", "stderr_logfile=NONE"]
  for group in GROUPS:
    port = ports["replica"][group].replace("{replica}", "%(process_num)d")
    lines += [f"[program:{group}]",
              f"command={PYTHON} {SCRIPTS[group]} --port {port} --name {group}-%(process_num)d",
              f"process_name=%(program_name)s_%(process_num)d", f"numprocs={REPLICAS}", "numprocs_start=1",
              "priority=100", "environment=CGI_TIMEOUT=\"10\"", *common, ""]
  lines += ["[program:pool_manager]", "command=" + " ".join(manager_command("supervisord", ports["manager"])),
            "priority=200", *common, "",
            "[program:proxy]", f"command={PYTHON} proxy/proxy.py --port {ports['proxy']} "
            f"--manager http://127.0.0.1:{ports['manager']}", "priority=300", *common, ""]
  with open(path, "w") as f:
    f.write("\n".join(lines))


# ---------------------------------------------------------------- the pools

def cgipool_env():
  """The environment for cgipool commands: the private manager, chosen as such.

  With XDG_RUNTIME_DIR pointing at the private manager's runtime folder (what systemctl --user
  needs), cgipool's automatic choice takes that manager for "the user manager" and compiles the
  units without a bus address (before 6a11660, `cgipool gate` run as root then asked the system
  bus and every dependent was skipped). Without the variable cgipool finds its private manager
  through CGIPOOL_RUNTIME_DIR and compiles its address in: the set-up the pool is meant to run in.
  """
  result = env()
  result.pop("XDG_RUNTIME_DIR", None)
  return result


class CgipoolPool:
  def __init__(self, variant):
    self.variant = variant
    self.path = os.path.join(WORK, f"serving-{variant}.json")
    self.config = cgipool_config(variant, self.path)
    self.pool = self.config["name"]
    self.expected_workers = len(worker_urls(variant))

  def cgipool(self, *args, timeout=120, check=True):
    result = timed([BIN, *args, "--config", self.path], stdout=subprocess.PIPE, environ=cgipool_env(),
                   timeout=timeout, check=False)
    if check and result["rc"] != 0:
      # cgipool says what went wrong on stdout and stderr both (the start's progress is stdout).
      raise RuntimeError(f"exit {result['rc']}: cgipool {' '.join(args)} --config {self.path}\n"
                         f"{(result['stdout'] + result['stderr']).strip()[-2000:]}")
    return result

  def start(self):
    self.cgipool("start")

  def stop(self):
    self.cgipool("stop", check=False)

  def services(self):
    names = []
    for name, spec in sorted(self.config["processes"].items()):
      if spec.get("replicas"):
        names += [f"{self.pool}-{name}@{i}.service" for i in range(1, spec["replicas"] + 1)]
      else:
        names.append(f"{self.pool}-{name}.service")
    return names

  def running(self):
    """Whether every service is active and running (not activating, not restarting)."""
    out = systemctl("show", "-p", "Id", "-p", "ActiveState", "-p", "SubState", *self.services(), check=False).stdout
    states = [block for block in out.strip().split("\n\n") if block]
    return len(states) == len(self.services()) and all(
      "ActiveState=active" in s and "SubState=running" in s for s in states)

  def replica_pid(self, group, index):
    unit = f"{self.pool}-{group}@{index}.service"
    return int(systemctl("show", "-p", "MainPID", "--value", unit).stdout.strip() or 0)

  def fault(self, scenario):
    if scenario == "rolling":
      return [[BIN, "restart", "sample_hello", "--config", self.path]]
    if scenario == "proxy":
      return [[BIN, "restart", "proxy", "--config", self.path]]
    if scenario == "pool":
      return [[BIN, "restart", "--config", self.path]]
    raise ValueError(scenario)


class SupervisordPool:
  variant = "supervisord"

  def __init__(self):
    self.conf = os.path.join(WORK, "serving-supervisord.conf")
    self.sock = os.path.join(WORK, "serving-supervisor.sock")
    self.pidfile = os.path.join(WORK, "serving-supervisord.pid")
    supervisord_config(self.conf, self.sock, self.pidfile, os.path.join(WORK, "serving-supervisord.log"))
    self.expected_workers = len(worker_urls("supervisord"))
    self.daemon = None

  def ctl(self, *args, check=True):
    return timed([SUPERVISORCTL, "-c", self.conf, *args], stdout=subprocess.PIPE, timeout=120, check=check)

  def start(self):
    for stale in (self.pidfile, self.sock):
      if os.path.exists(stale):
        os.remove(stale)
    timed([SUPERVISORD, "-c", self.conf], timeout=60)  # forks the daemon, then returns
    deadline = time.monotonic() + 30
    while not (os.path.exists(self.pidfile) and open(self.pidfile).read().strip()):
      if time.monotonic() > deadline:
        raise RuntimeError("supervisord wrote no pidfile")
      time.sleep(0.05)
    self.daemon = int(open(self.pidfile).read())
    remember_group(os.getpgid(self.daemon))

  def stop(self):
    subprocess.run([SUPERVISORCTL, "-c", self.conf, "shutdown"], capture_output=True, timeout=60)
    if self.daemon:
      try:
        end_group(os.getpgid(self.daemon))
      except ProcessLookupError:
        pass

  def programs(self):
    return [f"{g}:{g}_{i}" for g in GROUPS for i in range(1, REPLICAS + 1)] + ["pool_manager", "proxy"]

  def running(self):
    out = self.ctl("status", check=False)["stdout"]
    states = {line.split()[0]: line.split()[1] for line in out.splitlines() if len(line.split()) > 1}
    return all(states.get(name) == "RUNNING" for name in self.programs())

  def replica_pid(self, group, index):
    """The replica's PID; 0 while it is not running (supervisorctl then prints 0 or an error)."""
    out = self.ctl("pid", f"{group}:{group}_{index}", check=False)["stdout"].strip()
    return int(out) if out.isdigit() else 0

  def fault(self, scenario):
    ctl = [SUPERVISORCTL, "-c", self.conf]
    if scenario == "rolling":
      # supervisorctl has no rolling restart (`restart sample_hello:*` stops both at once): one
      # replica after the other, each waited for (startsecs) before the next, as a script would.
      return [ctl + ["restart", f"sample_hello:sample_hello_{i}"] for i in range(1, REPLICAS + 1)]
    if scenario == "proxy":
      return [ctl + ["restart", "proxy"]]
    if scenario == "pool":
      return [ctl + ["restart", "all"]]
    raise ValueError(scenario)


def manager_healthy(variant):
  """How many workers the pool manager reports healthy (None when it does not answer)."""
  try:
    with urllib.request.urlopen(f"http://127.0.0.1:{layout(variant)['manager']}/health", timeout=2) as response:
      return json.load(response).get("healthy")
  except (OSError, ValueError):
    return None


def front_answers(variant):
  try:
    with urllib.request.urlopen(f"http://127.0.0.1:{layout(variant)['proxy']}{REQUEST}", timeout=2) as response:
      return response.status == 200
  except (OSError, ValueError):
    return False


def wait_whole(pool, timeout=60.0):
  """Wait until every process runs, the manager sees every worker healthy and the proxy answers."""
  deadline = time.monotonic() + timeout
  while True:
    if pool.running() and manager_healthy(pool.variant) == pool.expected_workers and front_answers(pool.variant):
      return time.perf_counter()
    if time.monotonic() > deadline:
      raise RuntimeError(f"{pool.variant}: the pool did not become whole again within {timeout:.0f} s")
    time.sleep(0.05)


# ---------------------------------------------------------------- the load

def parse_ab(text, csv_path):
  """Requests, failures and percentiles from one `ab -v 2 -e` run."""
  def number(label, cast=int):
    found = re.search(rf"^{re.escape(label)}:\s+([0-9.]+)", text, re.M)
    return cast(found.group(1)) if found else None
  statuses = {}
  samples = []  # the first few non-2xx answers, for what went wrong (the proxy's 502 names the error)
  lines = text.splitlines()
  for i, line in enumerate(lines[:-1]):
    if line == "LOG: header received:":
      found = re.match(r"HTTP/\d\.\d (\d{3})", lines[i + 1])
      code = found.group(1) if found else "?"
      statuses[code] = statuses.get(code, 0) + 1
      if found and not code.startswith("2") and len(samples) < 3:
        answer = lines[i + 1:i + 12]
        body = answer[answer.index("") + 1:] if "" in answer else []
        end = next((k for k, text in enumerate(body) if text.startswith(("LOG:", "WARNING:"))), len(body))
        snippet = " ".join(body[:end]).strip()
        if snippet:
          samples.append(f"{code}: {snippet[:200]}")
  complete = number("Complete requests") or 0
  ok = sum(count for code, count in statuses.items() if code.startswith("2"))
  breakdown = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)", text)
  errors = dict(zip(("connect", "receive", "length", "exceptions"), map(int, breakdown.groups()))) if breakdown else {}
  non2xx = number("Non-2xx responses") or 0
  percent = {}
  if os.path.exists(csv_path):
    with open(csv_path) as f:
      for line in f:
        parts = line.strip().split(",")
        if len(parts) == 2 and parts[0].isdigit():
          percent[int(parts[0])] = float(parts[1])
  return {
    "complete": complete, "ok": ok,
    # A request fails once: refused or reset (ab's connect or receive error) or answered with a
    # non-2xx status. ab's "Length" errors are not failures here (echo.cgi's answer names the
    # worker, so lengths differ by a byte or two between workers) and its "Exceptions" are
    # a second count of refused connections.
    "failed": errors.get("connect", 0) + errors.get("receive", 0) + non2xx,
    # The same from the other side: requests minus 2xx headers seen. It can be a few (up to the
    # concurrency) lower: a header read just before the time limit ends a request ab then drops.
    "failed_by_answers": complete - ok,
    "statuses": dict(sorted(statuses.items())),
    "non2xx_samples": samples,
    "ab_failed": number("Failed requests") or 0,
    "ab_breakdown": errors,
    "ab_non2xx": non2xx,
    "seconds": number("Time taken for tests", float),
    "p50_ms": percent.get(50), "p99_ms": percent.get(99), "max_ms": percent.get(100),
  }


def cell(pool, scenario, window, fault_at, tag):
  """One load window against the pool's proxy, with the scenario's fault fired fault_at s in."""
  variant = pool.variant
  out_path = os.path.join(WORK, f"ab-{tag}.out")
  csv_path = os.path.join(WORK, f"ab-{tag}.csv")
  url = f"http://127.0.0.1:{layout(variant)['proxy']}{REQUEST}"
  with open(out_path, "w") as out:
    load = subprocess.Popen(["ab", "-r", "-v", "2", "-c", str(CONCURRENCY), "-t", f"{window:g}", "-n", "100000000",
                             "-s", "30", "-e", csv_path, url], stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
  remember_group(load.pid)
  began = time.perf_counter()
  row = {}
  try:
    time.sleep(fault_at)
    if scenario != "baseline":
      pid = pool.replica_pid("sample_hello", 1) if scenario == "kill" else None
      fault_start = time.perf_counter()
      if scenario == "kill":
        os.kill(pid, signal.SIGKILL)
        row["killed_pid"] = pid
        # Until the replica's manager has a new process for it (systemd: RestartSec= and the
        # start; supervisord: its next tick and the start), polled every 0.1 s.
        limit = began + window
        while time.perf_counter() < limit:
          time.sleep(0.1)
          now = pool.replica_pid("sample_hello", 1)
          if now and now != pid:
            row["new_process_after"] = round(time.perf_counter() - fault_start, 2)
            break
      else:
        for command in pool.fault(scenario):
          result = timed(command, stdout=subprocess.PIPE, environ=cgipool_env(), timeout=120, check=False)
          if result["rc"] != 0:
            row["fault_error"] = f"exit {result['rc']}: {' '.join(command[-3:])}: " + \
              (result["stderr"] or result["stdout"]).strip()[:500]
            break
      row["fault_seconds"] = 0.0 if scenario == "kill" else round(time.perf_counter() - fault_start, 3)
      row["fault_at"] = round(fault_start - began, 3)
    load.wait(timeout=window + 60)
  finally:
    if load.poll() is None:
      end_group(load.pid)
  with open(out_path, errors="replace") as f:
    text = f.read()
  row.update(parse_ab(text, csv_path))
  if load.returncode != 0 or "Complete requests:" not in text:
    # ab gives up without a summary on some socket errors even with -r (a connect that fails once
    # more than 10 requests have failed, a reset in some states), depending on how the kernel
    # reports the refusal; such a window has no counts, so it is left out of the medians and reported.
    # ab's last words: the error (e.g. `apr_socket_recv: Connection reset by peer (104)`), then
    # "Total of N requests completed"; its exit status is the error's errno.
    lines = [line for line in text.splitlines() if line.strip()]
    total = max((i for i, line in enumerate(lines) if line.startswith("Total of ")), default=None)
    reason = " / ".join(lines[max(0, total - 1):total + 1]) if total is not None else " / ".join(lines[-2:])
    row["ab_aborted"] = f"exit {load.returncode}: {reason[:300]}"
  if scenario != "baseline":
    # Whether the fault was over before the load ended (else the window cut it short).
    row["fault_within_window"] = row["fault_at"] + row["fault_seconds"] <= (row["seconds"] or window)
  wait_whole(pool)
  for path in (out_path, csv_path):
    if os.path.exists(path):
      os.remove(path)
  return row


def median(values):
  values = [v for v in values if v is not None]
  return statistics.median(values) if values else None


def summarize(rows):
  aborted = [r for r in rows if "ab_aborted" in r]
  rows = [r for r in rows if "ab_aborted" not in r]
  result = {"ab_aborted": [r["ab_aborted"] for r in aborted]}
  for key in ("complete", "ok", "failed", "p50_ms", "p99_ms", "max_ms", "fault_seconds", "new_process_after"):
    values = [r.get(key) for r in rows if r.get(key) is not None]
    if values:
      result[key] = {"median": median(values), "min": min(values), "max": max(values)}
  result["fault_errors"] = [r["fault_error"] for r in rows if "fault_error" in r]
  result["fault_outside_window"] = sum(1 for r in rows if r.get("fault_within_window") is False)
  return result


#: The test suite's machine lock for processes that match the demo's orphan patterns (the
#: `.orphanScan` trait, Tests/Support/MachineLock.swift): held while the demo's programs run, so a
#: test's "nothing left" scan does not count them and a test's real `cgipool cleanup` does not end them.
ORPHAN_SCAN_LOCK = "/tmp/cgipool-orphan-scan.lock"


def run_serving(runs, window=7.0, fault_at=0.5):
  """Every scenario on every variant, `runs` times, holding the tests' orphan-scan lock."""
  with open(ORPHAN_SCAN_LOCK, "a") as lock:
    try:
      fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
      log(f"serving: waiting for {ORPHAN_SCAN_LOCK} (a test that scans for orphans is running)")
      fcntl.flock(lock, fcntl.LOCK_EX)
    return serve_every_scenario(runs, window, fault_at)


def serve_every_scenario(runs, window, fault_at):
  """Every scenario on every variant, `runs` times; the three pools run side by side throughout."""
  if shutil.which("ab") is None:
    return {"not_run": "ab (apache2-utils) is not installed; run ops/install-deps.sh"}
  variants = list(VARIANTS)
  commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
  result = {"commit": commit, "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "loadavg_before": [round(x, 2) for x in os.getloadavg()], "runs": runs, "window_s": window, "fault_at_s": fault_at, "concurrency": CONCURRENCY,
            "request": REQUEST, "replicas": REPLICAS, "labels": LABELS, "scenario_labels": SCENARIO_LABELS,
            "readiness": "--health-port (a port of each process's own)" if has_health_port()
            else "a command check that GETs /health through the held port",
            "cells": {s: {v: [] for v in variants} for s in SCENARIOS}}
  if not os.path.exists(SUPERVISORD):
    variants.remove("supervisord")
    result["supervisord_not_run"] = "supervisor could not be installed into bench/.venv"
  pools = {}
  try:
    for variant in variants:
      pool = SupervisordPool() if variant == "supervisord" else CgipoolPool(variant)
      pools[variant] = pool  # before start: a failed start is stopped too
      pool.start()
      wait_whole(pool)
      log(f"serving: {variant} pool running")
    for variant, pool in pools.items():  # warm-up: the first requests of every program
      cell(pool, "baseline", 2.0, 0.5, f"warm-{variant}")
    for run in range(runs):
      for scenario in SCENARIOS:
        for variant, pool in pools.items():
          row = cell(pool, scenario, window, fault_at, f"{scenario}-{variant}-{run}")
          result["cells"][scenario][variant].append(row)
          if "ab_aborted" in row:
            log(f"serving {scenario} {variant}: ab gave up ({row['ab_aborted']})")
            continue
          log(f"serving {scenario} {variant}: {row['failed']} failed of {row['complete']}, "
              f"p99 {row['p99_ms']} ms, max {row['max_ms']} ms"
              + (f", fault {row['fault_seconds']} s" if "fault_seconds" in row else "")
              + (f", new process after {row['new_process_after']} s" if "new_process_after" in row else "")
              + (f" [{row['fault_error']}]" if "fault_error" in row else ""))
  finally:
    for pool in pools.values():
      pool.stop()
  result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
  result["summary"] = {s: {v: summarize(rows) for v, rows in by.items() if rows}
                       for s, by in result["cells"].items()}
  return result

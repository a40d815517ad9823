"""Scenarios that run pools on the harness's private manager: status (3), cold start (4), readiness
latency and probe CPU (5), stop (6) and memory (7)."""
import json
import os
import subprocess
import time

from benchlib import (BIN, HERE, PYTHON, RUNTIME, WORK, cgipool_processes, end_group, env, help_text, log,
                      port_answers, read_service_log, remember_group, rss_kib, show_property, stats, systemctl,
                      timed, wait_gone, wait_ports)

SUPERVISORD = os.path.join(HERE, ".venv", "bin", "supervisord")
SUPERVISORCTL = os.path.join(HERE, ".venv", "bin", "supervisorctl")
# Below the ephemeral range (32768-60999 here), so probes' client sockets never hold a service port.
BASE_PORT = 28100
WORKERS = 38
# Stop delays (ms between SIGTERM and exit): the proxy drains longest, so it is the slowest unit.
STOP_MS = {"manager": 100, "proxy": 300, "worker": 200}


# ---------------------------------------------------------------- status at scale (3)

def run_status(runs, sizes=(50, 500)):
  result = {"runs": runs, "sizes": {}}
  for n in sizes:
    name = f"st{n}"
    config = os.path.join(WORK, f"{name}.json")
    processes = {f"w{i:03d}": {"command": ["/bin/sleep", "infinity"], "restart_policy": "no", "stop_timeout": 5}
                 for i in range(n)}
    with open(config, "w") as f:
      json.dump({"name": name, "processes": processes}, f)
    start = timed([BIN, "start", "--config", config], timeout=300)
    try:
      listing = systemctl("list-units", f"{name}-*", "--no-legend", "--plain").stdout
      active = sum(1 for line in listing.splitlines() if " active " in line and ".service" in line)
      commands = {
        "cgipool status": [BIN, "status", "--config", config],
        "cgipool status --json": [BIN, "status", "--json", "--config", config],
        "systemctl --user list-units": ["systemctl", "--user", "--no-pager", "list-units", f"{name}-*"],
      }
      for cmd in commands.values():
        timed(cmd, stdout=subprocess.PIPE, check=False)  # warm-up
      samples = {label: [] for label in commands}
      for _ in range(runs):
        for label, cmd in commands.items():
          sample = timed(cmd, stdout=subprocess.PIPE, check=False)
          if sample["rc"] not in (0, 3):  # systemctl-like status exits 3 for inactive units
            raise RuntimeError(f"{label}: exit {sample['rc']}: {sample['stderr'][:300]}")
          samples[label].append(sample)
      entry = {"units_active": active, "start_wall": start["wall"]}
      for label, values in samples.items():
        entry[label] = {"wall": stats([v["wall"] for v in values]),
                        "cpu": stats([v["user"] + v["sys"] for v in values]), "maxrss_kib": max(v["maxrss_kib"] for v in values),
                        "output_lines": values[-1]["stdout"].count("\n"), "rc": values[-1]["rc"]}
      base = entry["systemctl --user list-units"]["wall"]["median"]
      entry["ratio"] = entry["cgipool status"]["wall"]["median"] / base
      entry["ratio_json"] = entry["cgipool status --json"]["wall"]["median"] / base
      result["sizes"][str(n)] = entry
      log(f"status n={n}: status {entry['cgipool status']['wall']['median']*1000:.1f} ms, "
          f"systemctl {base*1000:.1f} ms ({entry['ratio']:.2f}x)")
    finally:
      stop = timed([BIN, "stop", "--config", config], timeout=300, check=False)
      if str(n) in result["sizes"]:
        result["sizes"][str(n)]["stop_wall"] = stop["wall"]
  result["goal_met"] = all(max(e["ratio"], e["ratio_json"]) <= 1.5 for e in result["sizes"].values())
  return result


def profile_status(config):
  """Profile of `cgipool status` on a running pool (perf self time), when the goal is missed."""
  from scenarios_offline import profile
  timed([BIN, "start", "--config", config], timeout=300)
  try:
    return profile("status", [BIN, "status", "--config", config])
  finally:
    timed([BIN, "stop", "--config", config], timeout=300, check=False)


# ---------------------------------------------------------------- pool-40

def pool40_config(path, pool, delay_ms, log_path):
  """1 manager, 1 proxy and 38 workers; proxy and workers depend on the manager: critical path 2R."""
  def service(name, port, role, deps, restart):
    spec = {
      "command": [PYTHON, "-S", os.path.join(HERE, "svc.py"), "--name", name, "--port", str(port),
                  "--delay-ms", str(delay_ms), "--stop-ms", str(STOP_MS[role]), "--log", log_path],
      "restart_policy": restart,
      "health_check": {"type": "port", "target": f"127.0.0.1:{port}", "timeout": 10, "interval": 5},
      "stop_timeout": 5,
    }
    if deps:
      spec["depends_on"] = deps
    return spec
  processes = {"manager": service("manager", BASE_PORT, "manager", [], "always"),
               "proxy": service("proxy", BASE_PORT + 1, "proxy", ["manager"], "always")}
  for i in range(1, WORKERS + 1):
    processes[f"w{i:02d}"] = service(f"w{i:02d}", BASE_PORT + 1 + i, "worker", ["manager"], "on-failure")
  with open(path, "w") as f:
    json.dump({"name": pool, "processes": processes}, f, indent=1)
  return {name: int(spec["health_check"]["target"].rsplit(":", 1)[1]) for name, spec in processes.items()}


def truncate(path):
  open(path, "w").close()


def readiness(events, exec_starts=None):
  """Latency from the manager binding its port to each dependent starting (ms)."""
  bind = events["manager"]["bind"]
  logged = [(e["start"] - bind) * 1000 for name, e in events.items() if name != "manager" and "start" in e]
  result = {"logged": logged, "first_logged": min(logged) if logged else None}
  if exec_starts:
    result["exec"] = [(int(v) / 1e6 - bind) * 1000 for v in exec_starts.values() if v and v != "0"]
    result["first_exec"] = min(result["exec"]) if result["exec"] else None
  return result


def stop_profile(events, began_mono):
  """Per-service stop facts from the logs: own stop time (term->exit) and when each got SIGTERM."""
  return {name: {"own": e["exit"] - e["term"], "term_at": e["term"] - began_mono, "exit_at": e["exit"] - began_mono}
          for name, e in events.items() if "term" in e and "exit" in e}


def unit_names(pool, names):
  return [f"{pool}-{n}.service" for n in names]


class Cgipool:
  """cgipool start/stop with transient units (the product's own path)."""
  label = "cgipool start"

  def __init__(self, config, pool):
    self.config, self.pool = config, pool

  def start(self):
    return timed([BIN, "start", "--config", self.config], stdout=subprocess.PIPE, timeout=120)

  def stop(self):
    return timed([BIN, "stop", "--config", self.config], stdout=subprocess.PIPE, timeout=120)


class UnitFiles:
  """cgipool generate units + systemctl --user start <pool>.target (unit files the manager loads)."""
  label = "unit files + systemctl start"

  def __init__(self, config, pool):
    self.config, self.pool = config, pool
    self.folder = os.path.join(RUNTIME, "systemd", "user")
    os.makedirs(self.folder, exist_ok=True)
    timed([BIN, "generate", "units", "--config", config, "--output", self.folder])
    systemctl("daemon-reload")

  def start(self):
    return timed(["systemctl", "--user", "start", f"{self.pool}.target"])

  def stop(self):
    return timed(["systemctl", "--user", "stop", f"{self.pool}.target"])

  def remove(self):
    for entry in os.listdir(self.folder):
      if entry.startswith(self.pool + ".") or entry.startswith(self.pool + "-"):
        os.remove(os.path.join(self.folder, entry))
    systemctl("daemon-reload")


def run_pool_variant(variant, ports, log_path, runs, extra=None):
  """Cold start and stop of one variant, `runs` times; readiness and memory along the way."""
  rows = []
  for run in range(runs):
    truncate(log_path)
    mono_start = time.monotonic()
    t0 = time.perf_counter()
    started = variant.start()
    returned = time.perf_counter()
    # "All healthy": every port answers (for cgipool start this is already true when it returns).
    healthy = wait_ports(ports.values(), timeout=60)
    events = read_service_log(log_path)
    row = {"start_returned": returned - t0, "all_healthy": healthy - t0,
           "healthy_when_returned": wait_ports.first_pass}
    if started.get("maxrss_kib") is not None:
      row["maxrss_kib"] = started["maxrss_kib"]
      row["cpu"] = started["user"] + started["sys"]
    exec_starts = show_property(unit_names(variant.pool, [n for n in ports if n != "manager"]),
                                "ExecMainStartTimestampMonotonic")
    row["readiness"] = readiness(events, exec_starts)
    # Where the time went: the last service exec (systemd), the last bind (services), the last unit
    # becoming active (systemd, after its probe), then the command's return (cgipool's own tail).
    active = show_property(unit_names(variant.pool, list(ports)), "ActiveEnterTimestampMonotonic")
    row["timeline"] = {
      "last_exec": max(int(v) for v in exec_starts.values()) / 1e6 - mono_start,
      "last_service_start": max(e["start"] for e in events.values()) - mono_start,
      "last_bind": max(e["bind"] for e in events.values()) - mono_start,
      "last_unit_active": max(int(v) for v in active.values()) / 1e6 - mono_start,
    }
    left = cgipool_processes()
    row["resident_cgipool"] = [cmd for _, cmd in left]
    if extra:
      extra(row)
    pids = [e["pid"] for e in events.values()]
    mono0 = time.monotonic()
    t0 = time.perf_counter()
    stopped = variant.stop()
    returned = time.perf_counter()
    gone = wait_gone(pids, timeout=60)
    events = read_service_log(log_path)
    row["stop_returned"] = returned - t0
    row["stop_nothing_left"] = max(gone, returned) - t0
    row["stop_services"] = stop_profile(events, mono0)
    rows.append(row)
    log(f"{variant.label}: start {row['all_healthy']*1000:.0f} ms, stop {row['stop_nothing_left']*1000:.0f} ms")
  return rows


def run_sequential(config, ports, log_path, runs, parallel=False):
  rows = []
  label = "parallel floor" if parallel else "sequential"
  pidfile = os.path.join(WORK, "seq.pids")
  for _ in range(runs):
    truncate(log_path)
    t0 = time.perf_counter()
    started = timed([PYTHON, os.path.join(HERE, "seqstart.py"), "parallel" if parallel else "start", config, pidfile],
                    timeout=120)
    returned = time.perf_counter()
    with open(pidfile) as f:
      numbers = [int(l) for l in f if l.strip()]
    remember_group(numbers[0])
    try:
      healthy = wait_ports(ports.values(), timeout=60)
      events = read_service_log(log_path)
      row = {"start_returned": returned - t0, "all_healthy": max(healthy, returned) - t0,
             "readiness": readiness(events)}
      mono0 = time.monotonic()
      t0 = time.perf_counter()
      timed([PYTHON, os.path.join(HERE, "seqstart.py"), "stop-parallel" if parallel else "stop", pidfile], timeout=120)
      gone = wait_gone(numbers[1:], timeout=60)
      row["stop_nothing_left"] = gone - t0
      row["stop_services"] = stop_profile(read_service_log(log_path), mono0)
      rows.append(row)
      log(f"{label}: start {row['all_healthy']*1000:.0f} ms, stop {row['stop_nothing_left']*1000:.0f} ms")
    finally:
      end_group(numbers[0])
  return rows


def supervisord_config(path, config, sock, pidfile, logfile):
  with open(config) as f:
    processes = json.load(f)["processes"]
  lines = ["[unix_http_server]", f"file={sock}", "", "[supervisord]", f"pidfile={pidfile}", f"logfile={logfile}",
           "nodaemon=false", "loglevel=warn", "", "[rpcinterface:supervisor]",
           "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
           "[supervisorctl]", f"serverurl=unix://{sock}", ""]
  for name, spec in sorted(processes.items()):
    # priority orders start (and reverse stop) like depends_on; supervisord cannot wait for health.
    priority = 100 if not spec.get("depends_on") else 200
    lines += [f"[program:{name}]", "command=" + " ".join(spec["command"]), f"priority={priority}",
              "autostart=true", "autorestart=false", "startsecs=0", "stopwaitsecs=5", "stopsignal=TERM",
              "stdout_logfile=NONE", "stderr_logfile=NONE", ""]
  with open(path, "w") as f:
    f.write("\n".join(lines))


def run_supervisord(config, ports, log_path, runs):
  rows = []
  conf = os.path.join(WORK, "supervisord.conf")
  sock = os.path.join(WORK, "supervisor.sock")
  pidfile = os.path.join(WORK, "supervisord.pid")
  supervisord_config(conf, config, sock, pidfile, os.path.join(WORK, "supervisord.log"))
  for _ in range(runs):
    truncate(log_path)
    for stale in (pidfile, sock):
      if os.path.exists(stale):
        os.remove(stale)
    t0 = time.perf_counter()
    timed([SUPERVISORD, "-c", conf], timeout=60)  # forks the daemon, then returns
    daemon = None
    try:
      healthy = wait_ports(ports.values(), timeout=60)
      for _ in range(500):
        if os.path.exists(pidfile) and open(pidfile).read().strip():
          break
        time.sleep(0.01)
      daemon = int(open(pidfile).read())
      remember_group(os.getpgid(daemon))
      events = read_service_log(log_path)
      row = {"all_healthy": healthy - t0, "readiness": readiness(events), "daemon_rss_kib": rss_kib(daemon)}
      pids = [e["pid"] for e in events.values()]
      mono0 = time.monotonic()
      t0 = time.perf_counter()
      timed([SUPERVISORCTL, "-c", conf, "stop", "all"], timeout=120)
      gone = wait_gone(pids, timeout=60)
      row["stop_nothing_left"] = gone - t0
      row["stop_services"] = stop_profile(read_service_log(log_path), mono0)
      rows.append(row)
      log(f"supervisord: start {row['all_healthy']*1000:.0f} ms, stop {row['stop_nothing_left']*1000:.0f} ms, "
          f"daemon {row['daemon_rss_kib']} KiB")
    finally:
      subprocess.run([SUPERVISORCTL, "-c", conf, "shutdown"], capture_output=True, timeout=60)
      if daemon:
        wait_gone([daemon], timeout=15)
        try:
          end_group(os.getpgid(daemon))
        except ProcessLookupError:
          pass
  return rows


def run_readiness_pair(runs, delay=200):
  """Readiness without load: a 2-process pool (manager, one dependent), started `runs` times."""
  log_path = os.path.join(WORK, "pool-2.log")
  config = os.path.join(WORK, "pool-2.json")
  with open(os.path.join(WORK, f"pool-40-r{delay}.json")) as f:
    full = json.load(f)
  with open(config, "w") as f:
    json.dump({"name": "pool-2", "processes": {n: full["processes"][n] for n in ("manager", "proxy")}}, f)
  with open(config) as f:
    text = f.read().replace(os.path.join(WORK, f"pool40-{delay}.log"), log_path)
  with open(config, "w") as f:
    f.write(text)
  samples, logged, to_active, to_fork = [], [], [], []
  for _ in range(runs):
    truncate(log_path)
    timed([BIN, "start", "--config", config], timeout=60)
    events = read_service_log(log_path)
    start = show_property(["pool-2-proxy.service"], "ExecMainStartTimestampMonotonic")["pool-2-proxy.service"]
    active = show_property(["pool-2-manager.service"], "ActiveEnterTimestampMonotonic")["pool-2-manager.service"]
    samples.append((int(start) / 1e6 - events["manager"]["bind"]) * 1000)
    # Split: bind -> manager active (the probe noticing and exiting) and active -> dependent's fork.
    to_active.append((int(active) / 1e6 - events["manager"]["bind"]) * 1000)
    to_fork.append((int(start) - int(active)) / 1000)
    logged.append((events["proxy"]["start"] - events["manager"]["bind"]) * 1000)
    timed([BIN, "stop", "--config", config], timeout=60)
  return {"runs": runs, "exec": stats(samples, "ms"), "logged": stats(logged, "ms"), "samples": samples,
          "bind_to_active": stats(to_active, "ms"), "active_to_fork": stats(to_fork, "ms")}


def own_stop_time(config, pool, unit, runs):
  """The slowest unit's own stop time: `systemctl stop` of that one unit while the pool runs."""
  samples = []
  for _ in range(runs):
    timed([BIN, "start", "--config", config], timeout=120)
    try:
      samples.append(timed(["systemctl", "--user", "stop", f"{pool}-{unit}.service"])["wall"])
    finally:
      timed([BIN, "stop", "--config", config], timeout=120)
  return samples


def probe_cpu(runs, wait=30):
  """CPU of `cgipool probe port <closed> --timeout 30`, `runs` probes side by side (getrusage)."""
  closed = BASE_PORT + 900
  if port_answers(closed):
    raise RuntimeError(f"port {closed} unexpectedly open")
  children = []
  for _ in range(runs):
    start = time.perf_counter()
    child = subprocess.Popen([BIN, "probe", "port", f"127.0.0.1:{closed}", "--timeout", str(wait)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    children.append((child, start))
  samples = []
  for child, start in children:
    _, status, usage = os.wait4(child.pid, 0)
    samples.append({"cpu": usage.ru_utime + usage.ru_stime, "user": usage.ru_utime, "sys": usage.ru_stime,
                    "wall": time.perf_counter() - start, "rc": os.waitstatus_to_exitcode(status)})
  return {"runs": runs, "timeout_s": wait, "cpu": stats([s["cpu"] for s in samples]),
          "user": stats([s["user"] for s in samples]), "sys": stats([s["sys"] for s in samples]),
          "wall": stats([s["wall"] for s in samples]), "exit_codes": sorted({s["rc"] for s in samples})}


def monitor_memory(config, seconds=3.0):
  """RSS of `cgipool start --monitor` (foreground mode) while it watches the running pool."""
  child = subprocess.Popen([BIN, "start", "--monitor", "--config", config], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env(), start_new_session=True)
  remember_group(child.pid)
  peak, samples = 0, []
  deadline = time.monotonic() + 30
  try:
    while time.monotonic() < deadline and child.poll() is None:
      value = rss_kib(child.pid)
      samples.append(value)
      peak = max(peak, value)
      if len(samples) * 0.1 >= seconds + 1.5:
        break
      time.sleep(0.1)
  finally:
    child.send_signal(2)  # Ctrl+C: the monitor stops the pool
    try:
      _, _, usage = os.wait4(child.pid, 0)
      hwm = usage.ru_maxrss
    except ChildProcessError:
      hwm = peak
    end_group(child.pid)
  timed([BIN, "stop", "--config", config], timeout=120, check=False)
  return {"rss_kib_last": samples[-1] if samples else 0, "maxrss_kib": hwm, "samples": len(samples)}


def run_pool40(runs, delays=(500, 200), supervisord=True):
  """Scenarios 4-7 on pool-40 for each R."""
  result = {"runs": runs, "workers": WORKERS, "stop_ms": STOP_MS, "by_delay": {}}
  for delay in delays:
    entry = {}
    log_path = os.path.join(WORK, f"pool40-{delay}.log")
    config = os.path.join(WORK, f"pool-40-r{delay}.json")
    ports = pool40_config(config, "pool-40", delay, log_path)
    entry["cgipool start"] = run_pool_variant(Cgipool(config, "pool-40"), ports, log_path, runs)
    files_config = os.path.join(WORK, f"pool-40u-r{delay}.json")
    pool40_config(files_config, "pool-40u", delay, log_path)
    files = UnitFiles(files_config, "pool-40u")
    try:
      entry["unit files + systemctl start"] = run_pool_variant(files, ports, log_path, runs)
    finally:
      files.remove()
    if supervisord:
      entry["supervisord"] = run_supervisord(config, ports, log_path, runs)
    entry["sequential"] = run_sequential(config, ports, log_path, runs)
    entry["parallel floor"] = run_sequential(config, ports, log_path, runs, parallel=True)
    result["by_delay"][str(delay)] = entry
  last = os.path.join(WORK, f"pool-40-r{delays[-1]}.json")
  try:
    with open(os.path.join(RUNTIME, "manager.json")) as f:
      result["private_manager_rss_kib"] = rss_kib(json.load(f)["pid"])
  except (OSError, KeyError, ValueError):
    pass
  result["readiness_pair"] = run_readiness_pair(max(runs, 10), delays[-1])
  result["own_stop_slowest"] = {"unit": "proxy", "wall": own_stop_time(last, "pool-40", "proxy", runs)}
  if "--monitor" in help_text("start"):
    result["monitor"] = monitor_memory(last)
  else:
    result["monitor"] = {"not_run": "`cgipool start` has no --monitor mode in this build"}
  return result

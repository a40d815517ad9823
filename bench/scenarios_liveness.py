"""Liveness at scale (8): busy cores of health checking, and the time from unhealthy to restart.

Pools of N `always` processes (`/bin/sleep infinity`) with port health checks every I seconds,
side by side in one run:

- the health unit: this build (`<pool>.health.service`, one `cgipool liveness` checking in-process);
- the timer design: the last commit before the health unit (a `.liveness.timer` and a oneshot
  `.liveness.service` per process running `cgipool probe --liveness-of`), a release build of it
  named by $CGIPOOL_TIMER_BIN (bench/build-timer-design.sh makes one); not run without it;
- no liveness: the same pool without a health check (this build).

The ports are served by one listener outside the pool (bench/listener.py), so the checks have
something to connect to while the processes stay idle, and the listener's own CPU is apart.

CPU is read from cgroup v2 `cpu.stat` `usage_usec`, which also counts processes that exited
(oneshot checks): the private manager's whole cgroup (systemd itself, its forks for the timer
design, every unit) and the pool's slice apart. Each pool is started, left `interval + 3` s to
settle, then measured over 30 s in three 10 s slices.

The restart time: in a running pool of 100 checked every 2 s, the listener stops listening on
one process's port (the process keeps running); measured from that moment (the listener's
CLOCK_MONOTONIC) to systemd's `ActiveExitTimestampMonotonic` (the unit leaving `active`: the kill) and to the
new process's `ExecMainStartTimestampMonotonic`; then the port listens again. `runs` times each.
"""
import json
import os
import subprocess
import time

from benchlib import BIN, HERE, RUNTIME, WORK, end_group, env, log, remember_group, show_property, stats, timed

# Below the ephemeral range (32768-60999 here) and above pool-40's ports (28100-29000).
BASE_PORT = 30000
TIMER_BIN = os.environ.get("CGIPOOL_TIMER_BIN", "")
WINDOW = 30.0
SLICES = 3
SIZES = ((100, 2), (500, 10), (1000, 10))
# $BENCH_LIVENESS_SIZES (`500@10,100@2`) runs only those sizes; with --merge the others keep their figures.
ONLY_SIZES = [s for s in os.environ.get("BENCH_LIVENESS_SIZES", "").split(",") if s]
# The timer design starts three units per process; at 500 processes that took more than 10 minutes.
START_TIMEOUT = 2400
# The timer design forks a oneshot per check: 100 a second at 1,000 processes every 10 s, about twice
# what it needs at 500 and more than a shared 2-core machine has; it runs at the two sizes,
# or at those named by $BENCH_TIMER_SIZES (`100@2`: starting its 1,500 units for 500 processes took
# more than 10 minutes on the shared machine).
TIMER_SIZES = os.environ.get("BENCH_TIMER_SIZES", "100@2,500@10").split(",")
VARIANTS = ("health unit", "timer design", "no liveness")
# The pool the restart time is measured in: 100 processes checked every 2 s.
RESTART_POOL = 100


class Listener:
  """bench/listener.py in a session of its own: `count` ports from BASE_PORT, closed/opened on request."""

  def __init__(self, count):
    self.child = subprocess.Popen(["python3", os.path.join(HERE, "listener.py"), str(BASE_PORT), str(count)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
    remember_group(self.child.pid)
    line = self.child.stdout.readline().split()
    if line[:1] != ["ready"]:
      end_group(self.child.pid)
      raise RuntimeError(f"listener did not start (ports {BASE_PORT}-{BASE_PORT + count - 1} taken?)")
    self.pid = self.child.pid

  def command(self, word, index):
    self.child.stdin.write(f"{word} {index}\n")
    self.child.stdin.flush()
    return float(self.child.stdout.readline().split()[1])

  def cpu(self):
    """user+sys seconds of the listener so far (/proc/PID/stat)."""
    with open(f"/proc/{self.pid}/stat") as f:
      fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

  def stop(self):
    try:
      self.child.stdin.close()
    except OSError:
      pass
    end_group(self.pid)


def manager_cgroup():
  """The private manager's cgroup v2 directory (its `cpu.stat` covers systemd and every unit)."""
  with open(os.path.join(RUNTIME, "manager.json")) as f:
    state = json.load(f)
  for directory in state.get("cgroupDirectories", []):
    if "usage_usec" in read_cpu_stat_text(directory):
      return directory
  raise RuntimeError(f"no cgroup v2 cpu.stat among {state.get('cgroupDirectories')}")


def read_cpu_stat_text(directory):
  try:
    with open(os.path.join(directory, "cpu.stat")) as f:
      return f.read()
  except OSError:
    return ""


def usage(directory):
  """`usage_usec` of a cgroup in seconds; 0 when the cgroup is gone."""
  for line in read_cpu_stat_text(directory).splitlines():
    key, _, value = line.partition(" ")
    if key == "usage_usec":
      return int(value) / 1e6
  return 0.0


def machine_busy():
  """(busy, total) jiffies of the whole machine from /proc/stat."""
  with open("/proc/stat") as f:
    values = [int(v) for v in f.readline().split()[1:]]
  idle = values[3] + values[4]
  return sum(values[:8]) - idle, sum(values[:8])


def unit_cgroup(manager_dir, unit):
  """The cgroup directory of a unit of the private manager (ControlGroup is relative to the v2 root)."""
  group = show_property([unit], "ControlGroup").get(unit, "")
  if not group:
    return None
  root = manager_dir
  # ControlGroup is the full path below the hierarchy's root; the manager's directory ends with its own part.
  while os.path.basename(root) and not group.startswith("/" + os.path.basename(root)) and root != "/":
    root = os.path.dirname(root)
  return os.path.join(os.path.dirname(root), group.lstrip("/"))


def bus():
  """Both designs reach the private manager at its socket, and so do their checks (`--bus` in the units).

  The harness's XDG_RUNTIME_DIR is the manager's runtime folder (for `systemctl --user`), so
  without it cgipool would take the manager for the calling user's and compile no address.
  """
  return ["--bus", f"unix:path={RUNTIME}/systemd/private"]


def config(path, pool, count, interval, liveness):
  processes = {}
  for i in range(count):
    spec = {"command": ["/bin/sleep", "infinity"], "restart_policy": "always", "stop_timeout": 5}
    if liveness:
      spec["health_check"] = {"type": "port", "target": f"127.0.0.1:{BASE_PORT + i}", "timeout": 10,
                              "interval": interval}
    processes[f"w{i:04d}"] = spec
  with open(path, "w") as f:
    json.dump({"name": pool, "processes": processes}, f)


def measure(manager_dir, slice_dir, extra, listener):
  """CPU seconds over WINDOW, in SLICES equal parts, for the manager, the slice and `extra` cgroups."""
  groups = {"manager": manager_dir, "slice": slice_dir, **extra}
  points = []
  began = time.monotonic()
  for k in range(SLICES + 1):
    target = began + WINDOW * k / SLICES
    time.sleep(max(0.0, target - time.monotonic()))
    points.append({"t": time.monotonic(), "listener": listener.cpu(), "machine": machine_busy(),
                   **{name: usage(d) if d else 0.0 for name, d in groups.items()}})
  first, last = points[0], points[-1]
  seconds = last["t"] - first["t"]
  result = {"seconds": seconds}
  for name in ["listener", *groups]:
    total = last[name] - first[name]
    parts = [(b[name] - a[name]) / (b["t"] - a["t"]) for a, b in zip(points, points[1:])]
    result[name] = {"cores": total / seconds, "cpu_seconds": total, "slices": stats(parts, "cores")}
  busy = (last["machine"][0] - first["machine"][0]) / (last["machine"][1] - first["machine"][1])
  result["machine_cores"] = busy * os.cpu_count()
  return result


def run_variant(variant, binary, count, interval, manager_dir, listener):
  pool = f"i17lv{count}{variant[0]}"
  path = os.path.join(WORK, f"{pool}.json")
  config(path, pool, count, interval, liveness=variant != "no liveness")
  environ = env()
  started = timed([binary, "start", *bus(), "--config", path], environ=environ, timeout=START_TIMEOUT)
  try:
    slice_dir = unit_cgroup(manager_dir, f"{pool}.slice")
    extra = {}
    if variant == "health unit":
      extra["health unit"] = unit_cgroup(manager_dir, f"{pool}.health.service")
    time.sleep(interval + 3)
    row = measure(manager_dir, slice_dir, extra, listener)
    row["start_wall"] = started["wall"]
    units = subprocess.run(["systemctl", "--user", "list-units", "--all", "--no-legend", "--plain", f"{pool}*"],
                           env=environ, capture_output=True, text=True).stdout
    row["units_loaded"] = sum(1 for line in units.splitlines() if line.strip())
    log(f"liveness {count}@{interval}s {variant}: manager {row['manager']['cores']:.3f} cores, "
        f"slice {row['slice']['cores']:.3f}, machine {row['machine_cores']:.2f}, {row['units_loaded']} units")
    return row
  finally:
    timed([binary, "stop", *bus(), "--config", path], environ=environ, timeout=START_TIMEOUT, check=False)


def restart_times(variant, binary, runs, manager_dir, listener, count=100, interval=2):
  """Close one process's port while it runs; time to the kill and to the new process's exec."""
  pool = f"i17rt{variant[0]}"
  path = os.path.join(WORK, f"{pool}.json")
  config(path, pool, count, interval, liveness=True)
  environ = env()
  timed([binary, "start", *bus(), "--config", path], environ=environ, timeout=600)
  killed, restarted = [], []
  # systemd resets the Exec* timestamps at the new start; ActiveExit stays at the kill.
  props = ["ExecMainStartTimestampMonotonic", "ActiveExitTimestampMonotonic", "NRestarts", "ActiveState"]
  try:
    time.sleep(interval + 1)
    for run in range(runs):
      index = run * 7 % count
      unit = f"{pool}-w{index:04d}.service"
      before = {p: show_property([unit], p)[unit] for p in props}
      closed = listener.command("close", index)
      deadline = time.monotonic() + 60
      try:
        while time.monotonic() < deadline:
          now = {p: show_property([unit], p)[unit] for p in props}
          if now["NRestarts"] != before["NRestarts"] and now["ExecMainStartTimestampMonotonic"] != before[
              "ExecMainStartTimestampMonotonic"]:
            break
          time.sleep(0.05)
        else:
          raise RuntimeError(f"{variant}: {unit} was not restarted within 60 s of its port closing")
      finally:
        listener.command("open", index)
      killed.append(int(now["ActiveExitTimestampMonotonic"]) / 1e6 - closed)
      restarted.append(int(now["ExecMainStartTimestampMonotonic"]) / 1e6 - closed)
      # Active again (readiness passed), then a little more, so the next sample starts from a healthy pool.
      while show_property([unit], "ActiveState")[unit] != "active" and time.monotonic() < deadline:
        time.sleep(0.05)
      time.sleep(1.0)
    log(f"restart {variant}: killed after {stats(killed)['median']:.2f} s, restarted after "
        f"{stats(restarted)['median']:.2f} s (median of {runs})")
  finally:
    timed([binary, "stop", *bus(), "--config", path], environ=environ, timeout=600, check=False)
  return {"count": count, "interval": interval, "failure_threshold": 3, "killed": stats(killed),
          "restarted": stats(restarted), "samples_killed": killed, "samples_restarted": restarted}


def binary_commit(binary):
  folder = os.path.dirname(os.path.realpath(binary))
  while folder != "/" and not os.path.exists(os.path.join(folder, ".git")):
    folder = os.path.dirname(folder)
  out = subprocess.run(["git", "-C", folder, "log", "-1", "--format=%h"], capture_output=True, text=True)
  return out.stdout.strip() or "unknown"


def run_liveness(runs, sizes=SIZES):
  if ONLY_SIZES:
    sizes = tuple(size for size in sizes if f"{size[0]}@{size[1]}" in ONLY_SIZES)
  binaries = {"health unit": BIN, "no liveness": BIN}
  result = {"runs": runs, "window_s": WINDOW, "slices": SLICES, "sizes": {}, "restart": {}}
  if TIMER_BIN and os.access(TIMER_BIN, os.X_OK):
    binaries["timer design"] = TIMER_BIN
    result["timer_commit"] = binary_commit(TIMER_BIN)
  else:
    result["timer_not_run"] = "CGIPOOL_TIMER_BIN names no release build of the timer design"
  manager_dir = manager_cgroup()
  listener = Listener(max(RESTART_POOL, *(n for n, _ in sizes)))
  try:
    for count, interval in sizes:
      entry = {"count": count, "interval": interval}
      for variant in VARIANTS:
        if variant not in binaries:
          continue
        if variant == "timer design" and f"{count}@{interval}" not in TIMER_SIZES:
          entry[variant] = {"not_run": f"not at this size (BENCH_TIMER_SIZES={','.join(TIMER_SIZES)}); "
                                       f"it would fork {count / interval:.0f} checks a second"}
          continue
        try:
          entry[variant] = run_variant(variant, binaries[variant], count, interval, manager_dir, listener)
        except Exception as error:  # noqa: BLE001 (the other variants' figures still count)
          entry[variant] = {"failed": f"{type(error).__name__}: {error}"[:2000]}
          log(f"liveness {count}@{interval}s {variant}: failed: {error}")
      result["sizes"][f"{count}@{interval}"] = entry
    for variant in ("health unit", "timer design"):
      if variant in binaries:
        try:
          result["restart"][variant] = restart_times(variant, binaries[variant], runs, manager_dir, listener,
                                                     count=RESTART_POOL)
        except Exception as error:  # noqa: BLE001 (the CPU figures above still count)
          result["restart"][variant] = {"failed": f"{type(error).__name__}: {error}"[:2000]}
    result["listener_cpu_total"] = listener.cpu()
  finally:
    listener.stop()
  score_goals(result)
  return result


def score_goals(result):
  """The issue's budgets (cores) against the health unit's figures, at the sizes that have them."""
  goals = {"100@2": 0.05, "1000@10": 0.1}
  result["goals"] = {key: {"budget": budget, "cores": result["sizes"][key]["health unit"]["manager"]["cores"]}
                     for key, budget in goals.items() if "manager" in result["sizes"].get(key, {}).get("health unit", {})}
  result["goal_met"] = all(g["cores"] <= g["budget"] for g in result["goals"].values())

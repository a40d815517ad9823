#!/usr/bin/env python3
"""Soak the demo pool: bounded load, random faults, then health and leak counts.

Usage: ops/soak/soak.py [--duration SECONDS] [--seed N] [--config PATH] [--json PATH]

Starts the pool with `cgipool start --monitor` (the monitor is the long-lived cgipool process whose
file descriptors are counted) on a private manager of its own (a fresh runtime folder), puts it
under a bounded load (`ab -c 4` through the proxy, run again whenever ab gives up during a fault),
and during the run injects random faults, at most 2 a minute so that no unit reaches systemd's
crash-loop limit (5 starts in 60 s): first a SIGSTOP of a process with a liveness check, held past
its failure threshold so that systemd must kill and restart it, then `kill -9` of random pool
processes, with another SIGSTOP now and then. Afterwards it waits for every process
to be healthy again, compares counts with those taken once the pool first came up (processes in
the manager's cgroups, loaded units, cgroups, open descriptors of cgipool and of the manager),
stops the pool with Ctrl+C to the monitor and checks that nothing is left: no process in /proc
matching the pool, no cgroup, no runtime folder, free ports. Exit 0 only when all of it holds.
Memory limits are not exercised: the memory controller here is cgroup v1, which the private
manager cannot delegate, so no limit could be enforced.

It binds the demo ports: beside other runs on one machine, take the lock the tests' `.demoPorts`
trait takes: flock /tmp/cgipool-demo-ports.lock make soak (it runs no real cleanup)
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


class Soak:
    def __init__(self, args):
        self.args = args
        self.random = random.Random(args.seed)
        self.cgipool = os.environ.get("CGIPOOL", os.path.join(ROOT, ".build/release/cgipool"))
        self.folder = tempfile.mkdtemp(prefix="cgipool-soak-")
        # The system PATH, as the manager's services have it: `python3` then resolves to the same
        # interpreter the unit's PATH search finds (a pyenv python run with argv[0] "python3" from
        # another PATH would look for its standard library in the wrong place).
        self.env = dict(os.environ, CGIPOOL_RUNTIME_DIR=self.folder + "/runtime", CGIPOOL_LOG_DIR=self.folder + "/logs",
                        CGI_POOL_CONFIG=args.config, PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        self.config = json.load(open(args.config))
        self.pool = self.config.get("name", "cgipool")
        self.faults = []
        self.fault_times = []
        self.problems = []

    # --- facts -----------------------------------------------------------------------------
    def run(self, *arguments, check=False):
        result = subprocess.run([self.cgipool, *arguments, "--config", self.args.config], env=self.env,
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"cgipool {' '.join(arguments)}: {result.returncode}\n{result.stdout}{result.stderr}")
        return result

    def status(self):
        result = self.run("status", "--json")
        try:
            document = json.loads(result.stdout)
        except ValueError:
            return result.returncode, {}
        return result.returncode, {p["process"]: p for p in document.get("processes", [])}

    def manager_state(self):
        path = self.folder + "/runtime/manager.json"
        return json.load(open(path)) if os.path.exists(path) else None

    def cgroup_dirs(self, state):
        dirs = []
        for root in state["cgroupDirectories"]:
            for current, subdirs, _ in os.walk(root):
                dirs.append(current)
        return dirs

    def cgroup_pids(self, state):
        pids = set()
        for directory in self.cgroup_dirs(state):
            try:
                pids.update(int(line) for line in open(directory + "/cgroup.procs").read().split())
            except OSError:
                pass
        return pids - {state["pid"]}

    @staticmethod
    def fds(pid):
        try:
            return len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            return None

    def units(self, state):
        # systemctl --user talks to $XDG_RUNTIME_DIR/systemd/private directly, without a bus
        # daemon: exactly the private manager's socket (busctl insists on a bus and its Hello).
        runtime = state["busAddress"].removeprefix("unix:path=").removesuffix("/systemd/private")
        result = subprocess.run(
            ["systemctl", "--user", "list-units", "--all", "--plain", "--no-legend", "--no-pager", self.pool + "*"],
            capture_output=True, text=True, timeout=30, env=dict(os.environ, XDG_RUNTIME_DIR=runtime))
        if result.returncode != 0:
            return None
        return sorted(line.split()[0] for line in result.stdout.splitlines() if line.strip())

    def counts(self, monitor_pid):
        state = self.manager_state()
        units = self.units(state)
        return {
            "processes in the manager's cgroups": len(self.cgroup_pids(state)),
            "cgroups": len(self.cgroup_dirs(state)),
            "units loaded": len(units) if units is not None else None,
            "fds of cgipool (monitor)": self.fds(monitor_pid),
            "fds of the manager": self.fds(state["pid"]),
        }

    def steady_counts(self, monitor_pid, samples=5):
        """The smallest of a few samples of each count: a liveness probe running at one instant
        (a process, a cgroup, a few descriptors) is not a leak."""
        taken = []
        for _ in range(samples):
            taken.append(self.counts(monitor_pid))
            time.sleep(1.3)
        return {key: min((t[key] for t in taken if t[key] is not None), default=None) for key in taken[0]}

    def healthy(self):
        code, processes = self.status()
        if code != 0:
            return False
        try:
            with urllib.request.urlopen("http://127.0.0.1:8080/cgi-bin/hello.cgi?name=soak", timeout=5) as answer:
                return answer.status == 200
        except Exception:
            return False

    def wait_healthy(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.healthy():
                return True
            time.sleep(1)
        return False

    # --- faults ----------------------------------------------------------------------------
    def kill_random(self):
        _, processes = self.status()
        running = [p for p in processes.values() if p.get("mainPID")]
        if not running:
            return
        victim = self.random.choice(running)
        os.kill(victim["mainPID"], signal.SIGKILL)
        self.faults.append(f"kill -9 {victim['process']} (pid {victim['mainPID']})")
        log(f"fault: kill -9 {victim['process']} pid {victim['mainPID']}")

    def stop_past_threshold(self):
        """SIGSTOP a process with a liveness check; systemd must kill and restart it."""
        _, processes = self.status()
        candidates = [name for name, spec in self.config["processes"].items()
                      if spec.get("restart_policy") == "always" and spec.get("health_check")
                      and processes.get(name, {}).get("mainPID")]
        if not candidates:
            return
        name = self.random.choice(candidates)
        check = self.config["processes"][name]["health_check"]
        pid = processes[name]["mainPID"]
        restarts = processes[name].get("restarts", 0)
        threshold = check.get("interval", 10) * check.get("failure_threshold", 3) + check.get("timeout", 30)
        os.kill(pid, signal.SIGSTOP)
        log(f"fault: SIGSTOP {name} pid {pid} (liveness gives up after about {threshold:.0f}s)")
        deadline = time.time() + threshold + 30
        while time.time() < deadline:
            _, now = self.status()
            entry = now.get(name, {})
            if entry.get("restarts", 0) > restarts and entry.get("mainPID") not in (None, 0, pid):
                self.faults.append(f"SIGSTOP {name} (pid {pid}): restarted by its liveness check after "
                                   f"{time.time() - (deadline - threshold - 30):.0f}s")
                log(f"  {name} restarted as pid {entry.get('mainPID')}")
                return
            time.sleep(1)
        os.kill(pid, signal.SIGCONT)
        self.problems.append(f"{name} stopped with SIGSTOP was not restarted within {threshold + 30:.0f}s")

    # --- the run ---------------------------------------------------------------------------
    def main(self):
        report = {"duration": self.args.duration, "seed": self.args.seed}
        log(f"starting the pool (runtime {self.folder}/runtime)")
        out = open(self.folder + "/monitor.out", "w")
        monitor = subprocess.Popen([self.cgipool, "start", "--monitor", "--config", self.args.config], env=self.env,
                                   stdout=out, stderr=subprocess.STDOUT)
        load = None
        try:
            if not self.wait_healthy(90):
                raise RuntimeError("the pool did not come up:\n" + open(self.folder + "/monitor.out").read())
            time.sleep(2)
            before = self.steady_counts(monitor.pid)
            report["before"] = before
            log(f"up; counts: {before}")
            end = time.time() + self.args.duration
            # ab gives up when no answer comes within -s seconds (a fault's window), so the load
            # is a loop of ab runs until the end, each appending to ab.out.
            load = subprocess.Popen(
                ["/bin/sh", "-c", 'while [ "$(date +%s)" -lt "$1" ]; do '
                 'ab -r -q -c 4 -n 100000000 -t "$(( $1 - $(date +%s) ))" -s 10 "$2"; sleep 1; done',
                 "load", str(int(end)), "http://127.0.0.1:8080/cgi-bin/hello.cgi?name=soak"],
                stdout=open(self.folder + "/ab.out", "w"), stderr=subprocess.STDOUT, start_new_session=True)
            stops = 0
            while time.time() < end - 10:
                time.sleep(self.random.uniform(3, 12))
                if time.time() >= end - 10:
                    break
                # At most 2 faults a minute across the pool: a dependency's restart restarts its
                # dependents too, and 5 starts of one unit within 60 s is systemd's crash-loop limit
                # (start-limit-hit, by design left failed), which is not what this run measures.
                self.fault_times = [t for t in self.fault_times if t > time.time() - 60]
                if len(self.fault_times) >= 2:
                    continue
                self.fault_times.append(time.time())
                # Stopping past the threshold takes ~30 s: the first fault, then at most one in four,
                # and one per 2 minutes.
                if self.random.random() < 0.25 or stops == 0:
                    if stops < max(1, self.args.duration // 120):
                        stops += 1
                        self.stop_past_threshold()
                        continue
                self.kill_random()
            # A slow machine can spend the whole run on the SIGSTOP fault (its liveness threshold
            # plus systemd's restart): every run still takes one kill -9, under the load if any is left.
            if not any(fault.startswith("kill -9 ") for fault in self.faults):
                self.kill_random()
            load.wait(timeout=self.args.duration + 60)
            ab = open(self.folder + "/ab.out").read()
            totals = {}
            for line in ab.splitlines():
                key = line.split(":")[0].strip()
                if key in ("Complete requests", "Failed requests", "Non-2xx responses"):
                    totals[key] = totals.get(key, 0) + int(line.split(":", 1)[1].split()[0])
            totals["ab runs"] = ab.count("Benchmarking 127.0.0.1")
            report["load"] = totals
            log(f"load done: {report['load']}")
            if not self.wait_healthy(120):
                self.problems.append("the pool was not healthy again within 120 s of the last fault:\n" + self.run("status").stdout)
            time.sleep(7)  # a liveness round, so its unit and descriptors are counted as in steady state
            after = self.steady_counts(monitor.pid)
            report["after"] = after
            log(f"healthy; counts: {after}")
            for key, value in before.items():
                if after.get(key) is None or value is None or after[key] > value:
                    self.problems.append(f"leak: {key}: {value} after start, {after.get(key)} after the soak")
            _, processes = self.status()
            report["restarts"] = {name: p.get("restarts", 0) for name, p in sorted(processes.items())}
        finally:
            if load and load.poll() is None:
                os.killpg(load.pid, signal.SIGKILL)  # the loop and its ab, a group of their own
            if monitor.poll() is None:
                monitor.send_signal(signal.SIGINT)
                try:
                    monitor.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    monitor.kill()
                    self.problems.append("the monitor did not stop on SIGINT")
            report["faults"] = self.faults
        # After the stop: nothing of the pool left anywhere.
        text = open(self.folder + "/monitor.out").read()
        if monitor.returncode != 0:
            self.problems.append(f"the monitor exited {monitor.returncode}:\n{text[-2000:]}")
        state_left = os.path.exists(self.folder + "/runtime")
        orphans = self.run("cleanup", "--dry-run")
        status_code, _ = self.status()
        left = {
            "runtime folder": state_left,
            "status exit (3 = nothing runs)": status_code,
            "cleanup --dry-run exit (0 = no pool process left)": orphans.returncode,
            "proxy answers": self.answers(),
        }
        report["after stop"] = left
        if state_left or status_code != 3 or orphans.returncode != 0 or left["proxy answers"]:
            self.problems.append(f"something is left after the stop: {left}\n{orphans.stdout}")
        report["problems"] = self.problems
        return report

    @staticmethod
    def answers():
        try:
            urllib.request.urlopen("http://127.0.0.1:8080/health", timeout=2)
            return True
        except Exception:
            return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=600, help="seconds of load and faults (default 600)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="random seed (printed)")
    parser.add_argument("--config", default=os.path.join(ROOT, "ops/process_config.json"))
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    if shutil.which("ab") is None:
        sys.exit("soak: ab (apache2-utils) is not installed; run ops/install-deps.sh")
    soak = Soak(args)
    try:
        report = soak.main()
    except Exception as error:  # the pool is stopped in main's finally
        print(f"soak: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        subprocess.run([soak.cgipool, "manager", "stop", "--runtime-dir", soak.folder + "/runtime"], capture_output=True)
    print(json.dumps(report, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=2)
    if report["problems"]:
        print("soak: FAILED:\n" + "\n".join(report["problems"]), file=sys.stderr)
        sys.exit(1)
    print(f"soak: passed ({len(report['faults'])} faults, leaks: none)")
    shutil.rmtree(soak.folder, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Pool across hosts, measured side by side in one run (`make bench-hosts`).

Boots three throwaway containers with the repo's testbed (systemd as PID 1), starts sshd in each
on a free loopback port (Tests/cgipoolTests/Fixtures/testbed-sshd.sh), and points cgipool's ssh at
them through an `ssh` wrapper first on PATH. Then, medians of RUNS runs:

  status:  `cgipool status` of a 3-host pool (hosts queried in parallel) against three one-host
           `cgipool status --host H` run one after another, and against the slowest single host.
  start:   a cold start of the 3-host pool (manager on a, one worker each on b and c, gated by
           cgipool) against its critical path: the manager's start on a, then a worker's on b,
           each a one-host `cgipool start --host`.

Every container it boots is stopped at the end, whatever happens. Needs root.
"""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time, json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTBED = os.path.join(ROOT, "ops/testbed/booted-systemd.sh")
SSHD = os.path.join(ROOT, "Tests/cgipoolTests/Fixtures/testbed-sshd.sh")
CGIPOOL = os.environ.get("CGIPOOL_BIN", os.path.join(ROOT, ".build/release/cgipool"))
RUNS = int(os.environ.get("RUNS", "7"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(argv, env=None, check=True):
    result = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def busy_seconds():
    """The machine's busy CPU time so far (/proc/stat: every state but idle and iowait), in s."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def timed(argv, env, ok=(0,), cpu=None):
    """Wall time of `argv`; with `cpu` (a list), the machine's busy CPU time meanwhile goes there."""
    busy = busy_seconds()
    began = time.monotonic()
    result = run(argv, env=env, check=False)
    elapsed = time.monotonic() - began
    if cpu is not None:
        cpu.append(busy_seconds() - busy)
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return elapsed


def main():
    scratch = os.path.join(ROOT, ".build", f"bench-hosts-{os.getpid()}")
    os.makedirs(os.path.join(scratch, "bin"))
    names = [f"i16b-{os.getpid() % 100000}-{x}" for x in "abc"]
    booted = []
    try:
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{scratch}/id"])
        with open(f"{scratch}/ssh_config", "w") as f:
            f.write(f"Host *\n  IdentityFile {scratch}/id\n  IdentitiesOnly yes\n"
                    f"  UserKnownHostsFile {scratch}/known_hosts\n  StrictHostKeyChecking yes\n  BatchMode yes\n")
        with open(f"{scratch}/bin/ssh", "w") as f:
            f.write(f"#!/bin/sh\nexec /usr/bin/ssh -F '{scratch}/ssh_config' \"$@\"\n")
        os.chmod(f"{scratch}/bin/ssh", 0o755)
        key = open(f"{scratch}/id.pub").read().strip()
        hosts = {}
        for name, label in zip(names, "abc"):
            run([TESTBED, "start", name, "--bind-ro", ROOT])
            booted.append(name)
            port = free_port()
            hostkey = run([TESTBED, "exec", name, SSHD, str(port), key]).stdout.split()[:2]
            with open(f"{scratch}/known_hosts", "a") as f:
                f.write(f"[127.0.0.1]:{port} {' '.join(hostkey)}\n")
            hosts[label] = f"root@127.0.0.1:{port}"
        time.sleep(0.5)
        env = dict(os.environ, PATH=f"{scratch}/bin:" + os.environ["PATH"])
        mport = free_port()
        manager = {"command": ["/bin/sh", "-c", f"exec /usr/bin/python3 -m http.server --bind 127.0.0.1 {mport}"],
                   "health_check": {"type": "port", "target": str(mport), "timeout": 20}}
        worker = {"command": ["/usr/bin/sleep", "600"]}
        configs = {
            "pool": {"name": "i16bench", "hosts": hosts, "processes": {
                "manager": dict(manager, host="a"),
                "w1": dict(worker, host="b", depends_on=["manager"]),
                "w2": dict(worker, host="c", depends_on=["manager"])}},
            "manager": {"name": "i16bm", "processes": {"manager": manager}},
            "worker": {"name": "i16bw", "processes": {"w": worker}},
        }
        for key_, value in configs.items():
            with open(f"{scratch}/{key_}.json", "w") as f:
                json.dump(value, f)
        pool = ["--config", f"{scratch}/pool.json"]

        # status: the pool running on three hosts.
        run([CGIPOOL, "start", *pool], env=env)
        across, sequential, slowest, across_cpu, single_cpu = [], [], [], [], []
        for _ in range(RUNS):
            across.append(timed([CGIPOOL, "status", *pool], env, cpu=across_cpu))
            singles = []
            for label in "abc":
                # A one-host status of the same units: the pool config names hosts, so ask each
                # host for its part with a one-machine config of the same pool name.
                part = {"name": "i16bench", "processes": {p: {"command": ["/usr/bin/true"]}
                        for p, spec in configs["pool"]["processes"].items() if spec["host"] == label}}
                path = f"{scratch}/part-{label}.json"
                with open(path, "w") as f:
                    json.dump(part, f)
                singles.append(timed([CGIPOOL, "status", "--config", path, "--host", hosts[label]], env, cpu=single_cpu))
            sequential.append(sum(singles))
            slowest.append(max(singles))
        run([CGIPOOL, "stop", *pool], env=env)

        # cold start: across hosts vs its critical path (manager on a, then a worker on b).
        cold, critical = [], []
        for _ in range(RUNS):
            cold.append(timed([CGIPOOL, "start", *pool], env))
            run([CGIPOOL, "stop", *pool], env=env)
            m = timed([CGIPOOL, "start", "--config", f"{scratch}/manager.json", "--host", hosts["a"]], env)
            w = timed([CGIPOOL, "start", "--config", f"{scratch}/worker.json", "--host", hosts["b"]], env)
            critical.append(m + w)
            run([CGIPOOL, "stop", "--config", f"{scratch}/manager.json", "--host", hosts["a"]], env=env)
            run([CGIPOOL, "stop", "--config", f"{scratch}/worker.json", "--host", hosts["b"]], env=env)

        med = statistics.median
        print(f"pool across hosts, {RUNS} runs each, medians (ms; the machine is shared, compare ratios):")
        print(f"  status 3-host pool (parallel)         {med(across)*1000:8.1f}")
        print(f"  status 3 single hosts one after other {med(sequential)*1000:8.1f}   ratio {med(across)/med(sequential):.2f}")
        print(f"  status slowest single host            {med(slowest)*1000:8.1f}   ratio {med(across)/med(slowest):.2f}")
        # Here the three "remote" machines are containers on this machine's cores: each host's
        # ssh handshake and sd-bus bridge (both ends) is CPU work, and three at once cannot take
        # less wall time than their CPU time spread over the cores.
        cores = os.cpu_count()
        bound = max(med(slowest), 3 * med(single_cpu) / cores)
        print(f"  CPU per single-host status (machine)  {med(single_cpu)*1000:8.1f}   3 hosts on {cores} cores need >= {3*med(single_cpu)/cores*1000:.1f}")
        print(f"  CPU per 3-host status (machine)       {med(across_cpu)*1000:8.1f}")
        print(f"  status 3-host vs its bound here       {bound*1000:8.1f}   ratio {med(across)/bound:.2f}")
        print(f"  cold start across 3 hosts             {med(cold)*1000:8.1f}")
        print(f"  critical path (manager a + worker b)  {med(critical)*1000:8.1f}   ratio {med(cold)/med(critical):.2f}")
    finally:
        for name in booted:
            run([TESTBED, "stop", name], check=False)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

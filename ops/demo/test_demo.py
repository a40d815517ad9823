"""End-to-end tests of the cgipool demo pool: real processes on free ports, stopped by PID.

Run from the repository root: python3 -m unittest ops/demo/test_demo.py
Standard library only.
"""

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "workers"))
from cgi_host import CgiOutputError, parse_cgi_output  # noqa: E402

#: Generous upper bound for a service to come up or go down; never a speed assertion.
DEADLINE = 15.0


def free_port():
  with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    return probe.getsockname()[1]


def free_ports(count):
  """`count` different free ports: each stays bound until all are chosen, so none comes twice."""
  probes = [socket.socket() for _ in range(count)]
  try:
    for probe in probes:
      probe.bind(("127.0.0.1", 0))
    return [probe.getsockname()[1] for probe in probes]
  finally:
    for probe in probes:
      probe.close()


def fetch(url, method="GET", data=None, timeout=10):
  """(status, headers, body) for url; HTTP errors are answers too."""
  request = urllib.request.Request(url, method=method, data=data)
  try:
    with urllib.request.urlopen(request, timeout=timeout) as response:
      return response.status, response.headers, response.read().decode()
  except urllib.error.HTTPError as error:
    return error.code, error.headers, error.read().decode()


class Services:
  """Processes started by one test class, each logging to its own file."""

  def __init__(self, test_name):
    self.folder = tempfile.mkdtemp(prefix=f"cgipool-demo-{test_name}-")
    self.processes = {}

  def start(self, name, script, *args, env=None):
    log = open(os.path.join(self.folder, f"{name}.log"), "w")
    process = subprocess.Popen([sys.executable, os.path.join(HERE, script), *args], cwd=HERE,
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    log.close()
    self.processes[name] = process
    return process

  #: Runs argv[2:] with fd argv[1] as fd 3 and the LISTEN_* variables systemd sets for it
  #: (LISTEN_PID is the PID that execs the program: exec keeps it).
  LAUNCH = ("import os, sys; fd = int(sys.argv[1]); os.dup2(fd, 3); os.close(fd) if fd != 3 else None; "
            "os.environ.update(LISTEN_PID=os.environ.get('TEST_LISTEN_PID') or str(os.getpid()), LISTEN_FDS='1', "
            "LISTEN_FDNAMES='held'); os.execv(sys.argv[2], sys.argv[2:])")

  def start_with_socket(self, name, script, listener, *args, env=None):
    """Starts `script` as systemd would with `listen`: `listener` (listening) becomes its fd 3."""
    log = open(os.path.join(self.folder, f"{name}.log"), "w")
    fd = listener.fileno()
    process = subprocess.Popen([sys.executable, "-c", self.LAUNCH, str(fd), sys.executable, os.path.join(HERE, script), *args],
                               cwd=HERE, stdout=log, stderr=subprocess.STDOUT, pass_fds=(fd,),
                               env={**os.environ, **(env or {})})
    log.close()
    self.processes[name] = process
    return process

  def log(self, name):
    with open(os.path.join(self.folder, f"{name}.log")) as file:
      return file.read()

  def wait_healthy(self, name, url):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
      if self.processes[name].poll() is not None:
        raise AssertionError(f"{name} exited with {self.processes[name].returncode}:\n{self.log(name)}")
      try:
        if fetch(url, timeout=1)[0] == 200:
          return
      except OSError:
        pass
      time.sleep(0.05)
    raise AssertionError(f"{name} not healthy at {url} within {DEADLINE}s:\n{self.log(name)}")

  def stop(self, name):
    """SIGTERM to this one PID; returns the exit code (SIGKILL only if it ignores the TERM)."""
    process = self.processes[name]
    if process.poll() is None:
      process.terminate()
      try:
        process.wait(DEADLINE)
      except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return process.returncode

  def stop_all(self):
    for name in reversed(list(self.processes)):
      self.stop(name)
    shutil.rmtree(self.folder, ignore_errors=True)


def start_pool(services, interval="0.3"):
  """Two workers, a manager and a proxy on free ports; returns their ports by name."""
  ports = {name: free_port() for name in ("sample_hello", "sample_time", "manager", "proxy")}
  services.start("sample_hello", "workers/sample_hello_cgi.py", "--port", str(ports["sample_hello"]))
  services.start("sample_time", "workers/sample_time_cgi.py", "--port", str(ports["sample_time"]))
  services.wait_healthy("sample_hello", f"http://127.0.0.1:{ports['sample_hello']}/health")
  services.wait_healthy("sample_time", f"http://127.0.0.1:{ports['sample_time']}/health")
  services.start("manager", "pool/manager.py", "--port", str(ports["manager"]), "--interval", interval,
                 "--worker", f"sample_hello=http://127.0.0.1:{ports['sample_hello']}",
                 "--worker", f"sample_time=http://127.0.0.1:{ports['sample_time']}", env={"POOL_SIZE": "2"})
  services.wait_healthy("manager", f"http://127.0.0.1:{ports['manager']}/health")
  services.start("proxy", "proxy/proxy.py", "--port", str(ports["proxy"]),
                 "--manager", f"http://127.0.0.1:{ports['manager']}", "--refresh", "0.2")
  services.wait_healthy("proxy", f"http://127.0.0.1:{ports['proxy']}/health")
  return ports


class PoolThroughProxyTests(unittest.TestCase):
  """Requests through the proxy reach a worker, which runs the real CGI script."""

  @classmethod
  def setUpClass(cls):
    cls.services = Services("pool")
    try:
      cls.ports = start_pool(cls.services)
    except BaseException:
      cls.services.stop_all()
      raise
    cls.proxy = f"http://127.0.0.1:{cls.ports['proxy']}"

  @classmethod
  def tearDownClass(cls):
    cls.services.stop_all()

  def test_get_runs_echo_cgi_on_a_worker(self):
    status, headers, body = fetch(f"{self.proxy}/cgi-bin/echo.cgi?x=1")
    self.assertEqual(status, 200)
    self.assertEqual(headers["Content-Type"], "text/plain; charset=utf-8")
    self.assertIn("GATEWAY_INTERFACE=CGI/1.1\n", body)
    self.assertIn("REQUEST_METHOD=GET\n", body)
    self.assertIn("QUERY_STRING=x=1\n", body)
    self.assertIn("SCRIPT_NAME=/cgi-bin/echo.cgi\n", body)
    worker = headers["X-CGI-Worker"]
    self.assertIn(worker, ("sample_hello", "sample_time"))
    # The worker named in the header is the one whose CGI environment the script printed.
    self.assertIn(f"SERVER_SOFTWARE=cgipool-demo-worker/1.0 ({worker})\n", body)

  def test_requests_alternate_between_workers(self):
    seen = [fetch(f"{self.proxy}/cgi-bin/echo.cgi")[1]["X-CGI-Worker"] for _ in range(4)]
    self.assertEqual(set(seen), {"sample_hello", "sample_time"})
    self.assertTrue(all(a != b for a, b in zip(seen, seen[1:])), seen)

  def test_post_forwards_body_path_info_and_query(self):
    status, _, body = fetch(f"{self.proxy}/cgi-bin/echo.cgi/some/path?a=b&c=d", method="POST", data=b"payload=42")
    self.assertEqual(status, 200)
    self.assertIn("REQUEST_METHOD=POST\n", body)
    self.assertIn("PATH_INFO=/some/path\n", body)
    self.assertIn("QUERY_STRING=a=b&c=d\n", body)
    self.assertIn("CONTENT_LENGTH=10\n", body)
    self.assertIn("body=payload=42\n", body)

  def test_python_cgi_script_and_its_status_header(self):
    status, _, body = fetch(f"{self.proxy}/cgi-bin/hello.cgi?name=tests")
    self.assertEqual((status, body), (200, "Hello, tests!\n"))
    status, headers, body = fetch(f"{self.proxy}/cgi-bin/hello.cgi", method="POST", data=b"")
    self.assertEqual(status, 405)
    self.assertEqual(headers["Allow"], "GET, HEAD")
    self.assertNotIn("Status", headers)

  def test_time_cgi_answers_json(self):
    status, headers, body = fetch(f"{self.proxy}/cgi-bin/time.cgi")
    self.assertEqual(status, 200)
    document = json.loads(body)
    self.assertLess(abs(document["epoch"] - time.time()), 300)
    self.assertIn(headers["X-CGI-Worker"], document["server"])

  def test_index_route_runs_each_workers_own_script(self):
    status, _, body = fetch(f"http://127.0.0.1:{self.ports['sample_hello']}/")
    self.assertEqual((status, body), (200, "Hello, world!\n"))
    status, _, body = fetch(f"http://127.0.0.1:{self.ports['sample_time']}/")
    self.assertEqual(status, 200)
    self.assertIn("(sample_time)", json.loads(body)["server"])

  def test_unknown_or_escaping_scripts_are_404(self):
    for path in ("/cgi-bin/missing.cgi", "/cgi-bin/..%2fpool%2fmanager.py", "/cgi-bin/.hidden", "/elsewhere"):
      with self.subTest(path=path):
        self.assertEqual(fetch(self.proxy + path)[0], 404)

  def test_manager_lists_and_checks_workers(self):
    status, _, body = fetch(f"http://127.0.0.1:{self.ports['manager']}/workers")
    self.assertEqual(status, 200)
    self.assertEqual(json.loads(body), [
      {"name": "sample_hello", "url": f"http://127.0.0.1:{self.ports['sample_hello']}", "healthy": True},
      {"name": "sample_time", "url": f"http://127.0.0.1:{self.ports['sample_time']}", "healthy": True},
    ])
    status, _, body = fetch(f"http://127.0.0.1:{self.ports['manager']}/health")
    health = json.loads(body)
    self.assertEqual((status, health["status"], health["pool_size"], health["healthy"]), (200, "ok", 2, 2))

  def test_each_service_logs_one_line_per_request(self):
    fetch(f"{self.proxy}/cgi-bin/echo.cgi?logged=yes")
    line = '"GET /cgi-bin/echo.cgi?logged=yes HTTP/1.1" 200'
    proxy_lines = [l for l in self.services.log("proxy").splitlines() if line in l]
    self.assertEqual(len(proxy_lines), 1, self.services.log("proxy"))
    worker = proxy_lines[0].rsplit("worker=", 1)[1]
    self.assertEqual(sum(line in l for l in self.services.log(worker).splitlines()), 1)


class FailoverTests(unittest.TestCase):
  """When a worker stops, the proxy routes around it and the manager reports it."""

  def setUp(self):
    self.services = Services("failover")
    self.addCleanup(self.services.stop_all)
    self.ports = start_pool(self.services)

  def test_stopped_worker_is_skipped_and_reported(self):
    self.assertEqual(self.services.stop("sample_time"), 0)
    proxy = f"http://127.0.0.1:{self.ports['proxy']}"
    # Right away (before the manager notices) a refused connection falls through to the other worker.
    for _ in range(3):
      status, headers, _ = fetch(f"{proxy}/cgi-bin/echo.cgi")
      self.assertEqual((status, headers["X-CGI-Worker"]), (200, "sample_hello"))
    manager = f"http://127.0.0.1:{self.ports['manager']}/health"
    end = time.monotonic() + DEADLINE
    while json.loads(fetch(manager)[2])["status"] != "degraded":
      self.assertLess(time.monotonic(), end, "manager never reported the stopped worker")
      time.sleep(0.1)
    health = json.loads(fetch(manager)[2])
    self.assertEqual({w["name"]: w["healthy"] for w in health["workers"]}, {"sample_hello": True, "sample_time": False})
    self.assertEqual(fetch(f"{proxy}/health")[0], 200)

    self.assertEqual(self.services.stop("sample_hello"), 0)
    end = time.monotonic() + DEADLINE
    while fetch(f"{proxy}/cgi-bin/echo.cgi")[0] != 503:
      self.assertLess(time.monotonic(), end, "proxy kept answering without workers")
      time.sleep(0.1)


class InFlightHelpers:
  """A slow CGI script, a request to it in the background, and what a stop signals: for tests of
  stopping a service with a request in flight."""

  def slow_cgi_dir(self, seconds):
    """A cgi-bin folder with slow.cgi, which answers after `seconds`."""
    folder = tempfile.mkdtemp(prefix="cgipool-demo-slow-")
    self.addCleanup(shutil.rmtree, folder, True)
    path = os.path.join(folder, "slow.cgi")
    with open(path, "w") as script:
      script.write(f"#!/bin/sh\nsleep {seconds}\nprintf 'Content-Type: text/plain\\r\\n\\r\\nfinished\\n'\n")
    os.chmod(path, 0o755)
    return folder

  def fetch_in_background(self, url):
    """Starts fetching url in a thread; returns a dict that gets `answer` or `error`."""
    result = {}

    def run():
      try:
        result["answer"] = fetch(url, timeout=DEADLINE)
      except Exception as error:  # the test reports it
        result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    result["thread"] = thread
    return result

  def wait_for_log(self, name, text):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
      if text in self.services.log(name):
        return
      time.sleep(0.05)
    self.fail(f"{name} never logged {text!r}:\n{self.services.log(name)}")

  @staticmethod
  def with_descendants(pid):
    """pid and every process below it, from /proc: what systemd's stop signals (KillMode=control-group)."""
    parents = {}
    for entry in os.listdir("/proc"):
      if entry.isdigit():
        try:
          with open(f"/proc/{entry}/stat") as stat:
            parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
          continue
    found, queue = [pid], [pid]
    while queue:
      parent = queue.pop()
      children = [child for child, ppid in parents.items() if ppid == parent]
      found += children
      queue += children
    return found


class LaggingManagerTests(unittest.TestCase):
  """The manager's view can lag behind a worker that serves (a check that waited while a replica
  restarted behind a held socket timed out): with no worker known healthy, the proxy still tries
  the known ones, and answers 503 only when every one refuses."""

  class HealthFailsServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

  class HealthFailsHandler(http.server.BaseHTTPRequestHandler):
    """A worker whose /health fails while it answers everything else."""
    protocol_version = "HTTP/1.0"

    def do_GET(self):
      status, body = (503, b"not ready\n") if self.path == "/health" else (200, b"served anyway\n")
      self.send_response(status)
      self.send_header("Content-Length", str(len(body)))
      self.end_headers()
      self.wfile.write(body)

    def log_message(self, format, *args):
      pass

  def setUp(self):
    self.services = Services("lagging")
    self.addCleanup(self.services.stop_all)

  def test_proxy_tries_known_workers_when_none_is_healthy(self):
    worker = self.HealthFailsServer(("127.0.0.1", 0), self.HealthFailsHandler)
    threading.Thread(target=worker.serve_forever, daemon=True).start()
    self.addCleanup(worker.server_close)
    worker_port = worker.server_address[1]
    manager, proxy = free_ports(2)
    self.services.start("manager", "pool/manager.py", "--port", str(manager), "--interval", "0.3",
                        "--worker", f"w=http://127.0.0.1:{worker_port}")
    self.services.wait_healthy("manager", f"http://127.0.0.1:{manager}/health")
    self.assertEqual(json.loads(fetch(f"http://127.0.0.1:{manager}/workers")[2]), [
      {"name": "w", "url": f"http://127.0.0.1:{worker_port}", "healthy": False}])
    self.services.start("proxy", "proxy/proxy.py", "--port", str(proxy), "--manager", f"http://127.0.0.1:{manager}",
                        "--refresh", "0.2")
    self.services.wait_healthy("proxy", f"http://127.0.0.1:{proxy}/health")
    status, headers, body = fetch(f"http://127.0.0.1:{proxy}/anything")
    self.assertEqual((status, headers["X-CGI-Worker"], body), (200, "w", "served anyway\n"))
    # Gone for real: the connection is refused, and that is a 503.
    worker.shutdown()
    worker.server_close()
    self.assertEqual(fetch(f"http://127.0.0.1:{proxy}/anything")[0], 503)


class LifecycleTests(InFlightHelpers, unittest.TestCase):
  """SIGTERM, proxy health without a manager, and the warmup one-shot."""

  def setUp(self):
    self.services = Services("lifecycle")
    self.addCleanup(self.services.stop_all)

  def test_sigterm_exits_zero_for_every_service(self):
    worker_port, manager_port, proxy_port = free_port(), free_port(), free_port()
    self.services.start("worker", "workers/sample_hello_cgi.py", "--port", str(worker_port))
    self.services.start("manager", "pool/manager.py", "--port", str(manager_port),
                        "--worker", f"w=http://127.0.0.1:{worker_port}")
    self.services.start("proxy", "proxy/proxy.py", "--port", str(proxy_port),
                        "--manager", f"http://127.0.0.1:{manager_port}")
    for name, port in (("worker", worker_port), ("manager", manager_port), ("proxy", proxy_port)):
      self.services.wait_healthy(name, f"http://127.0.0.1:{port}/health")
    for name in ("proxy", "manager", "worker"):
      with self.subTest(service=name):
        self.assertEqual(self.services.stop(name), 0, self.services.log(name))
        self.assertIn("stopping", self.services.log(name))

  def test_sigterm_lets_a_request_in_flight_finish(self):
    """A worker and a proxy stopped mid-request answer it before they exit 0 (graceful drain)."""
    worker_port, manager_port, proxy_port = free_port(), free_port(), free_port()
    # One after the other: the manager's first check must already find the worker up.
    self.services.start("worker", "workers/sample_hello_cgi.py", "--port", str(worker_port),
                        "--cgi-dir", self.slow_cgi_dir(1.5))
    self.services.wait_healthy("worker", f"http://127.0.0.1:{worker_port}/health")
    self.services.start("manager", "pool/manager.py", "--port", str(manager_port),
                        "--worker", f"w=http://127.0.0.1:{worker_port}")
    self.services.wait_healthy("manager", f"http://127.0.0.1:{manager_port}/health")
    self.services.start("proxy", "proxy/proxy.py", "--port", str(proxy_port),
                        "--manager", f"http://127.0.0.1:{manager_port}")
    self.services.wait_healthy("proxy", f"http://127.0.0.1:{proxy_port}/health")
    for stopped, url in (("proxy", f"http://127.0.0.1:{proxy_port}/cgi-bin/slow.cgi"),
                         ("worker", f"http://127.0.0.1:{worker_port}/cgi-bin/slow.cgi")):
      with self.subTest(stopped=stopped):
        request = self.fetch_in_background(url)
        # The request is in flight once the worker has started the script.
        time.sleep(0.5)
        # As systemd stops a unit: SIGTERM to the service and every process it started.
        targets = self.with_descendants(self.services.processes[stopped].pid)
        if stopped == "worker":
          self.assertGreater(len(targets), 1, "the CGI script should be running")
        for pid in targets:
          os.kill(pid, signal.SIGTERM)
        self.wait_for_log(stopped, "draining 1 request in flight")
        request["thread"].join(DEADLINE)
        self.assertNotIn("error", request, self.services.log(stopped))
        status, _, body = request["answer"]
        self.assertEqual((status, body), (200, "finished\n"), self.services.log(stopped))
        # It exits by itself once drained: no second signal.
        self.assertEqual(self.services.processes[stopped].wait(DEADLINE), 0, self.services.log(stopped))

  def test_a_cgi_script_is_safe_from_the_stop_signal_from_its_fork(self):
    """A script starts with SIGTERM blocked as well as ignored: a stop that signals the whole unit
    between the fork and the shell's `trap "" TERM` must not kill a request in flight (it did,
    as a 502, during rolling restarts under load)."""
    folder = tempfile.mkdtemp(prefix="cgipool-demo-signals-")
    self.addCleanup(shutil.rmtree, folder, True)
    path = os.path.join(folder, "signals.cgi")
    # Python, not sh: a shell unblocks signals while it waits for a command it runs.
    with open(path, "w") as script:
      script.write(f"#!{sys.executable}\n"
                   "print('Content-Type: text/plain\\n')\n"
                   "print(''.join(line for line in open('/proc/self/status') if line.startswith(('SigBlk:', 'SigIgn:'))))\n")
    os.chmod(path, 0o755)
    port = free_port()
    self.services.start("worker", "workers/sample_hello_cgi.py", "--port", str(port), "--cgi-dir", folder)
    self.services.wait_healthy("worker", f"http://127.0.0.1:{port}/health")
    status, _, body = fetch(f"http://127.0.0.1:{port}/cgi-bin/signals.cgi")
    self.assertEqual(status, 200, body)
    masks = dict(line.split(":\t") for line in body.splitlines() if line)
    term = 1 << (signal.SIGTERM - 1)
    self.assertTrue(int(masks["SigBlk"], 16) & term, body)
    self.assertTrue(int(masks["SigIgn"], 16) & term, body)
    # The worker itself still stops on SIGTERM.
    self.assertEqual(self.services.stop("worker"), 0, self.services.log("worker"))

  def test_sigterm_waits_for_a_connection_accepted_before_its_request(self):
    """A connection the worker accepted just before the stop is answered, not cut: its request
    was on its way (with a socket held by systemd, clients connect at any moment of a restart)."""
    worker_port = free_port()
    self.services.start("worker", "workers/sample_hello_cgi.py", "--port", str(worker_port))
    self.services.wait_healthy("worker", f"http://127.0.0.1:{worker_port}/health")
    client = socket.create_connection(("127.0.0.1", worker_port), timeout=DEADLINE)
    self.addCleanup(client.close)
    # Accepted by now: the server accepts as soon as the connection is queued.
    time.sleep(0.5)
    os.kill(self.services.processes["worker"].pid, signal.SIGTERM)
    self.wait_for_log("worker", "draining 1 request in flight")
    client.sendall(b"GET /cgi-bin/hello.cgi?name=late HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    answer = b""
    while chunk := client.recv(65536):
      answer += chunk
    self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:200])
    self.assertEqual(self.services.processes["worker"].wait(DEADLINE), 0, self.services.log("worker"))

  def test_proxy_health_fails_without_manager(self):
    proxy_port = free_port()
    self.services.start("proxy", "proxy/proxy.py", "--port", str(proxy_port), "--manager", f"http://127.0.0.1:{free_port()}")
    end = time.monotonic() + DEADLINE
    while True:
      try:
        status, _, body = fetch(f"http://127.0.0.1:{proxy_port}/health")
        break
      except OSError:
        self.assertLess(time.monotonic(), end)
        time.sleep(0.05)
    self.assertEqual(status, 503)
    self.assertEqual(json.loads(body)["status"], "manager unreachable")
    self.assertEqual(fetch(f"http://127.0.0.1:{proxy_port}/cgi-bin/echo.cgi")[0], 503)

  def test_warmup_accepts_the_demo_scripts_and_rejects_a_broken_one(self):
    good = subprocess.run([sys.executable, os.path.join(HERE, "warmup.py")], capture_output=True, text=True, timeout=60)
    self.assertEqual(good.returncode, 0, good.stdout + good.stderr)
    self.assertIn("echo.cgi: ok", good.stdout)
    broken = os.path.join(self.services.folder, "cgi-bin")
    os.mkdir(broken)
    with open(os.path.join(broken, "bad.cgi"), "w") as file:
      file.write("#!/bin/sh\necho no headers here\n")
    os.chmod(os.path.join(broken, "bad.cgi"), 0o755)
    bad = subprocess.run([sys.executable, os.path.join(HERE, "warmup.py"), "--cgi-dir", broken],
                         capture_output=True, text=True, timeout=60)
    self.assertEqual(bad.returncode, 1, bad.stdout)
    self.assertIn("bad.cgi: dry run printed no valid CGI response", bad.stdout)


def held_socket():
  """A listening socket on a free port, as systemd holds one for a process with `listen`."""
  listener = socket.socket()
  listener.bind(("127.0.0.1", 0))
  listener.listen(64)
  return listener, listener.getsockname()[1]


def refuses(port):
  """Whether nothing listens on 127.0.0.1:port."""
  with socket.socket() as probe:
    return probe.connect_ex(("127.0.0.1", port)) != 0


class InheritedSocketTests(unittest.TestCase):
  """The demo's worker and proxy serve on the socket systemd passes (LISTEN_FDS, fd 3), and
  still bind their own port when none is passed (the other tests run them so)."""

  def setUp(self):
    self.services = Services("inherited")
    self.addCleanup(self.services.stop_all)

  def test_worker_serves_on_the_inherited_socket(self):
    listener, port = held_socket()
    self.addCleanup(listener.close)
    unused = free_port()
    self.services.start_with_socket("worker", "workers/sample_hello_cgi.py", listener, "--port", str(unused))
    listener.close()  # the worker has its own copy now, as it would from systemd
    self.services.wait_healthy("worker", f"http://127.0.0.1:{port}/health")
    self.assertTrue(refuses(unused), "the worker bound --port although it was given a socket")
    self.assertIn(f"listening on http://127.0.0.1:{port} (socket inherited from systemd)", self.services.log("worker"))
    status, _, body = fetch(f"http://127.0.0.1:{port}/cgi-bin/echo.cgi?x=1")
    self.assertEqual(status, 200, body)
    self.assertEqual(self.services.stop("worker"), 0, self.services.log("worker"))

  def test_proxy_serves_on_the_inherited_socket(self):
    ports = {"worker": free_port(), "manager": free_port()}
    self.services.start("worker", "workers/sample_hello_cgi.py", "--port", str(ports["worker"]))
    self.services.wait_healthy("worker", f"http://127.0.0.1:{ports['worker']}/health")
    self.services.start("manager", "pool/manager.py", "--port", str(ports["manager"]), "--interval", "0.3",
                        "--worker", f"w=http://127.0.0.1:{ports['worker']}")
    self.services.wait_healthy("manager", f"http://127.0.0.1:{ports['manager']}/health")
    listener, port = held_socket()
    self.addCleanup(listener.close)
    # Connections made before the proxy runs wait in the held socket's backlog, and are answered.
    early = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
    self.addCleanup(early.close)
    early.sendall(b"GET /health HTTP/1.0\r\nHost: x\r\n\r\n")
    unused = free_port()
    self.services.start_with_socket("proxy", "proxy/proxy.py", listener, "--port", str(unused),
                                    "--manager", f"http://127.0.0.1:{ports['manager']}", "--refresh", "0.2")
    listener.close()
    self.services.wait_healthy("proxy", f"http://127.0.0.1:{port}/health")
    self.assertTrue(refuses(unused))
    answer = early.recv(64)
    self.assertRegex(answer, rb"^HTTP/1\.[01] 200 ", self.services.log("proxy"))
    status, _, body = fetch(f"http://127.0.0.1:{port}/cgi-bin/echo.cgi")
    self.assertEqual(status, 200, body)
    self.assertEqual(self.services.stop("proxy"), 0, self.services.log("proxy"))

  def test_a_socket_for_another_process_is_ignored(self):
    listener, port = held_socket()
    self.addCleanup(listener.close)
    own = free_port()
    # LISTEN_PID names another process (as after a fork): the fds are not this one's.
    self.services.start_with_socket("worker", "workers/sample_hello_cgi.py", listener, "--port", str(own),
                                    env={"TEST_LISTEN_PID": "1"})
    self.services.wait_healthy("worker", f"http://127.0.0.1:{own}/health")
    self.assertNotIn("inherited", self.services.log("worker"))


class HealthPortTests(InFlightHelpers, unittest.TestCase):
  """--health-port: each service answers GET /health on a port of its own, bound by the process
  itself, only while it serves (a probe of a port systemd holds would answer before it runs)."""

  def setUp(self):
    self.services = Services("health-port")
    self.addCleanup(self.services.stop_all)

  def test_worker_on_an_inherited_socket_answers_health_on_its_own_port(self):
    listener, port = held_socket()
    self.addCleanup(listener.close)
    health, unused = free_ports(2)
    self.services.start_with_socket("worker", "workers/sample_hello_cgi.py", listener, "--port", str(unused),
                                    "--health-port", str(health), "--cgi-dir", self.slow_cgi_dir(2))
    listener.close()
    self.services.wait_healthy("worker", f"http://127.0.0.1:{health}/health")
    status, headers, body = fetch(f"http://127.0.0.1:{health}/health")
    self.assertEqual(json.loads(body)["name"], "sample_hello")
    self.assertEqual(headers["Content-Type"], "application/json")
    self.assertIn(f"health on http://127.0.0.1:{health}/health", self.services.log("worker"))
    # Only /health: the health port runs no script and serves nothing else.
    self.assertEqual(fetch(f"http://127.0.0.1:{health}/")[0], 404)
    self.assertEqual(fetch(f"http://127.0.0.1:{health}/cgi-bin/slow.cgi")[0], 404)
    self.assertEqual(fetch(f"http://127.0.0.1:{health}/health", method="POST", data=b"")[0], 404)
    self.assertEqual(fetch(f"http://127.0.0.1:{port}/health")[0], 200)

    # Stopping with a request in flight: the health port goes away at once, the request finishes.
    request = self.fetch_in_background(f"http://127.0.0.1:{port}/cgi-bin/slow.cgi")
    time.sleep(0.5)
    for pid in self.with_descendants(self.services.processes["worker"].pid):
      os.kill(pid, signal.SIGTERM)
    self.wait_for_log("worker", "draining")
    self.assertTrue(refuses(health), "the health port still answers while the worker drains")
    self.assertTrue(request["thread"].is_alive(), "the slow request ended before the check")
    request["thread"].join(DEADLINE)
    self.assertNotIn("error", request, self.services.log("worker"))
    self.assertEqual(request["answer"][0], 200, self.services.log("worker"))
    self.assertEqual(self.services.processes["worker"].wait(DEADLINE), 0, self.services.log("worker"))

  def test_manager_and_proxy_answer_their_own_health_on_the_health_port(self):
    names = ("worker", "manager", "manager_health", "proxy", "proxy_health")
    ports = dict(zip(names, free_ports(len(names))))
    self.services.start("worker", "workers/sample_hello_cgi.py", "--port", str(ports["worker"]))
    self.services.wait_healthy("worker", f"http://127.0.0.1:{ports['worker']}/health")
    self.services.start("manager", "pool/manager.py", "--port", str(ports["manager"]), "--interval", "0.3",
                        "--health-port", str(ports["manager_health"]), "--worker", f"w=http://127.0.0.1:{ports['worker']}")
    self.services.wait_healthy("manager", f"http://127.0.0.1:{ports['manager_health']}/health")
    status, _, body = fetch(f"http://127.0.0.1:{ports['manager_health']}/health")
    self.assertEqual(json.loads(body)["workers"][0]["name"], "w")
    self.assertEqual(fetch(f"http://127.0.0.1:{ports['manager_health']}/workers")[0], 404)
    self.services.start("proxy", "proxy/proxy.py", "--port", str(ports["proxy"]), "--health-port", str(ports["proxy_health"]),
                        "--manager", f"http://127.0.0.1:{ports['manager']}", "--refresh", "0.2")
    self.services.wait_healthy("proxy", f"http://127.0.0.1:{ports['proxy_health']}/health")
    self.assertEqual(fetch(f"http://127.0.0.1:{ports['proxy_health']}/cgi-bin/echo.cgi")[0], 404)
    self.assertEqual(fetch(f"http://127.0.0.1:{ports['proxy']}/cgi-bin/echo.cgi")[0], 200)
    # The proxy's health is its own /health's: 503 once the manager is gone.
    self.assertEqual(self.services.stop("manager"), 0)
    status, _, body = fetch(f"http://127.0.0.1:{ports['proxy_health']}/health")
    self.assertEqual((status, json.loads(body)["status"]), (503, "manager unreachable"))
    self.assertEqual(self.services.stop("proxy"), 0, self.services.log("proxy"))
    self.assertTrue(refuses(ports["proxy_health"]))

  def test_a_health_port_in_use_is_an_error_naming_it(self):
    with socket.socket() as taken:
      taken.bind(("127.0.0.1", 0))
      taken.listen(1)
      busy = taken.getsockname()[1]
      port = free_port()
      process = self.services.start("worker", "workers/sample_time_cgi.py", "--port", str(port), "--health-port", str(busy))
      self.assertEqual(process.wait(DEADLINE), 1)
    self.assertIn(f"cannot listen on 127.0.0.1:{busy} (--health-port)", self.services.log("worker"))
    self.assertTrue(refuses(port), "the worker's own port stayed bound")


class ParseCgiOutputTests(unittest.TestCase):
  """The CGI response parser the workers use (RFC 3875 section 6)."""

  def test_crlf_and_lf_headers(self):
    for output in (b"Content-Type: text/plain\r\n\r\nhi", b"Content-Type: text/plain\n\nhi"):
      with self.subTest(output=output):
        self.assertEqual(parse_cgi_output(output), (200, "OK", [("Content-Type", "text/plain")], b"hi"))

  def test_status_header_sets_status_and_is_dropped(self):
    status, reason, headers, body = parse_cgi_output(b"Status: 404 Nope\nContent-Type: text/plain\n\nx")
    self.assertEqual((status, reason, headers, body), (404, "Nope", [("Content-Type", "text/plain")], b"x"))

  def test_location_without_status_redirects(self):
    self.assertEqual(parse_cgi_output(b"Location: http://example.test/\n\n")[:2], (302, "Found"))

  def test_header_only_output(self):
    self.assertEqual(parse_cgi_output(b"Status: 204 No Content\n"), (204, "No Content", [], b""))

  def test_invalid_outputs(self):
    for output in (b"", b"just text\n\nbody", b"X-Thing: 1\n\nbody without type", b"Status: abc\n\n"):
      with self.subTest(output=output):
        with self.assertRaises(CgiOutputError):
          parse_cgi_output(output)


if __name__ == "__main__":
  unittest.main()

#!/usr/bin/env python3
"""The cgipool demo's pool manager: knows the CGI workers and checks them periodically.

Routes:
  GET /health   200 + {"status", "pool_size", "healthy", "workers": [...]}; status is "ok" when at
                least pool_size workers answer, "degraded" when some do, "down" when none do. The
                HTTP status stays 200 while the manager itself runs: its health is its own.
  GET /workers  200 + [{"name", "url", "healthy"}, ...], sorted by name (what the proxy reads).

Workers come from --worker NAME=URL (repeatable) or else from a JSON file (default workers.json
beside this script): [{"name": "sample_hello", "url": "http://127.0.0.1:9001"}, ...].
A worker is healthy when GET <url>/health answers 200 within --check-timeout seconds.

Usage: python3 pool/manager.py --port 8001 [--host 127.0.0.1] [--interval 5] [--pool-size N]
Standard library only; Python 3.11.
"""

import argparse
import http.server
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import serving  # noqa: E402

DEFAULT_WORKERS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workers.json")


def log(line, stream=sys.stdout):
  serving.log("pool_manager", line, stream)


def load_workers(args):
  """[(name, url)] from --worker arguments, else from the workers file; raises ValueError."""
  if args.worker:
    pairs = []
    for item in args.worker:
      name, sep, url = item.partition("=")
      if not sep or not name or not url:
        raise ValueError(f"--worker {item!r}: expected NAME=URL")
      pairs.append((name, url))
  else:
    try:
      with open(args.workers_file, encoding="utf-8") as file:
        entries = json.load(file)
    except (OSError, json.JSONDecodeError) as error:
      raise ValueError(f"{args.workers_file}: {error}") from None
    if not isinstance(entries, list):
      raise ValueError(f"{args.workers_file}: expected a JSON list of {{name, url}} objects")
    pairs = []
    for index, entry in enumerate(entries):
      if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not isinstance(entry.get("url"), str):
        raise ValueError(f"{args.workers_file}: [{index}]: expected an object with string name and url")
      pairs.append((entry["name"], entry["url"]))
  names = [name for name, _ in pairs]
  if len(set(names)) != len(names):
    raise ValueError("worker names must be unique")
  if not pairs:
    raise ValueError("no workers configured")
  return sorted((name, url.rstrip("/")) for name, url in pairs)


class Pool:
  """The workers and the result of their latest check; safe to read from handler threads."""

  def __init__(self, workers, pool_size, check_timeout):
    self.lock = threading.Lock()
    self.pool_size = pool_size
    self.check_timeout = check_timeout
    self.state = {name: {"name": name, "url": url, "healthy": False, "checked_at": None, "error": "not checked yet"}
                  for name, url in workers}

  def check_one(self, name, url):
    try:
      with urllib.request.urlopen(url + "/health", timeout=self.check_timeout) as response:
        healthy = response.status == 200
        error = None if healthy else f"HTTP {response.status}"
    except urllib.error.HTTPError as failure:
      healthy, error = False, f"HTTP {failure.code}"
    except (urllib.error.URLError, OSError) as failure:
      healthy, error = False, str(getattr(failure, "reason", failure))
    with self.lock:
      first = self.state[name]["checked_at"] is None
      changed = first or self.state[name]["healthy"] != healthy
      self.state[name].update(healthy=healthy, error=error, checked_at=time.time())
    # Only changes are logged: a check every few seconds would drown the request lines.
    if changed:
      log(f"worker {name} {'healthy' if healthy else 'unhealthy: ' + str(error)}")

  def check_all(self):
    """Checks every worker at once (one thread each), so one slow worker does not delay the rest."""
    with self.lock:
      targets = [(w["name"], w["url"]) for w in self.state.values()]
    threads = [threading.Thread(target=self.check_one, args=target, daemon=True) for target in targets]
    for thread in threads:
      thread.start()
    for thread in threads:
      thread.join()

  def snapshot(self):
    with self.lock:
      return [dict(self.state[name]) for name in sorted(self.state)]


class ManagerHandler(serving.DrainingHandlerMixin, http.server.BaseHTTPRequestHandler):
  protocol_version = "HTTP/1.1"
  server_version = "cgipool-demo-manager/1.0"
  timeout = 30

  def do_GET(self):
    path = self.path.split("?", 1)[0]
    pool = self.server.pool
    workers = pool.snapshot()
    if path == "/health":
      healthy = sum(1 for w in workers if w["healthy"])
      status = "ok" if healthy >= pool.pool_size else "degraded" if healthy else "down"
      return self.reply(200, {"status": status, "pool_size": pool.pool_size, "healthy": healthy, "workers": workers})
    if path == "/workers":
      return self.reply(200, [{"name": w["name"], "url": w["url"], "healthy": w["healthy"]} for w in workers])
    return self.reply(404, {"error": f"no route {path}"})

  do_HEAD = do_GET

  def reply(self, status, document):
    body = json.dumps(document).encode() + b"\n"
    self.send_response(status)
    self.send_header("Content-Type", "application/json")
    self.send_header("Content-Length", str(len(body)))
    self.end_headers()
    if self.command != "HEAD":
      self.wfile.write(body)

  def log_message(self, format, *args):
    log(f"{self.client_address[0]} {format % args}")

  def log_request(self, code="-", size="-"):
    self.log_message('"%s" %s', self.requestline, getattr(code, "value", code))

  def log_error(self, format, *args):
    log(f"error: {format % args}", sys.stderr)


class ManagerServer(serving.DrainingServerMixin, http.server.ThreadingHTTPServer):
  daemon_threads = True

  def __init__(self, address, pool):
    if ":" in address[0]:
      self.address_family = socket.AF_INET6
    super().__init__(address, ManagerHandler)
    self.init_draining()
    self.pool = pool


def main(argv=None):
  parser = argparse.ArgumentParser(description="pool manager of the cgipool demo")
  parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
  parser.add_argument("--port", type=int, default=8001, help="port to bind (default 8001)")
  parser.add_argument("--worker", action="append", metavar="NAME=URL",
                      help="a worker (repeatable); when given, the workers file is not read")
  parser.add_argument("--workers-file", default=DEFAULT_WORKERS_FILE, help="JSON list of {name, url} (default pool/workers.json)")
  parser.add_argument("--interval", type=float, default=5.0, help="seconds between worker checks (default 5)")
  parser.add_argument("--check-timeout", type=float, default=2.0, help="seconds a worker has to answer /health (default 2)")
  parser.add_argument("--pool-size", type=int, default=None,
                      help="workers that must answer for status ok (default $POOL_SIZE, else all workers)")
  serving.add_health_port_argument(parser)
  args = parser.parse_args(argv)
  try:
    workers = load_workers(args)
  except ValueError as error:
    print(f"pool_manager: {error}", file=sys.stderr, flush=True)
    return 2
  pool_size = args.pool_size
  if pool_size is None:
    pool_size = int(os.environ["POOL_SIZE"]) if os.environ.get("POOL_SIZE", "").isdigit() else len(workers)
  if pool_size > len(workers):
    log(f"warning: POOL_SIZE {pool_size} is more than the {len(workers)} configured workers", sys.stderr)

  pool = Pool(workers, pool_size, args.check_timeout)
  try:
    server = ManagerServer((args.host, args.port), pool)
  except OSError as error:
    print(f"pool_manager: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr, flush=True)
    return 1
  health = serving.health_listener(server, args.host, args.health_port, "pool_manager")

  def check_loop():
    while True:
      time.sleep(args.interval)
      pool.check_all()

  # The first check runs before the first request can arrive, so /workers is never all "not checked".
  pool.check_all()
  threading.Thread(target=check_loop, daemon=True).start()
  log("workers " + ", ".join(f"{name}={url}" for name, url in workers))
  serving.serve_until_signalled(server, "pool_manager", health=health)
  return 0


if __name__ == "__main__":
  sys.exit(main())

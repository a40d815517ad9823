#!/usr/bin/env python3
"""The cgipool demo's reverse proxy: routes requests round-robin to the healthy CGI workers.

It asks the pool manager (GET <manager>/workers) which workers exist and which are healthy,
caching the answer for --refresh seconds, and forwards each request (method, path, query,
headers, body) to the next healthy worker (to the next known one when none is healthy). Every
forwarded response carries `X-CGI-Worker: <name>`. A worker that refuses the connection is skipped
and the next one tried.

Routes:
  GET /health  200 when the manager answers its /health, else 503 (the proxy's own route).
  anything else  forwarded to a worker; 503 when no worker is known or every one refuses, 502
                 when one failed after the request was sent.

Usage: python3 proxy/proxy.py --port 8080 --manager http://127.0.0.1:8001 [--host 127.0.0.1]
Standard library only; Python 3.11.
"""

import argparse
import http.client
import http.server
import json
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import os

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import serving  # noqa: E402

#: Headers that belong to one connection and are not forwarded (RFC 9110 section 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
              "te", "trailer", "transfer-encoding", "upgrade", "content-length"}

MAX_BODY = 10 * 1024 * 1024


def log(line, stream=sys.stdout):
  serving.log("proxy", line, stream)


class WorkerDirectory:
  """The manager's worker list, cached briefly, and the round-robin position."""

  def __init__(self, manager_url, refresh, timeout):
    self.manager_url = manager_url.rstrip("/")
    self.refresh = refresh
    self.timeout = timeout
    self.lock = threading.Lock()
    self.workers = []
    self.fetched_at = None
    self.next_index = 0

  def fetch(self):
    """The manager's /workers list; raises OSError (URLError included) when it cannot be read."""
    with urllib.request.urlopen(self.manager_url + "/workers", timeout=self.timeout) as response:
      document = json.load(response)
    return sorted((w for w in document if isinstance(w, dict) and "name" in w and "url" in w),
                  key=lambda w: w["name"])

  def healthy_in_turn(self):
    """The healthy workers, rotated so each call starts one further (round robin); when the
    manager knows none healthy, every known worker, in turn (see `forward`)."""
    with self.lock:
      stale = self.fetched_at is None or time.monotonic() - self.fetched_at >= self.refresh
    if stale:
      try:
        workers = self.fetch()
        with self.lock:
          self.workers, self.fetched_at = workers, time.monotonic()
      except (OSError, ValueError) as error:
        # Keep routing with the last known list: a manager restart should not stop traffic.
        log(f"manager unreachable, using last known workers: {getattr(error, 'reason', error)}", sys.stderr)
    with self.lock:
      healthy = [w for w in self.workers if w.get("healthy")] or list(self.workers)
      if not healthy:
        return []
      start = self.next_index % len(healthy)
      self.next_index += 1
    return healthy[start:] + healthy[:start]

  def manager_health(self):
    """(reachable, document) for the manager's /health."""
    try:
      with urllib.request.urlopen(self.manager_url + "/health", timeout=self.timeout) as response:
        return response.status == 200, json.load(response)
    except urllib.error.HTTPError as error:
      return False, {"error": f"HTTP {error.code}"}
    except (OSError, ValueError) as error:
      return False, {"error": str(getattr(error, "reason", error))}


class ProxyHandler(serving.DrainingHandlerMixin, http.server.BaseHTTPRequestHandler):
  protocol_version = "HTTP/1.1"
  server_version = "cgipool-demo-proxy/1.0"
  timeout = 30

  def do_GET(self):
    self.worker_name = "-"
    if urllib.parse.urlsplit(self.path).path == "/health" and self.command in ("GET", "HEAD"):
      return self.health()
    body = self.read_body()
    if body is None:
      return
    self.forward(body)

  do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

  def health(self):
    reachable, document = self.server.directory.manager_health()
    self.reply(200 if reachable else 503,
               json.dumps({"status": "ok" if reachable else "manager unreachable",
                           "manager": self.server.directory.manager_url, "pool": document}).encode() + b"\n",
               "application/json")

  def read_body(self):
    """The request body (de-chunked), or None after an error reply."""
    if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
      chunks, total = [], 0
      while True:
        size_line = self.rfile.readline(1024)
        try:
          size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
          self.reply(400, b"bad chunked body\n", "text/plain")
          return None
        if size == 0:
          # Skip trailers up to the blank line that ends the body.
          while self.rfile.readline(8192).strip():
            pass
          return b"".join(chunks)
        total += size
        if total > MAX_BODY:
          self.reply(413, b"request body too large\n", "text/plain")
          return None
        chunks.append(self.rfile.read(size))
        self.rfile.readline(8)
    try:
      length = int(self.headers.get("Content-Length") or 0)
    except ValueError:
      self.reply(400, b"bad Content-Length\n", "text/plain")
      return None
    if length < 0 or length > MAX_BODY:
      self.reply(413, b"request body too large\n", "text/plain")
      return None
    return self.rfile.read(length) if length else b""

  def forward_headers(self, body):
    connection_tokens = {t.strip().lower() for t in self.headers.get("Connection", "").split(",")}
    headers = [(n, v) for n, v in self.headers.items()
               if n.lower() not in HOP_BY_HOP and n.lower() not in connection_tokens]
    client = self.client_address[0]
    prior = self.headers.get("X-Forwarded-For")
    headers = [(n, v) for n, v in headers if n.lower() != "x-forwarded-for"]
    headers.append(("X-Forwarded-For", f"{prior}, {client}" if prior else client))
    headers.append(("X-Forwarded-Proto", "http"))
    if self.headers.get("Host"):
      headers.append(("X-Forwarded-Host", self.headers["Host"]))
    headers.append(("Content-Length", str(len(body))))
    return headers

  def forward(self, body):
    # When the manager knows no worker healthy, the known ones are still tried: its view can lag
    # (a check that waited while a replica restarted behind a held socket timed out), and a worker
    # that really is down refuses the connection, which is skipped like any refusal.
    workers = self.server.directory.healthy_in_turn()
    if not workers:
      return self.reply(503, b"no healthy CGI worker\n", "text/plain")
    refused = 0
    split = urllib.parse.urlsplit(self.path)
    target = split.path + (f"?{split.query}" if split.query else "")
    headers = self.forward_headers(body)
    for worker in workers:
      url = urllib.parse.urlsplit(worker["url"])
      connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=self.server.upstream_timeout)
      try:
        connection.connect()
      except OSError as error:
        # Nothing was sent yet, so trying the next worker is safe for any method.
        self.log_error("worker %s refused: %s", worker["name"], error)
        connection.close()
        refused += 1
        continue
      try:
        connection.putrequest(self.command, url.path.rstrip("/") + target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
          connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        content = response.read()
      except (OSError, http.client.HTTPException) as error:
        self.log_error("worker %s failed: %s", worker["name"], error)
        self.worker_name = worker["name"]
        return self.reply(502, f"worker {worker['name']} failed: {error}\n".encode(), "text/plain")
      finally:
        connection.close()
      self.worker_name = worker["name"]
      self.send_response(response.status, response.reason)
      for name, value in response.getheaders():
        # send_response already wrote the proxy's own Server and Date.
        if name.lower() not in HOP_BY_HOP and name.lower() not in ("server", "date"):
          self.send_header(name, value)
      self.send_header("X-CGI-Worker", worker["name"])
      self.send_header("Content-Length", str(len(content)))
      self.end_headers()
      if self.command != "HEAD":
        self.wfile.write(content)
      return
    if refused == len(workers):
      return self.reply(503, b"no healthy CGI worker\n", "text/plain")
    return self.reply(502, b"no CGI worker answered\n", "text/plain")

  def reply(self, status, body, content_type):
    self.send_response(status)
    self.send_header("Content-Type", content_type)
    if getattr(self, "worker_name", "-") != "-":
      self.send_header("X-CGI-Worker", self.worker_name)
    self.send_header("Content-Length", str(len(body)))
    self.end_headers()
    if self.command != "HEAD":
      self.wfile.write(body)

  def log_message(self, format, *args):
    log(f"{self.client_address[0]} {format % args}")

  def log_request(self, code="-", size="-"):
    self.log_message('"%s" %s worker=%s', self.requestline, getattr(code, "value", code),
                     getattr(self, "worker_name", "-"))

  def log_error(self, format, *args):
    log(f"error: {format % args}", sys.stderr)


class ProxyServer(serving.DrainingServerMixin, http.server.ThreadingHTTPServer):
  daemon_threads = True

  def __init__(self, address, directory, upstream_timeout):
    if ":" in address[0]:
      self.address_family = socket.AF_INET6
    super().__init__(address, ProxyHandler)
    self.init_draining()
    self.directory = directory
    self.upstream_timeout = upstream_timeout


def main(argv=None):
  parser = argparse.ArgumentParser(description="reverse proxy of the cgipool demo")
  parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
  parser.add_argument("--port", type=int, default=8080, help="port to bind (default 8080)")
  parser.add_argument("--manager", default="http://127.0.0.1:8001", help="pool manager URL (default http://127.0.0.1:8001)")
  parser.add_argument("--refresh", type=float, default=1.0, help="seconds the worker list is cached (default 1)")
  parser.add_argument("--timeout", type=float, default=30.0, help="seconds a worker has to answer (default 30)")
  serving.add_health_port_argument(parser)
  args = parser.parse_args(argv)
  directory = WorkerDirectory(args.manager, args.refresh, timeout=2.0)
  try:
    server = ProxyServer((args.host, args.port), directory, args.timeout)
  except OSError as error:
    print(f"proxy: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr, flush=True)
    return 1
  health = serving.health_listener(server, args.host, args.health_port, "proxy")

  log(f"manager {directory.manager_url}")
  serving.serve_until_signalled(server, "proxy", health=health)
  return 0


if __name__ == "__main__":
  sys.exit(main())

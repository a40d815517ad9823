"""A small CGI/1.1 host: a long-running HTTP service that runs scripts from cgi-bin/ per request.

The `sample_*_cgi.py` workers are thin front ends over `main()`. Routes:

  GET  /health                  200 + JSON (name, cgi-bin folder, scripts it can run)
  ANY  /cgi-bin/<script>[/extra] runs <script> with the CGI/1.1 environment
  ANY  /                        runs the worker's index script, as if /cgi-bin/<index> was asked

Standard library only; Python 3.11.
"""

import argparse
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from serving import (DrainingHandlerMixin, DrainingServerMixin, add_health_port_argument, health_listener,  # noqa: E402
                     serve_until_signalled)

#: The folder of the CGI scripts: ops/demo/cgi-bin, found from this file so any cwd works.
DEFAULT_CGI_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cgi-bin")

#: Response headers a CGI script may not set: the server owns the connection and the framing.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}

#: Largest request body the worker accepts, in bytes.
MAX_BODY = 10 * 1024 * 1024


class CgiOutputError(Exception):
  """The script's output is not a valid CGI response."""


def parse_cgi_output(output):
  """Splits CGI output into (status, reason, [(name, value)], body); raises CgiOutputError.

  Follows RFC 3875 section 6: a header block, a blank line, the body. `Status:` sets the HTTP
  status; `Location:` without `Status:` means a redirect (302); a body needs a `Content-Type:`.
  """
  # The spec allows bare LF line ends; scripts mix them, so take the earliest blank line.
  ends = [(i, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (i := output.find(sep)) >= 0]
  if ends:
    index, size = min(ends)
    head, body = output[:index], output[index + size:]
  else:
    # No blank line: a header-only response such as "Status: 204 No Content\n".
    head, body = output, b""
  headers = []
  for raw in head.split(b"\n"):
    line = raw.rstrip(b"\r").decode("latin-1")
    if not line:
      continue
    name, sep, value = line.partition(":")
    if not sep or not name.strip() or name != name.strip():
      raise CgiOutputError(f"malformed header line {line[:80]!r}")
    headers.append((name, value.strip()))
  if not headers:
    raise CgiOutputError("no CGI headers in output")
  lowered = {name.lower(): value for name, value in headers}
  status, reason = 200, "OK"
  if "status" in lowered:
    code, _, text = lowered["status"].partition(" ")
    if not code.isdigit() or not 100 <= int(code) <= 599:
      raise CgiOutputError(f"bad Status header {lowered['status']!r}")
    status, reason = int(code), text.strip() or None
  elif "location" in lowered:
    status, reason = 302, "Found"
  if body and "content-type" not in lowered:
    raise CgiOutputError("body without Content-Type header")
  kept = [(n, v) for n, v in headers if n.lower() != "status" and n.lower() not in HOP_BY_HOP]
  return status, reason, kept, body


class CgiHost(DrainingServerMixin, http.server.ThreadingHTTPServer):
  """The HTTP server of one worker; holds its settings and its running CGI children."""

  daemon_threads = True

  def __init__(self, address, name, cgi_dir, index_script, cgi_timeout):
    if ":" in address[0]:
      self.address_family = socket.AF_INET6
    super().__init__(address, CgiHandler)
    self.init_draining()
    self.name = name
    self.cgi_dir = os.path.abspath(cgi_dir)
    self.index_script = index_script
    self.cgi_timeout = cgi_timeout
    self.children = set()
    self.children_lock = threading.Lock()

  def scripts(self):
    """The executable scripts of cgi-bin/, sorted."""
    try:
      names = sorted(os.listdir(self.cgi_dir))
    except OSError:
      return []
    return [n for n in names if self.script_path(n) is not None]

  def script_path(self, name):
    """The absolute path of the script `name` if it is a runnable file directly in cgi-bin/."""
    # Only plain names: no separators, no dot-files, so nothing outside cgi-bin/ can be reached.
    if not name or "/" in name or "\0" in name or name.startswith("."):
      return None
    path = os.path.join(self.cgi_dir, name)
    if os.path.isfile(path) and os.access(path, os.X_OK):
      return path
    return None

  def stop_children(self):
    """Terminates CGI scripts still running, so a stopping worker leaves nothing behind."""
    with self.children_lock:
      children = list(self.children)
    for child in children:
      try:
        child.kill()
      except OSError:
        pass


class CgiHandler(DrainingHandlerMixin, http.server.BaseHTTPRequestHandler):
  """Routes one request: /health, / or /cgi-bin/<script>."""

  protocol_version = "HTTP/1.1"
  server_version = "cgipool-demo-worker/1.0"
  # Idle keep-alive connections close after this many seconds.
  timeout = 30

  def do_GET(self):
    self.route()

  do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

  def route(self):
    split = urllib.parse.urlsplit(self.path)
    path = urllib.parse.unquote(split.path)
    if path == "/health" and self.command in ("GET", "HEAD"):
      body = {"status": "ok", "name": self.server.name, "cgi_bin": self.server.cgi_dir,
              "scripts": self.server.scripts()}
      return self.reply(200, json.dumps(body).encode() + b"\n", "application/json")
    if path == "/":
      return self.run_script(self.server.index_script, "", split.query)
    if path.startswith("/cgi-bin/"):
      script, slash, rest = path[len("/cgi-bin/"):].partition("/")
      return self.run_script(script, slash + rest, split.query)
    return self.reply(404, b"not found\n", "text/plain")

  def run_script(self, script, path_info, query):
    script_path = self.server.script_path(script)
    if script_path is None:
      return self.reply(404, f"no such CGI script: {script}\n".encode(), "text/plain")
    if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
      # CGI needs CONTENT_LENGTH up front; the demo proxy always sends a length.
      return self.reply(411, b"chunked request bodies are not supported; send Content-Length\n", "text/plain")
    try:
      length = int(self.headers.get("Content-Length") or 0)
    except ValueError:
      return self.reply(400, b"bad Content-Length\n", "text/plain")
    if length < 0 or length > MAX_BODY:
      return self.reply(413, b"request body too large\n", "text/plain")
    body = self.rfile.read(length) if length else b""
    env = self.cgi_environment(script, script_path, path_info, query, length)
    # The script starts with SIGTERM blocked and then ignored (both kept across exec): systemd's
    # stop sends SIGTERM to every process of the unit at once, and a script in flight must live to
    # finish its answer while the worker drains. Ignoring alone left a window, from the fork to
    # the shell's trap, where the stop killed the script (a 502 during a rolling restart under
    # load); the mask is inherited at the fork, and a pending SIGTERM is dropped once ignored.
    # Only this thread blocks it: the main thread still hears the stop. The worker still ends the
    # script: CGI timeout, or stop_children at exit.
    unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
      child = subprocess.Popen(["/bin/sh", "-c", 'trap "" TERM; exec "$0"', script_path], cwd=self.server.cgi_dir, env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as error:
      self.log_error("cannot run %s: %s", script, error)
      return self.reply(502, f"cannot run {script}: {error.strerror}\n".encode(), "text/plain")
    finally:
      signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
    with self.server.children_lock:
      self.server.children.add(child)
    try:
      out, err = child.communicate(body, timeout=self.server.cgi_timeout)
    except subprocess.TimeoutExpired:
      child.kill()
      child.communicate()
      self.log_error("%s timed out after %ss", script, self.server.cgi_timeout)
      return self.reply(504, f"{script} timed out\n".encode(), "text/plain")
    finally:
      with self.server.children_lock:
        self.server.children.discard(child)
    for line in err.decode("utf-8", "replace").splitlines():
      self.log_error("%s stderr: %s", script, line)
    if child.returncode != 0:
      # Like Apache, the exit status does not decide the response; valid output is still served.
      self.log_error("%s exited with status %d", script, child.returncode)
    try:
      status, reason, headers, content = parse_cgi_output(out)
    except CgiOutputError as error:
      self.log_error("%s: %s", script, error)
      return self.reply(502, f"{script} returned an invalid CGI response: {error}\n".encode(), "text/plain")
    self.send_response(status, reason)
    for name, value in headers:
      self.send_header(name, value)
    self.send_header("X-CGI-Script", script)
    self.send_header("Content-Length", str(len(content)))
    self.end_headers()
    if self.command != "HEAD":
      self.wfile.write(content)

  def cgi_environment(self, script, script_path, path_info, query, length):
    """The CGI/1.1 meta-variables (RFC 3875 section 4.1) plus HTTP_* for the request headers."""
    host, port = self.server.server_address[:2]
    # The name the client asked for (Host without its port), else the bound address.
    host_header = self.headers.get("Host")
    server_name = host_header.rsplit(":", 1)[0] if host_header and not host_header.endswith("]") else (host_header or host)
    env = {
      # A clean environment: the service's own variables are not the script's business.
      "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
      "GATEWAY_INTERFACE": "CGI/1.1",
      "SERVER_PROTOCOL": self.request_version,
      "SERVER_SOFTWARE": f"{self.server_version} ({self.server.name})",
      "SERVER_NAME": server_name,
      "SERVER_PORT": str(port),
      "REQUEST_METHOD": self.command,
      "REQUEST_URI": self.path,
      "SCRIPT_NAME": f"/cgi-bin/{script}",
      "SCRIPT_FILENAME": script_path,
      "PATH_INFO": path_info,
      "QUERY_STRING": query,
      "REMOTE_ADDR": self.client_address[0],
      "REMOTE_PORT": str(self.client_address[1]),
      "CONTENT_LENGTH": str(length) if length else "",
      "CONTENT_TYPE": self.headers.get("Content-Type", ""),
    }
    if path_info:
      env["PATH_TRANSLATED"] = os.path.join(self.server.cgi_dir, path_info.lstrip("/"))
    for name in sorted(set(self.headers.keys()), key=str.lower):
      key = "HTTP_" + name.upper().replace("-", "_")
      # Content-* travel as CONTENT_*; HTTP_PROXY would let a client set the script's proxy (httpoxy).
      if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_PROXY"):
        continue
      env[key] = ", ".join(self.headers.get_all(name))
    return env

  def reply(self, status, body, content_type):
    self.send_response(status)
    self.send_header("Content-Type", content_type)
    self.send_header("Content-Length", str(len(body)))
    self.end_headers()
    if self.command != "HEAD":
      self.wfile.write(body)

  def log_message(self, format, *args):
    # One line per request on stdout, flushed so journald shows it at once.
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(f"{stamp} {self.server.name} {self.client_address[0]} {format % args}", flush=True)

  def log_request(self, code="-", size="-"):
    code = getattr(code, "value", code)
    self.log_message('"%s" %s', self.requestline, code)

  def log_error(self, format, *args):
    # Problems go to stderr so stdout keeps exactly one line per request.
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(f"{stamp} {self.server.name} error: {format % args}", file=sys.stderr, flush=True)


def main(name, default_port, index_script, argv=None):
  """Runs a CGI worker named `name`; `index_script` answers `/`."""
  parser = argparse.ArgumentParser(description=f"{name}: a CGI/1.1 worker of the cgipool demo")
  parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
  parser.add_argument("--port", type=int, default=default_port, help=f"port to bind (default {default_port})")
  parser.add_argument("--name", default=name, help=f"worker name in logs and SERVER_SOFTWARE (default {name})")
  parser.add_argument("--cgi-dir", default=DEFAULT_CGI_DIR, help="folder of the CGI scripts (default ops/demo/cgi-bin)")
  parser.add_argument("--timeout", type=float, default=float(os.environ.get("CGI_TIMEOUT", "10")),
                      help="seconds a script may run (default $CGI_TIMEOUT or 10)")
  add_health_port_argument(parser)
  args = parser.parse_args(argv)
  try:
    server = CgiHost((args.host, args.port), args.name, args.cgi_dir, index_script, args.timeout)
  except OSError as error:
    print(f"{args.name}: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr, flush=True)
    return 1
  health = health_listener(server, args.host, args.health_port, args.name)
  try:
    serve_until_signalled(server, args.name, health=health)
  finally:
    server.stop_children()
  return 0

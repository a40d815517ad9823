"""Serving until a stop signal, then draining: shared by the demo's worker, manager and proxy.

On SIGTERM (what systemd sends at stop) or SIGINT the server stops accepting connections and
lets the requests already being handled finish, up to `drain` seconds, before the process
exits 0. systemd's `TimeoutStopSec=` (the config's `stop_timeout`) bounds the whole stop, so the
drain is kept below it. A keep-alive connection gets no further request after the drain began:
it is closed once its current request is answered.

Standard library only; Python 3.11.
"""

import http.server
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse

#: Seconds to let in-flight requests finish; below the demo's stop_timeout (5 s).
DEFAULT_DRAIN = float(os.environ.get("CGIPOOL_DEMO_DRAIN", "4"))


def log(name, line, stream=sys.stdout):
  """One timestamped log line, flushed at once (systemd appends it to the process's log)."""
  print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {name} {line}", file=stream, flush=True)


#: The first fd systemd passes (sd_listen_fds(3)).
LISTEN_FDS_START = 3

_inherited = None


def inherited_sockets(environ=None):
  """The listening sockets systemd passed this process, in order, as [(name, socket)].

  systemd's socket activation protocol: LISTEN_PID is this process, LISTEN_FDS the number of
  fds from fd 3 on, LISTEN_FDNAMES their names separated by ':'. Read once; the variables are
  then removed so the CGI scripts a worker starts do not think the fds are theirs, and the fds
  are made close-on-exec for the same reason. Empty when nothing was passed to this process.
  """
  global _inherited
  if _inherited is not None:
    return _inherited
  environ = os.environ if environ is None else environ
  _inherited = []
  try:
    pid = int(environ.get("LISTEN_PID", ""))
    count = int(environ.get("LISTEN_FDS", ""))
  except ValueError:
    return _inherited
  names = environ.get("LISTEN_FDNAMES", "").split(":")
  for key in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"):
    environ.pop(key, None)
  if pid != os.getpid():
    return _inherited
  for index in range(count):
    fd = LISTEN_FDS_START + index
    os.set_inheritable(fd, False)
    sock = socket.socket(fileno=fd)
    if sock.type != socket.SOCK_STREAM:
      sock.detach()
      continue
    _inherited.append((names[index] if index < len(names) else "unknown", sock))
  return _inherited


def take_inherited_socket():
  """The next listening socket systemd passed this process, or None: bind your own then."""
  sockets = inherited_sockets()
  return sockets.pop(0)[1] if sockets else None


class InheritedSocketMixin:
  """A socketserver that serves on the socket systemd passed (`listen` in the pool's config)
  when there is one, and binds its address itself otherwise (the demo still runs standalone)."""

  inherited = False

  def server_bind(self):
    sock = take_inherited_socket()
    if sock is None:
      return super().server_bind()
    # The socket TCPServer made for binding is not needed: systemd's is already listening.
    self.socket.close()
    self.socket = sock
    self.address_family = sock.family
    self.inherited = True
    self.server_address = sock.getsockname()
    host, port = self.server_address[:2]
    # What HTTPServer.server_bind sets, for SERVER_NAME and friends.
    self.server_name = host
    self.server_port = port

  def server_activate(self):
    # listen() again would change the backlog systemd chose; the socket listens already.
    if not self.inherited:
      super().server_activate()


class DrainingServerMixin(InheritedSocketMixin):
  """Counts requests in flight, so a stop can wait for them (`DrainingHandlerMixin` reports them)."""

  def init_draining(self):
    self.draining = False
    self._in_flight = 0
    self._idle = threading.Condition()

  def get_request(self):
    # Counted from the accept, not from the parsed request line: a stop right after the accept
    # would otherwise find nothing in flight and close a connection whose request was on its way
    # (the proxy answered a 502 during a rolling restart). The handler uncounts it once its first
    # request is read (`DrainingHandlerMixin`).
    request = super().get_request()
    self.request_began()
    return request

  def request_began(self):
    with self._idle:
      self._in_flight += 1

  def request_ended(self):
    with self._idle:
      self._in_flight -= 1
      if self._in_flight == 0:
        self._idle.notify_all()

  def in_flight(self):
    """Requests being answered now."""
    with self._idle:
      return self._in_flight

  def wait_idle(self, timeout):
    """True once no request is in flight, False when `timeout` seconds passed first."""
    deadline = time.monotonic() + timeout
    with self._idle:
      while self._in_flight > 0:
        left = deadline - time.monotonic()
        if left <= 0:
          return False
        self._idle.wait(left)
      return True


class DrainingHandlerMixin:
  """Reports each parsed request to the server, and closes keep-alive connections while draining.

  The server counts a connection from its accept until its first request has been read (or the
  client closed it): an idle keep-alive connection does not hold a stop back.
  """

  def setup(self):
    super().setup()
    self._accepted = True

  def finish(self):
    try:
      super().finish()
    finally:
      self._release_accept()

  def _release_accept(self):
    if getattr(self, "_accepted", False):
      self._accepted = False
      self.server.request_ended()

  def parse_request(self):
    parsed = super().parse_request()
    if parsed:
      self._counted = True
      if getattr(self, "_accepted", False):
        # The connection's count from its accept now stands for its first request.
        self._accepted = False
      else:
        self.server.request_began()
    return parsed

  def handle_one_request(self):
    self._counted = False
    try:
      super().handle_one_request()
    finally:
      if self._counted:
        self.server.request_ended()
      self._release_accept()
      if self.server.draining:
        self.close_connection = True


class HealthOnlyHandlerMixin:
  """Answers `GET`/`HEAD /health` with the service's own /health route; anything else is a 404.

  Put before the service's handler class: its route for /health runs unchanged, so the health
  port says exactly what the service's own /health says (the proxy's is 503 without a manager).
  While the service drains, the answer is a 503: it no longer takes new requests.
  """

  def do_GET(self):
    if urllib.parse.urlsplit(self.path).path != "/health" or self.command not in ("GET", "HEAD"):
      return self.plain(404, b"the health port answers GET /health only\n")
    if self.server.draining:
      return self.plain(503, b"stopping\n")
    return super().do_GET()

  do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

  def plain(self, status, body):
    self.send_response(status)
    self.send_header("Content-Type", "text/plain")
    self.send_header("Content-Length", str(len(body)))
    self.end_headers()
    if self.command != "HEAD":
      self.wfile.write(body)


class HealthListener(http.server.ThreadingHTTPServer):
  """`--health-port`: a listener of the process's own that answers only `GET /health`.

  A port systemd holds (`listen` in the pool's config) accepts connections before the process
  runs and while it restarts, so a probe of it proves nothing; this port is bound by the process
  itself, answers only once the service's own server runs (`serve_until_signalled` starts it
  after it) and closes as soon as the service begins to stop. It never takes an inherited socket.
  Attributes the service's handler reads (`name`, `pool`, `directory`, ...) come from the
  service's server; its requests are not counted as the service's requests in flight.
  """

  daemon_threads = True

  def __init__(self, address, service):
    if ":" in address[0]:
      self.address_family = socket.AF_INET6
    self.service = service
    handler = type("HealthOnly" + service.RequestHandlerClass.__name__,
                   (HealthOnlyHandlerMixin, service.RequestHandlerClass), {})
    super().__init__(address, handler)

  def __getattr__(self, name):
    # Only for what this server lacks: the service's settings its handler reads.
    if name == "service":
      raise AttributeError(name)
    return getattr(self.service, name)

  @property
  def draining(self):
    return self.service.draining

  def request_began(self):
    pass

  def request_ended(self):
    pass


def health_listener(service, host, port, name):
  """The HealthListener on host:port for `service`, or None when port is None; exits 1 with a
  message naming the address when it cannot be bound (as the services do for their own port)."""
  if port is None:
    return None
  try:
    return HealthListener((host, port), service)
  except OSError as error:
    print(f"{name}: cannot listen on {host}:{port} (--health-port): {error.strerror}", file=sys.stderr, flush=True)
    service.server_close()
    sys.exit(1)


def add_health_port_argument(parser):
  """--health-port, shared by the worker, the manager and the proxy."""
  parser.add_argument("--health-port", type=int, default=None, metavar="N",
                      help="also answer GET /health on --host:N, a port of the process's own (for a "
                           "health check when systemd holds the service port; default: none)")


def serve_until_signalled(server, name, drain=DEFAULT_DRAIN, health=None):
  """Serves until SIGTERM or SIGINT, drains for up to `drain` seconds, closes; returns.

  `health` (a HealthListener) is served from when `server` serves until the stop begins.
  """
  stop = threading.Event()

  def on_signal(signum, frame):
    stop.set()

  signal.signal(signal.SIGTERM, on_signal)
  signal.signal(signal.SIGINT, on_signal)
  # serve_forever runs in a thread because shutdown() must be called from another thread.
  threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
  host, port = server.server_address[:2]
  shown = f"[{host}]" if ":" in str(host) else host
  how = " (socket inherited from systemd)" if getattr(server, "inherited", False) else ""
  log(name, f"listening on http://{shown}:{port}{how}")
  if health is not None:
    threading.Thread(target=health.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    health_host, health_port = health.server_address[:2]
    log(name, f"health on http://{'[' + health_host + ']' if ':' in health_host else health_host}:{health_port}/health")
  while not stop.wait(1.0):
    pass
  server.draining = True
  if health is not None:
    # First: a health check must see this process stop serving before it has stopped.
    health.shutdown()
    health.server_close()
  # shutdown() returns once serve_forever has stopped accepting; handler threads go on.
  server.shutdown()
  in_flight = server.in_flight()
  log(name, f"stopping: draining {in_flight} request{'' if in_flight == 1 else 's'} in flight")
  if not server.wait_idle(drain):
    log(name, f"stopping: requests still in flight after {drain:g}s, closing anyway")
  server.server_close()

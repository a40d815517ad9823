"""Serving until a stop signal, then draining: shared by the demo's worker, manager and proxy.

On SIGTERM (what systemd sends at stop) or SIGINT the server stops accepting connections and
lets the requests already being handled finish, up to `drain` seconds, before the process
exits 0. systemd's `TimeoutStopSec=` (the config's `stop_timeout`) bounds the whole stop, so the
drain is kept below it. A keep-alive connection gets no further request after the drain began:
it is closed once its current request is answered.

Standard library only; Python 3.11.
"""

import os
import signal
import sys
import threading
import time

#: Seconds to let in-flight requests finish; below the demo's stop_timeout (5 s).
DEFAULT_DRAIN = float(os.environ.get("CGIPOOL_DEMO_DRAIN", "4"))


def log(name, line, stream=sys.stdout):
  """One timestamped log line, flushed at once (systemd appends it to the process's log)."""
  print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {name} {line}", file=stream, flush=True)


class DrainingServerMixin:
  """Counts requests in flight, so a stop can wait for them (`DrainingHandlerMixin` reports them)."""

  def init_draining(self):
    self.draining = False
    self._in_flight = 0
    self._idle = threading.Condition()

  def request_began(self):
    with self._idle:
      self._in_flight += 1

  def request_ended(self):
    with self._idle:
      self._in_flight -= 1
      if self._in_flight == 0:
        self._idle.notify_all()

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
  """Reports each parsed request to the server, and closes keep-alive connections while draining."""

  def parse_request(self):
    parsed = super().parse_request()
    if parsed:
      self._counted = True
      self.server.request_began()
    return parsed

  def handle_one_request(self):
    self._counted = False
    try:
      super().handle_one_request()
    finally:
      if self._counted:
        self.server.request_ended()
      if self.server.draining:
        self.close_connection = True


def serve_until_signalled(server, name, drain=DEFAULT_DRAIN):
  """Serves until SIGTERM or SIGINT, drains for up to `drain` seconds, closes; returns."""
  stop = threading.Event()

  def on_signal(signum, frame):
    stop.set()

  signal.signal(signal.SIGTERM, on_signal)
  signal.signal(signal.SIGINT, on_signal)
  # serve_forever runs in a thread because shutdown() must be called from another thread.
  threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
  host, port = server.server_address[:2]
  log(name, f"listening on http://{host}:{port}")
  while not stop.wait(1.0):
    pass
  server.draining = True
  # shutdown() returns once serve_forever has stopped accepting; handler threads go on.
  server.shutdown()
  log(name, "stopping: draining requests in flight")
  if not server.wait_idle(drain):
    log(name, f"stopping: requests still in flight after {drain:g}s, closing anyway")
  server.server_close()

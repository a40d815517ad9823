#!/usr/bin/env python3
"""A tiny benchmark service: binds 127.0.0.1:PORT R ms after it starts and exits S ms after SIGTERM.

It appends `start <monotonic>`, `bind <monotonic>`, `term <monotonic>` and `exit <monotonic>` lines
to --log (CLOCK_MONOTONIC seconds, the clock systemd's *TimestampMonotonic properties use), so the
harness can measure readiness latency and stop times from the service's own point of view.
"""
import argparse
import os
import select
import signal
import socket
import sys
import time

START = time.monotonic()


def log(path, event):
  if path:
    # One short write with O_APPEND is atomic, so many services can share a log file.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
      os.write(fd, f"{event} {time.monotonic():.6f} {os.getpid()} {NAME}\n".encode())
    finally:
      os.close(fd)


def main():
  global NAME
  parser = argparse.ArgumentParser()
  parser.add_argument("--name", default="svc")
  parser.add_argument("--port", type=int, required=True)
  parser.add_argument("--delay-ms", type=float, default=0)
  parser.add_argument("--stop-ms", type=float, default=0)
  parser.add_argument("--log")
  args = parser.parse_args()
  NAME = args.name
  if args.log:
    fd = os.open(args.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, f"start {START:.6f} {os.getpid()} {NAME}\n".encode())
    os.close(fd)
  stopping = []
  # Python retries select() after a signal (PEP 475), so the handler also writes to a pipe that
  # select() watches: the service sees SIGTERM at once instead of at the next select timeout.
  wake_r, wake_w = os.pipe()
  os.set_blocking(wake_w, False)
  signal.set_wakeup_fd(wake_w)
  signal.signal(signal.SIGTERM, lambda *_: stopping.append(time.monotonic()))
  # Sleep until START + R, not for R, so argument parsing does not add to the delay.
  remaining = START + args.delay_ms / 1000 - time.monotonic()
  while remaining > 0 and not stopping:
    time.sleep(remaining)
    remaining = START + args.delay_ms / 1000 - time.monotonic()
  server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  server.bind(("127.0.0.1", args.port))
  server.listen(128)
  log(args.log, "bind")
  server.setblocking(False)
  while not stopping:
    try:
      ready, _, _ = select.select([server, wake_r], [], [], 5)
    except InterruptedError:
      continue
    if server in ready:
      try:
        conn, _ = server.accept()
        conn.close()
      except (BlockingIOError, InterruptedError):
        pass
  log(args.log, "term")
  server.close()
  # The stop delay stands for draining in-flight requests before exiting.
  time.sleep(max(0.0, stopping[0] + args.stop_ms / 1000 - time.monotonic()))
  log(args.log, "exit")
  sys.exit(0)


NAME = "svc"
if __name__ == "__main__":
  main()

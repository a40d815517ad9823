#!/usr/bin/env python3
"""One process that listens on many ports for the liveness benchmark: the pool's processes `sleep`.

Usage: listener.py BASE COUNT. Binds 127.0.0.1:BASE .. BASE+COUNT-1, accepts and closes every
connection (one epoll loop), prints `ready PID` once every port listens, then reads commands on
stdin, one a line, and answers each with `ok MONOTONIC` (CLOCK_MONOTONIC seconds, the clock
systemd's *TimestampMonotonic properties use, taken right after the change):

  close I   stop listening on BASE+I (connects are refused from then on; the process keeps running)
  open I    listen on BASE+I again
  quit      exit

The harness starts it in a session of its own and ends that group by id. It exits when stdin
closes, so a crashed harness cannot leave it behind.
"""
import os
import select
import socket
import sys
import time


def listen(port):
  server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  server.bind(("127.0.0.1", port))
  server.listen(64)
  server.setblocking(False)
  return server


def main():
  base, count = int(sys.argv[1]), int(sys.argv[2])
  poller = select.epoll()
  servers = {}  # index -> socket
  by_fd = {}  # fd -> socket
  for index in range(count):
    server = listen(base + index)
    servers[index] = server
    by_fd[server.fileno()] = server
    poller.register(server.fileno(), select.EPOLLIN)
  stdin = sys.stdin.fileno()
  poller.register(stdin, select.EPOLLIN | select.EPOLLHUP)
  print(f"ready {os.getpid()}", flush=True)
  pending = b""
  while True:
    for fd, _ in poller.poll():
      if fd == stdin:
        chunk = os.read(stdin, 4096)
        if not chunk:
          return
        pending += chunk
        while b"\n" in pending:
          line, pending = pending.split(b"\n", 1)
          words = line.decode().split()
          if not words:
            continue
          if words[0] == "quit":
            return
          index = int(words[1])
          if words[0] == "close" and index in servers:
            server = servers.pop(index)
            poller.unregister(server.fileno())
            del by_fd[server.fileno()]
            server.close()
          elif words[0] == "open" and index not in servers:
            server = listen(base + index)
            servers[index] = server
            by_fd[server.fileno()] = server
            poller.register(server.fileno(), select.EPOLLIN)
          print(f"ok {time.monotonic():.6f}", flush=True)
        continue
      server = by_fd.get(fd)
      if server is None:
        continue
      while True:
        try:
          connection, _ = server.accept()
        except (BlockingIOError, InterruptedError):
          break
        connection.close()


if __name__ == "__main__":
  main()

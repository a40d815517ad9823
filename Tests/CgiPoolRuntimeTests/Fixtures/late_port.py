#!/usr/bin/env python3
"""A test service: records when it started, binds PORT after DELAY_MS, then accepts forever.

Writes CLOCK_MONOTONIC microseconds (systemd's monotonic clock) to <stamps>/<name>.start
and <stamps>/<name>.bound, so tests can order "port opened" against another unit's start.
"""
import os
import socket
import sys
import time


def stamp(folder, name, what):
    value = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1_000_000)
    with open(os.path.join(folder, f"{name}.{what}"), "w") as handle:
        handle.write(str(value))


def main():
    name, port, delay_ms, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    stamp(folder, name, "start")
    time.sleep(delay_ms / 1000)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    stamp(folder, name, "bound")
    while True:
        connection, _ = server.accept()
        connection.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""hello.cgi: greets ?name=... (default "world"); answers 405 to anything but GET and HEAD."""

import os
import sys
import urllib.parse

method = os.environ.get("REQUEST_METHOD", "GET")
if method not in ("GET", "HEAD"):
  # Status: sets the HTTP status the worker sends (RFC 3875 section 6.3.3).
  sys.stdout.write("Status: 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n"
                   "Content-Type: text/plain\r\n\r\nhello.cgi answers GET and HEAD only\n")
  sys.exit(0)
params = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
name = params.get("name", ["world"])[0]
sys.stdout.write("Content-Type: text/plain; charset=utf-8\r\n\r\n")
sys.stdout.write(f"Hello, {name}!\n")

#!/usr/bin/env python3
"""One-shot check of the cgipool demo before the workers start; exits 0 when all is well.

For every cgi-bin/*.cgi: the executable bit is set, the #! interpreter exists, the syntax is
valid (`sh -n` or Python compile), and one dry run (GET, empty query) prints a valid CGI response.
Then it byte-compiles the demo's Python services so their first start is faster.

Usage: python3 warmup.py [--cgi-dir DIR]
"""

import argparse
import compileall
import os
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "workers"))
from cgi_host import CgiOutputError, parse_cgi_output  # noqa: E402  (the workers' own parser)


def interpreter(path):
  """The argv of the script's #! line, or None."""
  with open(path, "rb") as file:
    first = file.readline().decode("utf-8", "replace").strip()
  return shlex.split(first[2:]) if first.startswith("#!") else None


def check(path):
  """A list of problems with the CGI script at path (empty when it is fine)."""
  if not os.access(path, os.X_OK):
    return ["not executable (chmod +x)"]
  argv = interpreter(path)
  if not argv:
    return ["no #! line"]
  program = argv[1] if os.path.basename(argv[0]) == "env" and len(argv) > 1 else argv[0]
  if shutil.which(program) is None:
    return [f"interpreter {program} not found"]
  if "python" in os.path.basename(program):
    with open(path, "rb") as file:
      source = file.read()
    try:
      compile(source, path, "exec")
    except SyntaxError as error:
      return [f"syntax error line {error.lineno}: {error.msg}"]
  elif os.path.basename(program) in ("sh", "bash", "dash"):
    syntax = subprocess.run([program, "-n", path], capture_output=True, text=True)
    if syntax.returncode != 0:
      return [f"syntax error: {syntax.stderr.strip()}"]
  env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "GATEWAY_INTERFACE": "CGI/1.1",
         "REQUEST_METHOD": "GET", "QUERY_STRING": "", "PATH_INFO": "", "SERVER_PROTOCOL": "HTTP/1.1",
         "SCRIPT_NAME": "/cgi-bin/" + os.path.basename(path), "SERVER_SOFTWARE": "cgipool-demo-warmup",
         "SERVER_NAME": "localhost", "SERVER_PORT": "0", "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": ""}
  try:
    run = subprocess.run([path], cwd=os.path.dirname(path), env=env, input=b"", capture_output=True, timeout=10)
  except (OSError, subprocess.TimeoutExpired) as error:
    return [f"dry run failed: {error}"]
  try:
    status, _, _, _ = parse_cgi_output(run.stdout)
  except CgiOutputError as error:
    return [f"dry run printed no valid CGI response: {error}"]
  return [] if status < 500 else [f"dry run answered status {status}"]


def main(argv=None):
  parser = argparse.ArgumentParser(description="check the demo's CGI scripts")
  parser.add_argument("--cgi-dir", default=os.path.join(HERE, "cgi-bin"))
  args = parser.parse_args(argv)
  scripts = sorted(n for n in os.listdir(args.cgi_dir) if n.endswith(".cgi"))
  if not scripts:
    print(f"warmup: no *.cgi in {args.cgi_dir}", flush=True)
    return 1
  failed = 0
  for name in scripts:
    problems = check(os.path.join(args.cgi_dir, name))
    print(f"warmup: {name}: {'ok' if not problems else '; '.join(problems)}", flush=True)
    failed += bool(problems)
  for folder in ("workers", "pool", "proxy"):
    compileall.compile_dir(os.path.join(HERE, folder), quiet=1)
  print(f"warmup: {len(scripts) - failed}/{len(scripts)} CGI scripts ready", flush=True)
  return 1 if failed else 0


if __name__ == "__main__":
  sys.exit(main())

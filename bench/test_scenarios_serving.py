"""Tests of the serving scenario's own logic: how ab's output becomes failed requests, the configs
it writes, and the report section. `python3 -m unittest bench/test_scenarios_serving.py` (needs ab
for the test against a real server; about 3 s)."""
import http.server
import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
import scenarios_serving as serving  # noqa: E402


def free_port():
  with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


class Handler(http.server.BaseHTTPRequestHandler):
  def do_GET(self):
    # Every third request is a 503, and bodies differ in length (as echo.cgi's do between workers).
    self.server.count += 1
    status = 503 if self.server.count % 3 == 0 else 200
    body = b"x" * (1 + self.server.count % 2)
    self.send_response(status)
    self.send_header("Content-Length", str(len(body)))
    self.end_headers()
    self.wfile.write(body)

  def log_message(self, *args):
    pass


class ParseAbTests(unittest.TestCase):
  def load_then_refuse(self):
    """ab's parsed output against a server that answers 200s and 503s, then closes its port."""
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.count = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = tempfile.mkdtemp()
    try:
      csv = os.path.join(folder, "ab.csv")
      load = subprocess.Popen(["ab", "-r", "-v", "2", "-c", "2", "-t", "2", "-n", "100000000", "-e", csv,
                               f"http://127.0.0.1:{port}/"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
      time.sleep(0.7)
      server.shutdown()
      server.server_close()  # from now on every connection is refused
      text = load.communicate(timeout=30)[0].decode(errors="replace")
      return text, serving.parse_ab(text, csv)
    finally:
      shutil.rmtree(folder)

  @unittest.skipIf(shutil.which("ab") is None, "ab (apache2-utils) is not installed")
  def test_failed_counts_each_refused_and_non_2xx_request_once(self):
    # ab sometimes gives up on a refusal without a summary (see cell()); then try again.
    for _ in range(5):
      text, row = self.load_then_refuse()
      if "Complete requests:" in text:
        break
    else:
      self.skipTest("ab gave up without a summary five times")
    answered = row["statuses"].get("200", 0) + row["statuses"].get("503", 0)
    self.assertGreater(row["statuses"].get("200", 0), 0)
    self.assertGreater(row["statuses"].get("503", 0), 0)
    refused = row["complete"] - answered
    self.assertGreater(refused, 0, "the server closed, so some requests were refused")
    # ab's own count is larger: refused requests again as exceptions, differing lengths as errors.
    self.assertGreater(row["ab_failed"], row["failed"])
    self.assertEqual(row["ok"], row["statuses"]["200"])
    # Each request that got no 2xx is counted once (up to the concurrency at the time limit).
    self.assertLessEqual(abs(row["failed"] - (row["complete"] - row["ok"])), 2)
    self.assertEqual(row["ab_non2xx"], row["statuses"]["503"])
    self.assertIsNotNone(row["p99_ms"])
    self.assertIsNotNone(row["max_ms"])


class ConfigTests(unittest.TestCase):
  def test_variants_use_their_own_ports_and_the_held_one_no_probe_of_a_held_port(self):
    folder = tempfile.mkdtemp()
    try:
      held = serving.cgipool_config("held", os.path.join(folder, "held.json"))
      bound = serving.cgipool_config("bound", os.path.join(folder, "bound.json"))
      serving.supervisord_config(os.path.join(folder, "s.conf"), "/s.sock", "/s.pid", "/s.log")
      with open(os.path.join(folder, "s.conf")) as f:
        conf = f.read()
    finally:
      shutil.rmtree(folder)
    demo_ports = {"8080", "8001", "9001", "9002"}
    text = json.dumps([held, bound]) + conf
    for port in demo_ports:
      self.assertNotIn(f":{port}", text)
    for name, spec in held["processes"].items():
      self.assertIn("listen", spec)
      held_port = spec["listen"].rsplit(":", 1)[1]
      if spec["health_check"]["type"] in ("port", "http"):
        self.assertNotIn(f":{held_port}", spec["health_check"]["target"], name)
    for spec in bound["processes"].values():
      self.assertNotIn("listen", spec)
    self.assertEqual(held["processes"]["sample_hello"]["replicas"], serving.REPLICAS)
    self.assertIn(f"numprocs={serving.REPLICAS}", conf)
    # Four worker URLs where replicas have ports of their own, two where they share the group's.
    self.assertEqual(len(serving.worker_urls("bound")), 2 * serving.REPLICAS)
    self.assertEqual(len(serving.worker_urls("held")), 2)


class ReportTests(unittest.TestCase):
  def test_section_lists_every_scenario_and_set_up(self):
    rows = {"complete": 10, "ok": 8, "failed": 2, "p99_ms": 50.0, "max_ms": 90.0, "fault_seconds": 1.5}
    summary = {s: {v: serving.summarize([dict(rows)]) for v in serving.VARIANTS} for s in serving.SCENARIOS}
    sv = {"labels": serving.LABELS, "scenario_labels": serving.SCENARIO_LABELS, "replicas": 2,
          "readiness": "x", "concurrency": 4, "window_s": 7, "request": "/", "fault_at_s": 0.5, "runs": 1,
          "summary": summary}
    goals = []
    text = "\n".join(report.section_serving(sv, goals))
    for label in list(serving.LABELS.values()) + list(serving.SCENARIO_LABELS.values()):
      self.assertIn(label, text)
    self.assertEqual(len(goals), 1)
    self.assertIn("Not run: x", "\n".join(report.section_serving({"not_run": "x"}, [])))



class OrphanScanLockTests(unittest.TestCase):
  def test_the_pools_run_only_while_the_tests_orphan_scan_lock_is_held(self):
    """run_serving waits while a test holds the lock, and holds it while its pools run."""
    ran = []

    def fake_scenarios(runs, window, fault_at):
      # Held by the bench now: a test's own try must fail.
      with open(serving.ORPHAN_SCAN_LOCK, "a") as probe:
        with self.assertRaises(BlockingIOError):
          fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
      ran.append(time.monotonic())
      return {"runs": runs}

    original = serving.serve_every_scenario
    serving.serve_every_scenario = fake_scenarios
    self.addCleanup(setattr, serving, "serve_every_scenario", original)
    with open(serving.ORPHAN_SCAN_LOCK, "a") as held:
      fcntl.flock(held, fcntl.LOCK_EX)
      results = []
      thread = threading.Thread(target=lambda: results.append(serving.run_serving(2)))
      thread.start()
      time.sleep(0.5)
      self.assertEqual(ran, [], "the pools ran while a test held the lock")
      released = time.monotonic()
    thread.join(10)
    self.assertEqual(results, [{"runs": 2}])
    self.assertGreaterEqual(ran[0], released)


if __name__ == "__main__":
  unittest.main()

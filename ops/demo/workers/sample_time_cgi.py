#!/usr/bin/env python3
"""sample_time: a CGI worker of the cgipool demo; `/` runs cgi-bin/time.cgi.

Usage: python3 workers/sample_time_cgi.py --port 9002 [--host 127.0.0.1]
"""

import sys

from cgi_host import main

if __name__ == "__main__":
  sys.exit(main(name="sample_time", default_port=9002, index_script="time.cgi"))

#!/usr/bin/env python3
"""sample_hello: a CGI worker of the cgipool demo; `/` runs cgi-bin/hello.cgi.

Usage: python3 workers/sample_hello_cgi.py --port 9001 [--host 127.0.0.1]
"""

import sys

from cgi_host import main

if __name__ == "__main__":
  sys.exit(main(name="sample_hello", default_port=9001, index_script="hello.cgi"))

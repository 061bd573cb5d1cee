"""One desk in the race test: imports everything, waits for the start signal, books once.

Run as a real process: ``python race_worker.py START_AT ARGS...``. It sleeps until the
instant START_AT (epoch seconds) so that all desks hit the database together, then runs the
real `recall` command line in-process and exits with its exit code.
"""

import sys
import time

from recall_tui.cli.app import app  # noqa: F401  (warm the imports before the start)
from recall_tui.entry import main

start_at = float(sys.argv[1])
time.sleep(max(0.0, start_at - time.time()))
sys.exit(main(sys.argv[2:]))

"""One desk in the race test: imports everything, says it is ready, waits for the start
signal (a file appearing), then books once through the real `recall` command line.

Run as a real process: ``python race_worker.py GO_FILE ARGS...``; exits with the command's
exit code.
"""

import os
import sys
import time

from recall_tui.cli.app import app  # noqa: F401  (warm the imports before the start)
from recall_tui.entry import main

go = sys.argv[1]
print("ready", file=sys.stderr, flush=True)
deadline = time.time() + 120
while not os.path.exists(go) and time.time() < deadline:
    time.sleep(0.002)
sys.exit(main(sys.argv[2:]))

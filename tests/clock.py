"""A real `celery` process with its clock moved: ``python -m tests.clock WHEN celery ...``.

The process' clock starts at WHEN (ISO 8601, with its offset) and runs on from there
(time-machine), so that beat sends, and the worker runs, what is due on that day. Only
the process' clock moves: the project's code runs unchanged.
"""

import sys
from datetime import datetime

import time_machine
from celery.__main__ import main

if __name__ == "__main__":
    time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=True).start()
    sys.argv = sys.argv[2:]
    sys.exit(main())

"""``python -m cnyx_sim`` is the ``cnyx-sim`` command line."""

from __future__ import annotations

import sys

from cnyx_sim.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""cnyx_sim: agent-based regional simulation of 川南渝西 (Southern Sichuan - Western Chongqing), 2021-2035.

The public API is re-exported lazily so that ``import cnyx_sim`` stays cheap and free of side effects.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "run", "load", "load_scenario", "run_batch", "to_iamc", "compare", "scenarios", "decompose"]


def __getattr__(name: str):  # PEP 562: lazy re-exports, no work at import time
    if name == "run":
        from cnyx_sim.api import run

        return run
    if name == "load":
        from cnyx_sim.api import load

        return load
    if name in ("run_batch", "to_iamc", "compare", "decompose"):
        from cnyx_sim import api

        return getattr(api, name)
    if name == "load_scenario":
        from cnyx_sim.scenario.load import load_scenario

        return load_scenario
    if name == "scenarios":
        from cnyx_sim.resources import list_scenarios

        return list_scenarios
    raise AttributeError(f"module 'cnyx_sim' has no attribute {name!r}")

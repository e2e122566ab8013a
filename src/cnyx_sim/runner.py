"""Runners: a run is a pure function of (parameters, base-year data, seed, run index).

``run_one`` builds the Mesa model, steps it to the end year and returns the recorded arrays; it does no
I/O. Many runs (in process, with workers or on Dask) are ``cnyx_sim.batch``'s job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from cnyx_sim.core.model import BaseYearData, CnyxModel
from cnyx_sim.core.params import ModelParams
from cnyx_sim.core.recorder import Recorder
from cnyx_sim.core.state import Geography


@dataclass(frozen=True)
class RunResult:
    """What one run produced (arrays; see :mod:`cnyx_sim.io.results` for the tables)."""

    scenario: str
    run: int
    seed: int
    geography: Geography
    params: ModelParams
    recorder: Recorder
    seconds: float
    projects: Any = None  # the run's ProjectBook (cnyx_sim.core.projects), None without industrial transfer
    sharing: Any = None  # the run's tax-sharing ledger (cnyx_sim.core.sharing.SharingRecord)

    @property
    def years(self) -> np.ndarray:
        return self.recorder.years


def simulate(base: BaseYearData, params: ModelParams, seed: int, run: int) -> CnyxModel:
    """Build the model for one run and step it to the end year; returns the finished model."""
    model = CnyxModel(base, params, seed=seed, run=run)
    while model.running:
        model.step()
    return model


def run_one(scenario_name: str, base: BaseYearData, params: ModelParams, seed: int, run: int) -> RunResult:
    """One run of a scenario, returned as arrays."""
    started = time.perf_counter()
    model = simulate(base, params, seed, run)
    result = RunResult(
        scenario=scenario_name, run=run, seed=seed, geography=base.geography, params=params,
        recorder=model.recorder, seconds=time.perf_counter() - started,
        projects=model.transfer.book if model.transfer is not None else None,
        sharing=model.sharing.record(),
    )
    release_finished_models()
    return result


def release_finished_models() -> None:
    """Drop finished models from Mesa's class-level agent-id counters.

    Mesa 3.3 keeps ``mesa.Agent._ids``, a ``defaultdict`` keyed by model, and never removes a model from
    it, so every finished run would stay in memory (~2 MB per baseline run; a 10,000-run batch would hold
    ~20 GB). Only models that stopped (``running`` False) are dropped, so models still running in other
    threads (Dask threads) keep their counters. A no-op on Mesa versions without that dict.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if not isinstance(ids, dict):
        return
    for model in list(ids):
        if getattr(model, "running", True) is False:
            ids.pop(model, None)


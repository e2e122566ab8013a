"""Named random streams derived from one scenario seed and a run index.

Every run is a pure function of (scenario, parameters, seed, run). The stream for run ``r`` is
``SeedSequence(seed, spawn_key=(r,))``, i.e. the r-th child of the scenario seed, so it does not depend
on how many runs a batch holds or on which worker executes it. Scenarios that share a seed share their
streams (common random numbers): differences between policy variants come from policy, not noise.
"""

from __future__ import annotations

import numpy as np

#: Stream names. Append only, never reorder: the position of a name fixes its child seed.
STREAMS: tuple[str, ...] = ("mesa", "shocks", "transfer", "fiscal", "events", "sharing", "parameters", "macro",
                           "ecology")


def run_seed_sequence(seed: int, run: int) -> np.random.SeedSequence:
    """The seed sequence of run ``run`` of a scenario whose seed is ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=(run,))


def make_streams(seed: int, run: int) -> dict[str, np.random.Generator]:
    """One independent ``Generator`` per purpose for run ``run``."""
    children = run_seed_sequence(seed, run).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children)}

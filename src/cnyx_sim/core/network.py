"""The transport network of one run: base-year travel times, dated events and which of them happen (T10).

One object per run, shared by the industrial-transfer engine (location choice, T4 and T11) and the market
access of production (M1-M2), so both see the same event history. Which uncertain events happen is drawn
once, from the ``events`` stream, when the network is built.
"""

from __future__ import annotations

import numpy as np

from cnyx_sim.core.params import InfrastructureParams
from cnyx_sim.mechanisms import infrastructure


class TransportNetwork:
    """Travel times by year (T10).

    Parameters
    ----------
    params : the base travel times (``[node, node]`` hours), the events and their probabilities.
    rng : the ``events`` stream (one uniform per event, in event order, drawn here).
    """

    def __init__(self, params: InfrastructureParams, rng: np.random.Generator) -> None:
        self.p = params
        self.events_occurred = infrastructure.draw_event_occurrence(params.event_probability, rng)
        self._times: dict[int, np.ndarray] = {}

    def travel_times(self, year: int) -> np.ndarray:
        """(T10) ``[node, node]`` hours in ``year`` (computed once per year; do not modify)."""
        if year not in self._times:
            p = self.p
            self._times[year] = infrastructure.travel_times(p.base_travel_time, p.event_year, self.events_occurred,
                                                            p.event_pairs, p.event_hours, year)
        return self._times[year]

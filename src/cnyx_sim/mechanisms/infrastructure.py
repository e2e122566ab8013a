"""Infrastructure: travel times between nodes, dated events and market access (ODD 7.9).

Nodes are the region's units and external nodes (``chengdu``, ``chongqing_core``, ``east_coast``). Travel
times ``T`` are in hours; the base-year (2021) matrix is ``calibration/travel_times_2021.csv``.

    (T10)  T_t[i, j] = min(T_{t-1}[i, j], T^e[i, j])   for every event e with year_e <= t that occurred
           year_e = the event's year if it is dated 1 January, else the next year (a mid-year event takes
           effect from the next annual step); occurrence ~ Bernoulli(p_e), drawn once per run from the
           ``events`` stream, so scenarios with one seed share their event history.
    (T11)  MA_c,t = sum_n M_n,t * exp(-a * T_t[c, n])     over all nodes n (own unit with T = 0)
           M_n = real value added of a unit, or the external mass of an external node (grown at the
           national real growth rate); a = access decay per hour.

Events only shorten travel times (a new line does not slow an old connection), hence the ``min``.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

FloatArray = np.ndarray


def effective_year(date: _dt.date) -> int:
    """(T10): the first annual step in which an event dated ``date`` is in effect."""
    return date.year if (date.month, date.day) == (1, 1) else date.year + 1


def draw_event_occurrence(probabilities: FloatArray, rng: np.random.Generator) -> np.ndarray:
    """(T10): which events happen in this run, ``[event]`` bool. One uniform per event, in event order."""
    uniforms = rng.random(len(probabilities))
    return uniforms < np.asarray(probabilities, dtype=float)


def travel_times(
    base: FloatArray,
    event_year: np.ndarray,
    occurred: np.ndarray,
    event_pairs: tuple[np.ndarray, ...],
    event_hours: tuple[np.ndarray, ...],
    year: int,
) -> FloatArray:
    """(T10): the ``[node, node]`` travel-time matrix in ``year`` (a new array; ``base`` is not modified)."""
    times = np.array(base, dtype=float, copy=True)
    for k in np.argsort(event_year, kind="stable"):
        if not occurred[k] or event_year[k] > year:
            continue
        i, j = event_pairs[k][:, 0], event_pairs[k][:, 1]
        hours = event_hours[k]
        times[i, j] = np.minimum(times[i, j], hours)
        times[j, i] = np.minimum(times[j, i], hours)
    return times


def market_access(mass: FloatArray, times_unit_to_node: FloatArray, decay: float) -> FloatArray:
    """(T11): ``[unit]`` market access, 亿元 (2021 prices) of decay-weighted economic mass.

    Parameters
    ----------
    mass : [node] economic mass of every node, 亿元.
    times_unit_to_node : [unit, node] hours.
    decay : 1/hour.
    """
    return (np.exp(-decay * times_unit_to_node) * mass[None, :]).sum(axis=1)

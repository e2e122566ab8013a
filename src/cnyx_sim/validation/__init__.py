"""Validation against published estimates (issue 10, item 9): stylised experiments in the model next to the
quasi-experimental estimates of ``../shared/design/evidence.md``.

One registered experiment = one comparison: a function of the number of paired runs that runs the model's
stylised experiment and returns the model's effect (:class:`Effect`: median and 5-95 % interval over runs,
each run paired with its counterfactual under common random numbers), registered with the published estimate
(:class:`Published`, with its source), a tolerance (:class:`Tolerance`) and the verdict rule
(:func:`verdict`). The tolerance is written in the experiment's module before the model is run, from the
published interval: the published range when the source gives one, else the point estimate +/- 50 % of its
value. A miss is reported as a miss (docs/validation.md; the tests mark it as an expected failure that must
keep failing, so a change that brings the model inside its tolerance is noticed too).

Experiments live in one module each (``EXPERIMENT_MODULES``); importing a module registers its experiments.
``python -m cnyx_sim.validation --write`` runs them and writes the generated section of docs/validation.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Modules that register experiments (one per stylised experiment).
EXPERIMENT_MODULES: tuple[str, ...] = ("cnyx_sim.validation.hsr_station", "cnyx_sim.validation.hukou_migration",
                                       "cnyx_sim.validation.park_designation")


@dataclass(frozen=True)
class Published:
    """A published estimate: point value, the range the source gives (or None), unit and source."""

    value: float
    low: float | None
    high: float | None
    unit: str
    source: str


@dataclass(frozen=True)
class Tolerance:
    """The interval the model's median must fall in, fixed before the model was run, and why."""

    low: float
    high: float
    basis: str

    @classmethod
    def from_published(cls, published: Published) -> "Tolerance":
        """The published range when given, else the point +/- 50 % of its value."""
        if published.low is not None and published.high is not None:
            return cls(published.low, published.high, "the published range")
        half = 0.5 * abs(published.value)
        return cls(published.value - half, published.value + half, "the published point +/- 50 %")


@dataclass(frozen=True)
class Effect:
    """The model's effect over paired runs: median, 5 % and 95 % quantiles, runs, and a note."""

    median: float
    p05: float
    p95: float
    runs: int
    note: str = ""

    @classmethod
    def of(cls, values: np.ndarray, note: str = "") -> "Effect":
        values = np.asarray(values, dtype=float)
        p05, median, p95 = np.quantile(values, [0.05, 0.5, 0.95])
        return cls(float(median), float(p05), float(p95), len(values), note)


@dataclass(frozen=True)
class Experiment:
    """A registered comparison of a model effect with a published estimate."""

    id: str
    title: str
    design: str
    measure: str
    published: Published
    tolerance: Tolerance
    run: Callable[[int], Effect]


REGISTRY: dict[str, Experiment] = {}


def register(experiment: Experiment) -> Experiment:
    """Add an experiment to :data:`REGISTRY` (ids are unique)."""
    if experiment.id in REGISTRY:
        raise ValueError(f"experiment {experiment.id!r} is registered twice")
    REGISTRY[experiment.id] = experiment
    return experiment


def experiments() -> list[Experiment]:
    """Every registered experiment, in module and registration order."""
    for name in EXPERIMENT_MODULES:
        importlib.import_module(name)
    return list(REGISTRY.values())


def verdict(effect: Effect, tolerance: Tolerance) -> str:
    """``within tolerance`` when the model's median lies in the tolerance; else ``outside tolerance``, with
    whether the model's 5-95 % interval at least reaches it."""
    if tolerance.low <= effect.median <= tolerance.high:
        return "within tolerance"
    overlaps = effect.p05 <= tolerance.high and effect.p95 >= tolerance.low
    return "outside tolerance (its 5-95 % interval reaches the tolerance)" if overlaps else "outside tolerance"


"""cnyx_sim as an EMA Workbench model (optional extra: ``pip install "cnyx-sim[ema]"``).

Chosen scenario parameters become EMA uncertainties or levers, chosen outcomes EMA scalar outcomes; each
experiment is one :func:`cnyx_sim.run` with the sampled values as parameter overrides (validated by the
scenario schema, so a value outside a parameter's range fails like a bad scenario file)::

    from ema_workbench import perform_experiments
    from cnyx_sim.ema import build_model

    model = build_model(
        "baseline",
        uncertainties={"production.tfp_long_run_growth": (0.005, 0.02),
                       "macro.deflator_growth": (0.0, 0.03)},
        levers={"fiscal.western_cit_last_year": (2025, 2035)},       # integer bounds -> IntegerParameter
        outcomes=["gdp_nominal@2035", "yibin:tax_local_after_sharing@2035", "target:gdp_nominal_2025"],
        runs=5,
    )
    experiments, outcomes = perform_experiments(model, scenarios=100, policies=4)

Parameters are dotted scenario key paths (as in sweep files and ``overrides=``); a range ``(low, high)`` of
floats is a ``RealParameter``, of ints an ``IntegerParameter``, a list a ``CategoricalParameter``. EMA names
must be Python identifiers, so ``production.tfp_long_run_growth`` is called
``production__tfp_long_run_growth`` in EMA's tables (:func:`ema_name`); pass a mapping
``{ema_name: key_path}`` as ``names`` to choose other names.

Outcomes: ``[region:]variable@year`` is the mean over the experiment's runs of a total variable (region
default ``cnyx``, the region total; EMA name ``[region__]variable_year``); ``target:NAME`` is the share of runs
that meet a plan target (EMA name ``p_met__NAME``). Every experiment uses the scenario's seed (or ``seed``),
so experiments differ by their parameters, not by their random numbers (common random numbers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_NOT_IDENT = re.compile(r"\W")


def ema_name(key: str) -> str:
    """A dotted key path or outcome spec as a Python identifier for EMA."""
    if key.startswith("target:"):
        return "p_met__" + _NOT_IDENT.sub("_", key[len("target:"):])
    text = key.replace(":", "__").replace(".", "__").replace("@", "_")
    text = _NOT_IDENT.sub("_", text)
    return text if text[:1].isalpha() or text[:1] == "_" else f"p_{text}"


@dataclass(frozen=True)
class Outcome:
    """A parsed outcome spec: a variable's mean over runs, or a target's share of runs met."""

    spec: str
    region: str = "cnyx"
    variable: str | None = None
    year: int | None = None
    target: str | None = None

    @classmethod
    def parse(cls, spec: str) -> "Outcome":
        if spec.startswith("target:"):
            name = spec[len("target:"):]
            if not name:
                raise ValueError(f"outcome {spec!r}: expected target:NAME such as target:gdp_nominal_2025")
            return cls(spec, target=name)
        from cnyx_sim.batch.design import parse_outcome

        region, variable, year = parse_outcome(spec)
        return cls(spec, region=region, variable=variable, year=year)

    def value(self, output) -> float:
        """The outcome of one experiment's :class:`cnyx_sim.api.ScenarioOutput`."""
        if self.target is not None:
            rows = output["targets"]
            rows = rows[rows["target"] == self.target]
            if rows.empty:
                raise ValueError(f"outcome {self.spec!r}: no such target in this run (targets: "
                                 f"{', '.join(dict.fromkeys(output['targets']['target']))})")
            return float(rows["met"].astype(bool).mean())
        traj = output["trajectories"]
        rows = traj[(traj["region"] == self.region) & (traj["sector"] == "total") & (traj["variable"] == self.variable)
                    & (traj["year"] == self.year)]
        if rows.empty:
            raise ValueError(f"outcome {self.spec!r}: no {self.variable} total for {self.region} in {self.year}")
        return float(rows["value"].mean())


@dataclass
class CnyxExperiment:
    """The function EMA calls per experiment (a picklable callable, so EMA's multiprocessing evaluator
    can send it to workers): keyword arguments by EMA name -> ``{outcome name: value}``."""

    scenario: str
    keys: dict[str, str]                      # EMA parameter name -> dotted key path
    outcomes: dict[str, Outcome]              # EMA outcome name -> outcome
    constants: dict[str, Any] = field(default_factory=dict)
    runs: int = 1
    seed: int | None = None

    def overrides(self, values: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(self.constants)
        for name, value in values.items():
            if name in self.keys:
                merged[self.keys[name]] = value
        return merged

    def __call__(self, **values: Any) -> dict[str, float]:
        from cnyx_sim.api import run

        output = run(self.scenario, runs=self.runs, seed=self.seed, overrides=self.overrides(values), write=False)
        return {name: outcome.value(output) for name, outcome in self.outcomes.items()}


def _parameter(name: str, spec: Any):
    from ema_workbench import CategoricalParameter, IntegerParameter, RealParameter

    if isinstance(spec, tuple) and len(spec) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in spec):
        low, high = spec
        if isinstance(low, int) and isinstance(high, int):
            return IntegerParameter(name, low, high)
        return RealParameter(name, float(low), float(high))
    if isinstance(spec, list) and spec:
        return CategoricalParameter(name, spec)
    raise ValueError(f"parameter {name}: expected a (low, high) tuple or a list of values, got {spec!r}")


def _named(specs: Mapping[str, Any] | None, names: Mapping[str, str] | None) -> dict[str, tuple[str, Any]]:
    """EMA name -> (dotted key path, range spec)."""
    by_key = {key: ema_name(key) for key in (specs or {})}
    if names:
        chosen = {key: name for name, key in names.items()}
        by_key.update({k: v for k, v in chosen.items() if k in by_key})
    return {name: (key, (specs or {})[key]) for key, name in by_key.items()}


def build_model(scenario: str = "baseline", uncertainties: Mapping[str, Any] | None = None,
                levers: Mapping[str, Any] | None = None, outcomes: Sequence[str] | Mapping[str, str] = (
                    "gdp_nominal@2035",), constants: Mapping[str, Any] | None = None, runs: int = 1,
                seed: int | None = None, names: Mapping[str, str] | None = None, name: str = "cnyxsim"):
    """An ``ema_workbench.Model`` (named ``name``: letters and digits only, as EMA 2.x requires) running
    ``scenario`` (a file or bundled name) with the given uncertainties,
    levers, outcomes and fixed ``constants`` (dotted key path -> value, e.g. ``{"years.end": 2030}``).

    Before returning, the scenario is validated with every parameter at its low and at its high end (and
    each categorical value), so a wrong key path or range fails here with the scenario's one-line error.
    """
    from ema_workbench import Model, ScalarOutcome

    from cnyx_sim.api import prepare

    unc, lev = _named(uncertainties, names), _named(levers, names)
    both = set(unc) & set(lev)
    if both:
        raise ValueError(f"{', '.join(sorted(both))}: both an uncertainty and a lever")
    outcome_specs = dict(outcomes) if isinstance(outcomes, Mapping) else {ema_name(o): o for o in outcomes}
    parsed = {n: Outcome.parse(spec) for n, spec in outcome_specs.items()}
    keys = {n: key for n, (key, _) in {**unc, **lev}.items()}
    experiment = CnyxExperiment(str(scenario), keys, parsed, dict(constants or {}), runs, seed)
    # Validate: each parameter at its ends (the others at the scenario's values).
    for ema, (key, spec) in {**unc, **lev}.items():
        values = list(spec) if isinstance(spec, (list, tuple)) else [spec]
        for value in values:
            prepare(scenario, runs, seed, experiment.overrides({ema: value}))
    model = Model(name, function=experiment)
    model.uncertainties = [_parameter(n, spec) for n, (_, spec) in unc.items()]
    model.levers = [_parameter(n, spec) for n, (_, spec) in lev.items()]
    model.outcomes = [ScalarOutcome(n) for n in parsed]
    return model

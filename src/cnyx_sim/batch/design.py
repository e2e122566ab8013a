"""Experiment design: a sweep file turns each scenario into parameter-sample variants.

A sweep is a separate YAML file (``cnyx-sim batch SCENARIO.yaml --sweep SWEEP.yaml``) so scenario files
stay plain scenarios that ``run`` and ``validate`` accept. Its one top-level key is ``sweep``::

    sweep:
      method: lhs              # grid | lhs (Latin hypercube) | sobol (scrambled Sobol') | saltelli
      samples: 16              # lhs / sobol: number of points; saltelli: base points N (N * (d + 2) variants)
      seed: 7                  # seed of the sampler (not of the model runs)
      parameters:              # dotted key paths into the scenario document
        production.tfp_long_run_growth: {low: 0.01, high: 0.03}
        capital.investment_rate.electronics: {low: 0.20, high: 0.30}
        # grid only: fiscal.growth_target: {values: [0.07, 0.0894]}
      sensitivity:             # saltelli only: outcomes whose Sobol indices are computed after the batch
        outcomes: [gdp_nominal@2035, population@2035]

Each sample is written into a copy of the scenario document at its key path and validated by the normal
scenario validation, so a value the schema rejects fails with the usual one-line located error. Variant
``k`` of scenario ``NAME`` is named ``NAME.sKKKK``; it keeps the scenario's seed, so run ``r`` of every
sample draws the same random numbers (common random numbers across the design).

Sobol indices (``saltelli``): the design is Saltelli's A, B and AB_i matrices from one scrambled Sobol'
sequence of dimension 2d (Saltelli et al. 2010, Comput. Phys. Commun. 181:259-270). With f the outcome
(mean over runs) of each point:

    (S1)  first order   S_i  = mean(f_B * (f_ABi - f_A)) / V            (Saltelli 2010, Table 2 (b))
    (ST)  total effect  ST_i = mean((f_A - f_ABi)^2) / (2 V)            (Jansen 1999)
    with  V = var([f_A, f_B]).
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import qmc

from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.load import build_params, calibration_for, validate_document
from cnyx_sim.scenario.yaml_io import ResolvedScenarioDoc, load_yaml_file

METHODS = ("grid", "lhs", "sobol", "saltelli")
SAMPLE_SEPARATOR = ".s"


@dataclass(frozen=True)
class SweepParameter:
    """One swept parameter: its dotted key path and either a range or explicit values (grid)."""

    key: str
    low: float | None = None
    high: float | None = None
    values: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Sweep:
    """A parsed sweep file."""

    file: str
    method: str
    samples: int
    seed: int
    parameters: tuple[SweepParameter, ...]
    outcomes: tuple[str, ...]
    lines: dict[tuple, int]
    raw: dict[str, Any]

    @property
    def content_hash(self) -> str:
        text = json.dumps(self.raw, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def error(self, key_path: tuple, expected: str) -> ScenarioError:
        line = None
        for length in range(len(key_path), 0, -1):
            line = self.lines.get(tuple(key_path[:length]))
            if line is not None:
                break
        return ScenarioError(self.file, key_path, line, expected)

    def points(self) -> np.ndarray:
        """``[sample, parameter]`` values of the design (rows in variant order)."""
        return sample_points(self)


def _number(sweep_error, key_path: tuple, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise sweep_error(key_path, f"expected a number, got {value!r}")
    return float(value)


def load_sweep(path: str | Path) -> Sweep:
    """Read and check a sweep file; every problem is a one-line :class:`ScenarioError`."""
    data, lines = load_yaml_file(path)
    file = str(path)
    probe = Sweep(file, "", 0, 0, (), (), lines, {})
    err = probe.error
    unknown = [k for k in data if k != "sweep"]
    if unknown:
        raise err((unknown[0],), "unknown key; a sweep file has the single top-level key 'sweep'")
    block = data.get("sweep")
    if not isinstance(block, dict):
        raise err(("sweep",), "expected a mapping with method, parameters (and samples, seed)")
    allowed = {"method", "samples", "seed", "parameters", "sensitivity"}
    extra = [k for k in block if k not in allowed]
    if extra:
        raise err(("sweep", extra[0]), f"unknown key; expected one of {', '.join(sorted(allowed))}")
    method = block.get("method")
    if method not in METHODS:
        raise err(("sweep", "method"), f"expected one of {', '.join(METHODS)} (got {method!r})")
    seed = block.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise err(("sweep", "seed"), f"expected a non-negative whole number (got {seed!r})")
    samples = block.get("samples")
    if method == "grid":
        if samples is not None:
            raise err(("sweep", "samples"), "a grid takes every combination of the listed values; drop 'samples'")
        samples = 0
    elif isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise err(("sweep", "samples"), f"expected a whole number >= 1 (got {samples!r})")
    params_block = block.get("parameters")
    if not isinstance(params_block, dict) or not params_block:
        raise err(("sweep", "parameters"), "expected a mapping of dotted key paths to {low, high} or {values}")
    parameters = []
    for key, spec in params_block.items():
        where = ("sweep", "parameters", key)
        if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
            raise err(where, "expected a dotted key path such as production.tfp_long_run_growth")
        if not isinstance(spec, dict):
            raise err(where, "expected {low: ..., high: ...} or {values: [...]}")
        if method == "grid":
            if set(spec) != {"values"} or not isinstance(spec["values"], list) or not spec["values"]:
                raise err(where, "a grid parameter needs exactly {values: [v1, v2, ...]}")
            values = tuple(_number(err, where + ("values", i), v) for i, v in enumerate(spec["values"]))
            parameters.append(SweepParameter(key, values=values))
        else:
            if set(spec) != {"low", "high"}:
                raise err(where, f"a {method} parameter needs exactly {{low: ..., high: ...}}")
            low, high = _number(err, where + ("low",), spec["low"]), _number(err, where + ("high",), spec["high"])
            if not low < high:
                raise err(where + ("high",), f"must be greater than low ({low})")
            parameters.append(SweepParameter(key, low=low, high=high))
    outcomes: tuple[str, ...] = ()
    sensitivity = block.get("sensitivity")
    if sensitivity is not None:
        if method != "saltelli":
            raise err(("sweep", "sensitivity"), "Sobol indices need method: saltelli")
        if not isinstance(sensitivity, dict) or set(sensitivity) != {"outcomes"} or not isinstance(
                sensitivity["outcomes"], list) or not sensitivity["outcomes"]:
            raise err(("sweep", "sensitivity"), "expected {outcomes: [variable@year, ...]}")
        for i, outcome in enumerate(sensitivity["outcomes"]):
            try:
                parse_outcome(outcome)
            except ValueError as exc:
                raise err(("sweep", "sensitivity", "outcomes", i), str(exc)) from None
        outcomes = tuple(sensitivity["outcomes"])
    return Sweep(file, method, int(samples), int(seed), tuple(parameters), outcomes, lines, data)


def parse_outcome(text: Any) -> tuple[str, str, int]:
    """``[region:]variable@year`` -> (region, variable, year); the region defaults to the total ``cnyx``."""
    if not isinstance(text, str) or "@" not in text:
        raise ValueError(f"expected [region:]variable@year such as gdp_nominal@2035 (got {text!r})")
    left, year = text.rsplit("@", 1)
    region, _, variable = left.rpartition(":")
    if not variable or not year.isdigit():
        raise ValueError(f"expected [region:]variable@year such as gdp_nominal@2035 (got {text!r})")
    return (region or "cnyx"), variable, int(year)


def _engine(kind: type, d: int, seed: int) -> qmc.QMCEngine:
    # scipy >= 1.15 names the generator ``rng``; older releases (>= 1.11 is supported) call it ``seed``.
    keyword = "rng" if "rng" in inspect.signature(kind.__init__).parameters else "seed"
    return kind(d, scramble=True, **{keyword: seed})


def sample_points(sweep: Sweep) -> np.ndarray:
    """The design matrix ``[sample, parameter]`` in parameter units."""
    params = sweep.parameters
    d = len(params)
    if sweep.method == "grid":
        return np.array(list(itertools.product(*(p.values for p in params))), dtype=float)
    low = np.array([p.low for p in params])
    high = np.array([p.high for p in params])
    if sweep.method == "lhs":
        unit = _engine(qmc.LatinHypercube, d, sweep.seed).random(sweep.samples)
    elif sweep.method == "sobol":
        unit = _engine(qmc.Sobol, d, sweep.seed).random(sweep.samples)
    else:  # saltelli: rows ordered per base point j: A_j, B_j, AB_j^(1..d)
        base = _engine(qmc.Sobol, 2 * d, sweep.seed).random(sweep.samples)
        a, b = base[:, :d], base[:, d:]
        rows = []
        for j in range(sweep.samples):
            rows.append(a[j])
            rows.append(b[j])
            for i in range(d):
                mixed = a[j].copy()
                mixed[i] = b[j, i]
                rows.append(mixed)
        unit = np.array(rows)
    return qmc.scale(unit, low, high)


# ------------------------------------------------------------------------------------------ applying samples
def set_key_path(data: dict, key: str, value: float) -> dict:
    """A copy of ``data`` with ``value`` at the dotted ``key`` (digit parts may be year keys).

    Raises ``KeyError`` with a sentence when a non-final part holds a single value, not a mapping.
    """
    parts = key.split(".")
    root = _copy_mapping(data)
    current = root
    for depth, part in enumerate(parts):
        name: Any = part
        if part not in current and part.isdigit():
            name = int(part)
        last = depth == len(parts) - 1
        if last:
            current[name] = value
            break
        child = current.get(name)
        if child is None:
            child = {}
        elif not isinstance(child, dict):
            shown = ".".join(parts[:depth + 1])
            raise KeyError(f"{shown} is a single value ({child!r}) in the scenario, so {key} cannot be set; "
                           f"write {shown} as a mapping in the scenario or sweep {shown} itself")
        else:
            child = _copy_mapping(child)
        current[name] = child
        current = child
    return root


def _copy_mapping(data: dict) -> dict:
    return {k: (_copy_mapping(v) if isinstance(v, dict) else v) for k, v in data.items()}


def variant_name(base_name: str, sample: int) -> str:
    return f"{base_name}{SAMPLE_SEPARATOR}{sample:04d}"


def make_variant(doc: ResolvedScenarioDoc, base_name: str, sweep: Sweep, sample: int, values: np.ndarray,
                 overrides: dict[str, Any] | None):
    """Validate one sample of ``doc``: returns ``(LoadedScenario, Calibration, ModelParams)``."""
    data = dict(doc.data)
    for param, value in zip(sweep.parameters, values):
        try:
            data = set_key_path(data, param.key, float(value))
        except KeyError as exc:
            raise sweep.error(("sweep", "parameters", param.key), exc.args[0]) from None
    merged = {**(overrides or {}), "name": variant_name(base_name, sample)}
    try:
        loaded = validate_document(replace(doc, data=data), merged)
        calibration = calibration_for(loaded)
        params = build_params(loaded, calibration)
    except ScenarioError as exc:
        shown = ", ".join(f"{p.key}={v:.6g}" for p, v in zip(sweep.parameters, values))
        key = exc.dotted_key_path
        # Point at the swept parameter the validation names (else the parameters block).
        culprit = next((p.key for p in sweep.parameters if key == p.key or key.startswith(p.key + ".")
                        or p.key.startswith(key + ".")), None)
        where = ("sweep", "parameters") + ((culprit,) if culprit else ())
        raise sweep.error(where, f"sample {sample} ({shown}) of scenario {base_name!r} is rejected at {key}: "
                                 f"{exc.expected}") from None
    return loaded, calibration, params


# --------------------------------------------------------------------------------------------- Sobol indices
def sobol_indices(outcome_by_point: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    """First-order (S1) and total (ST) indices from outcomes of a Saltelli design.

    Parameters
    ----------
    outcome_by_point : ``[N * (d + 2)]`` outcomes in :func:`sample_points` order (A_j, B_j, AB_j^(1..d)).
    d : number of parameters.

    Returns
    -------
    first_order, total : ``[d]`` each.
    """
    f = np.asarray(outcome_by_point, dtype=float).reshape(-1, d + 2)
    f_a, f_b, f_ab = f[:, 0], f[:, 1], f[:, 2:]
    variance = float(np.var(np.concatenate([f_a, f_b])))
    if variance == 0.0:
        return np.zeros(d), np.zeros(d)
    first = np.mean(f_b[:, None] * (f_ab - f_a[:, None]), axis=0) / variance
    total = 0.5 * np.mean((f_a[:, None] - f_ab) ** 2, axis=0) / variance
    return first, total


def sensitivity_table(out_dir: str | Path, sweep: Sweep, variant_names: list[str]) -> "pd.DataFrame":
    """(S1)/(ST) of every sweep outcome from a finished Saltelli batch; the outcome of a design point is
    its mean over runs. ``variant_names`` are in design order (one per point, one scenario file)."""
    import pandas as pd

    from cnyx_sim.batch.store import read_table

    rows = []
    d = len(sweep.parameters)
    parsed = [parse_outcome(o) for o in sweep.outcomes]
    variables = sorted({v for _, v, _ in parsed})
    traj = read_table(out_dir, "trajectories", ["scenario", "run", "region", "sector", "variable", "year", "value"],
                      [("sector", "==", "total"), ("variable", "in", variables)])
    for text, (region, variable, year) in zip(sweep.outcomes, parsed):
        picked = traj[(traj["region"] == region) & (traj["variable"] == variable) & (traj["year"] == year)]
        means = picked.groupby("scenario")["value"].mean().reindex(variant_names).to_numpy()
        if len(means) == 0 or np.isnan(means).any():
            first, total = np.full(d, np.nan), np.full(d, np.nan)
        else:
            first, total = sobol_indices(means, d)
        for param, s1, st in zip(sweep.parameters, first, total):
            rows.append({"outcome": text, "parameter": param.key, "first_order": s1, "total": st,
                         "base_points": sweep.samples})
    return pd.DataFrame(rows, columns=["outcome", "parameter", "first_order", "total", "base_points"])

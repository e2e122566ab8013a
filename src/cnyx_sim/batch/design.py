"""Experiment design: a sweep file turns each scenario into parameter-sample variants.

A sweep is a separate YAML file (``cnyx-sim batch SCENARIO.yaml --sweep SWEEP.yaml``) so scenario files
stay plain scenarios that ``run`` and ``validate`` accept. Its one top-level key is ``sweep``::

    sweep:
      method: lhs              # grid | lhs (Latin hypercube) | sobol (scrambled Sobol') | saltelli | morris
      samples: 16              # lhs / sobol: number of points; saltelli: base points N (N * (d + 2) variants);
                               # morris: trajectories r (r * (d + 1) variants)
      levels: 4                # morris only: grid levels p (even, >= 2; default 4)
      seed: 7                  # seed of the sampler (not of the model runs)
      parameters:              # dotted key paths into the scenario document
        production.tfp_long_run_growth: {low: 0.01, high: 0.03}
        capital.investment_rate.electronics: {low: 0.20, high: 0.30}
        # grid only: fiscal.growth_target: {values: [0.07, 0.0894]}
      sensitivity:             # saltelli / morris: outcomes whose indices are computed after the batch
        outcomes: [gdp_nominal@2035, population@2035]

Each sample is written into a copy of the scenario document at its key path and validated by the normal
scenario validation, so a value the schema rejects fails with the usual one-line located error. Variant
``k`` of scenario ``NAME`` is named ``NAME.sKKKK``; it keeps the scenario's seed, so run ``r`` of every
sample draws the same random numbers (common random numbers across the design).

Sobol indices (``saltelli``): the design is Saltelli's A, B and AB_i matrices from one scrambled Sobol'
sequence of dimension 2d (Saltelli et al. 2010, Comput. Phys. Commun. 181:259-270). Rows are in SALib's
order, per base point j: A_j, AB_j^(1), ..., AB_j^(d), B_j (``SALib.sample.sobol`` with
``calc_second_order=False``), so ``SALib.analyze.sobol.analyze(problem, Y, calc_second_order=False)`` takes the
outcomes as they are; ``DIR/salib_problem.json`` holds SALib's ``problem`` and :func:`salib_outputs` returns
``(problem, X, Y)`` of a finished batch. (Batch folders written before this order was adopted -- no
salib_problem.json -- hold rows A_j, B_j, AB_j^(1..d); :func:`salib_outputs` reorders those when given the
sweep file.) With f the outcome (mean over runs) of each point, centred on the mean of all points:

    (S1)  first order   S_i  = mean(f_B * (f_ABi - f_A)) / V            (Saltelli 2010, Table 2 (b))
    (ST)  total effect  ST_i = mean((f_A - f_ABi)^2) / (2 V)            (Jansen 1999)
    with  V = var([f_A, f_B]).
    (SC)  confidence    S_conf = z_{(1+c)/2} * std_b(S^(b)),  S^(b) from the base points resampled with
          replacement (b = 1..B; SALib's bootstrap: the same resamples for a given seed), c = 0.95.

Elementary effects (``morris``): r trajectories of d + 1 points on the p-level grid {0, 1/(p-1), ..., 1} of
the unit cube, each built by Morris' B* construction (Morris 1991, Technometrics 33:161-174) from a random
base point x* in {0, 1/(p-1), ..., 1 - Delta}, random signs D* = diag(+-1) and a random factor order P*:

    (M1)  Delta = p / (2 (p - 1)),
          B* = (J x*' + (Delta / 2) ((2 B - J) D* + J)) P*
          (B: (d+1) x d strictly lower-triangular ones, J: (d+1) x d ones), so consecutive rows differ in
          exactly one factor by +-Delta and every point stays in [0, 1].
    (M2)  EE_i = (f(x + Delta e_i) - f(x)) / Delta    in unit-cube coordinates, one per factor and trajectory
          (a step of -Delta from x gives the effect at x - Delta e_i).
    (M3)  mu*_i = mean |EE_i|  (Campolongo, Cariboni & Saltelli 2007, Environ. Model. Softw. 22:1509-1518),
          mu_i = mean EE_i,  sigma_i = std(EE_i, ddof=1)  (undefined, NaN, for r = 1).
    (M4)  mu*_conf = z_{(1+c)/2} * std_b(mean |EE_i^(b)|), trajectories resampled with replacement (as SALib).
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import qmc

from cnyx_sim.limits import DEFAULT_LIMITS, Limits
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.load import build_params, calibration_for, validate_document
from cnyx_sim.scenario.yaml_io import ResolvedScenarioDoc, load_yaml_file

METHODS = ("grid", "lhs", "sobol", "saltelli", "morris")
#: Trajectory variables with sector rows only (no ``total`` row a sensitivity index could use).
SECTOR_VARIABLES = ("va_real", "va_nominal", "sector_employment")
DEFAULT_MORRIS_LEVELS = 4
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
    levels: int = DEFAULT_MORRIS_LEVELS  # morris grid levels p

    @property
    def morris_step(self) -> float:
        """(M1) Delta, the elementary-effect step in unit-cube coordinates."""
        return self.levels / (2 * (self.levels - 1))

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


# YAML 1.1 (pyyaml) reads ``5e-3`` (no dot) as text; scenario files accept it (the schema converts it), so
# sweep files do too.
_NUMBER_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
#: Largest magnitude of a swept value: far beyond any parameter's range, and high - low stays finite.
MAX_ABS_VALUE = 1e12


def _number(sweep_error, key_path: tuple, value: Any) -> float:
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = repr(value) if len(repr(value)) <= 40 else "text"
        raise sweep_error(key_path, f"expected a number, got {shown}")
    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_ABS_VALUE:
        raise sweep_error(key_path, f"expected a finite number of magnitude at most {MAX_ABS_VALUE:g}, got {number}")
    return number


def sweep_size(sweep: Sweep) -> int:
    """Points of the design, counted without building it (limits are checked before any allocation)."""
    d = len(sweep.parameters)
    if sweep.method == "grid":
        return math.prod(len(p.values) for p in sweep.parameters)
    if sweep.method == "saltelli":
        return sweep.samples * (d + 2)
    if sweep.method == "morris":
        return sweep.samples * (d + 1)
    return sweep.samples


def load_sweep(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Sweep:
    """Read and check a sweep file; every problem is a one-line :class:`ScenarioError`."""
    data, lines = load_yaml_file(path, limits=limits)
    file = str(path)
    probe = Sweep(file, "", 0, 0, (), (), lines, {})
    err = probe.error
    unknown = [k for k in data if k != "sweep"]
    if unknown:
        raise err((unknown[0],), "unknown key; a sweep file has the single top-level key 'sweep'")
    block = data.get("sweep")
    if not isinstance(block, dict):
        raise err(("sweep",), "expected a mapping with method, parameters (and samples, seed)")
    allowed = {"method", "samples", "seed", "parameters", "sensitivity", "levels"}
    extra = [k for k in block if k not in allowed]
    if extra:
        raise err(("sweep", extra[0]), f"unknown key; expected one of {', '.join(sorted(allowed))}")
    method = block.get("method")
    if method not in METHODS:
        shown = f" (got {method!r})" if len(repr(method)) <= 40 else ""
        raise err(("sweep", "method"), f"expected one of {', '.join(METHODS)}{shown}")
    seed = block.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise err(("sweep", "seed"), f"expected a whole number from 0 to 2^63 - 1 (got {str(seed)[:30]})")
    levels = block.get("levels", DEFAULT_MORRIS_LEVELS)
    if "levels" in block and method != "morris":
        raise err(("sweep", "levels"), "grid levels are for method: morris only; drop 'levels'")
    if isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= 1000 or levels % 2:
        raise err(("sweep", "levels"), f"expected an even whole number from 2 to 1000 (got {str(levels)[:30]})")
    samples = block.get("samples")
    if method == "grid":
        if samples is not None:
            raise err(("sweep", "samples"), "a grid takes every combination of the listed values; drop 'samples'")
        samples = 0
    elif isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise err(("sweep", "samples"), f"expected a whole number >= 1 (got {str(samples)[:30]})")
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
                raise err(where + ("high",), f"must be greater than low ({low:g})")
            parameters.append(SweepParameter(key, low=low, high=high))
    outcomes: tuple[str, ...] = ()
    sensitivity = block.get("sensitivity")
    if sensitivity is not None:
        if method not in ("saltelli", "morris"):
            raise err(("sweep", "sensitivity"), "sensitivity indices need method: saltelli or morris")
        if not isinstance(sensitivity, dict) or set(sensitivity) != {"outcomes"} or not isinstance(
                sensitivity["outcomes"], list) or not sensitivity["outcomes"]:
            raise err(("sweep", "sensitivity"), "expected {outcomes: [variable@year, ...]}")
        for i, outcome in enumerate(sensitivity["outcomes"]):
            try:
                parse_outcome(outcome)
            except ValueError as exc:
                raise err(("sweep", "sensitivity", "outcomes", i), str(exc)) from None
        outcomes = tuple(sensitivity["outcomes"])
        if len(set(outcomes)) != len(outcomes):
            raise err(("sweep", "sensitivity", "outcomes"), "an outcome is listed twice")
    return Sweep(file, method, int(samples), int(seed), tuple(parameters), outcomes, lines, data, levels)


def parse_outcome(text: Any) -> tuple[str, str, int]:
    """``[region:]variable@year`` -> (region, variable, year); the region defaults to the total ``cnyx``."""
    shown = repr(text) if len(repr(text)) <= 40 else "a long text"
    if not isinstance(text, str) or "@" not in text:
        raise ValueError(f"expected [region:]variable@year such as gdp_nominal@2035 (got {shown})")
    left, year = text.rsplit("@", 1)
    region, _, variable = left.rpartition(":")
    if not variable or not year.isdigit() or len(year) > 4:
        raise ValueError(f"expected [region:]variable@year such as gdp_nominal@2035 (got {shown})")
    return (region or "cnyx"), variable, int(year)


def check_outcomes(sweep: Sweep, prepared) -> None:
    """Every sensitivity outcome names a trajectory variable, a region (``cnyx`` or a unit) and a simulated
    year of the scenario ``prepared`` -- else no index could be computed (they would be NaN, silently)."""
    from cnyx_sim.core.params import TAXES
    from cnyx_sim.io.results import REGION_TOTAL, UNITS

    geo = prepared.calibration.base.geography
    years = prepared.loaded.scenario.years
    regions = (REGION_TOTAL, *geo.cities.codes)
    for i, text in enumerate(sweep.outcomes):
        region, variable, year = parse_outcome(text)
        where = ("sweep", "sensitivity", "outcomes", i)
        if variable in SECTOR_VARIABLES:
            raise sweep.error(where, f"{variable} is reported by sector, not as a total; use a total such as "
                                     "gdp_nominal or industry_va_real")
        if variable not in UNITS and variable not in {f"tax_gross_{tax}" for tax in TAXES}:
            raise sweep.error(where, f"unknown outcome variable {variable[:40]!r}; expected a trajectory variable "
                                     "such as gdp_nominal, gdp_real, population (docs/outputs.md)")
        if region not in regions:
            raise sweep.error(where, f"unknown region {region[:40]!r}; expected cnyx or a unit code such as {regions[1]}")
        if not years.start <= year <= years.end:
            raise sweep.error(where, f"year {year} is outside the simulated years {years.start}-{years.end} of "
                                     f"scenario {prepared.name!r}")


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
    elif sweep.method == "morris":
        unit = morris_unit_points(sweep)
    else:
        unit = saltelli_unit_points(sweep)
    return qmc.scale(unit, low, high)


def saltelli_unit_points(sweep: Sweep) -> np.ndarray:
    """Saltelli's design in the unit cube, ``[N * (d + 2), d]``, in SALib's row order: per base point j,
    A_j, AB_j^(1), ..., AB_j^(d), B_j (AB_j^(i) is A_j with column i taken from B_j)."""
    d = len(sweep.parameters)
    base = _engine(qmc.Sobol, 2 * d, sweep.seed).random(sweep.samples)
    a, b = base[:, :d], base[:, d:]
    block = np.repeat(a[:, None, :], d + 2, axis=1)  # [j, row in block, parameter]
    columns = np.arange(d)
    block[:, 1 + columns, columns] = b[:, columns]
    block[:, d + 1, :] = b
    return block.reshape(-1, d)


def morris_unit_points(sweep: Sweep) -> np.ndarray:
    """(M1) Morris trajectories in the unit cube, ``[r * (d + 1), d]``, trajectory by trajectory.

    Per trajectory the generator draws, in this order, the base point's grid levels, the signs and the
    factor order, so the design depends only on (seed, r, d, p).
    """
    d, p = len(sweep.parameters), sweep.levels
    rng = np.random.default_rng(sweep.seed)
    lower_ones = np.tril(np.ones((d + 1, d), dtype=int), k=-1)  # B
    ones = np.ones((d + 1, d), dtype=int)  # J
    trajectories = []
    for _ in range(sweep.samples):
        # Worked in integer grid levels (Delta = p/2 levels) so every point is exactly level / (p - 1).
        # Base levels 0 .. p/2 - 1 reach at most 1 - Delta, so x* + Delta stays inside the cube.
        base = rng.integers(0, p // 2, size=d)
        signs = np.diag(rng.choice([-1, 1], size=d))  # D*
        order = np.eye(d, dtype=int)[rng.permutation(d)]  # P*
        moved = ((2 * lower_ones - ones) @ signs + ones) // 2  # 0 or 1: is the factor at x* + Delta?
        trajectories.append((base[None, :] + (p // 2) * moved) @ order)
    return np.concatenate(trajectories, axis=0) / (p - 1)


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
                 overrides: dict[str, Any] | None, *, limits: Limits = DEFAULT_LIMITS):
    """Validate one sample of ``doc``: returns ``(LoadedScenario, Calibration, ModelParams)``."""
    data = dict(doc.data)
    for param, value in zip(sweep.parameters, values):
        try:
            data = set_key_path(data, param.key, float(value))
        except KeyError as exc:
            raise sweep.error(("sweep", "parameters", param.key), exc.args[0]) from None
    merged = {**(overrides or {}), "name": variant_name(base_name, sample)}
    try:
        loaded = validate_document(replace(doc, data=data), merged, limits=limits)
        calibration = calibration_for(loaded)
        params = build_params(loaded, calibration)
    except ScenarioError as exc:
        key = exc.dotted_key_path
        # Point at the swept parameter the validation names (else the parameters block), and show its value
        # (or, when the problem lies elsewhere, every swept value): messages stay short.
        culprit = next((p for p in sweep.parameters if key == p.key or key.startswith(p.key + ".")
                        or p.key.startswith(key + ".")), None)
        where = ("sweep", "parameters") + ((culprit.key,) if culprit else ())
        pairs = [(p, v) for p, v in zip(sweep.parameters, values) if culprit is None or p is culprit]
        # The reason comes first, so that a long file path cuts the sample's description, never the reason
        # (messages stay under 200 characters); the key path already names the culprit, so its value is enough.
        shown = ", ".join(f"{v:.6g}" if culprit is not None else f"{p.key}={v:.6g}" for p, v in pairs)
        at = "" if culprit is not None and culprit.key == key else f" (at {key})"
        raise sweep.error(where, f"{exc.expected}{at} (sample {sample}: {shown})") from None
    return loaded, calibration, params


# --------------------------------------------------------------------------------------------- Sobol indices
#: Bootstrap defaults of the confidence intervals (SALib's defaults are 100 resamples and 0.95).
BOOTSTRAP_RESAMPLES = 1000
CONF_LEVEL = 0.95


def _z(conf_level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + conf_level / 2))


def _saltelli_blocks(outcome_by_point: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(f_A [N], f_AB [N, d], f_B [N]) from outcomes in SALib order, centred on their overall mean."""
    f = np.asarray(outcome_by_point, dtype=float).reshape(-1, d + 2)
    # Centre the outcomes: (S1) is not shift-invariant at finite N (its bias grows with the outcome's mean,
    # e.g. GDP levels of ~10^4). The mean of all points is the centre SALib uses, so the indices agree.
    f = f - np.mean(f)
    return f[:, 0], f[:, 1:d + 1], f[:, d + 1]


def _first_and_total(f_a: np.ndarray, f_ab: np.ndarray, f_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(S1) and (ST) of ``f_a [..., N]``, ``f_ab [..., N, d]``, ``f_b [..., N]`` -> ``[..., d]`` each (leading
    axes, e.g. bootstrap resamples, are kept)."""
    variance = np.var(np.concatenate([f_a, f_b], axis=-1), axis=-1)
    safe = np.where(variance > 0.0, variance, 1.0)[..., None]
    first = np.mean(f_b[..., None] * (f_ab - f_a[..., None]), axis=-2) / safe
    total = 0.5 * np.mean((f_a[..., None] - f_ab) ** 2, axis=-2) / safe
    constant = (variance == 0.0)[..., None]
    return np.where(constant, 0.0, first), np.where(constant, 0.0, total)


def sobol_indices(outcome_by_point: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    """First-order (S1) and total (ST) indices from outcomes of a Saltelli design.

    Parameters
    ----------
    outcome_by_point : ``[N * (d + 2)]`` outcomes in :func:`sample_points` order (SALib's: A_j, AB_j^(1..d),
        B_j).
    d : number of parameters.

    Returns
    -------
    first_order, total : ``[d]`` each.
    """
    f_a, f_ab, f_b = _saltelli_blocks(outcome_by_point, d)
    # SALib normalises by the standard deviation as well; the ratios do not change.
    return _first_and_total(f_a, f_ab, f_b)


def sobol_confidence(outcome_by_point: np.ndarray, d: int, num_resamples: int = BOOTSTRAP_RESAMPLES,
                     conf_level: float = CONF_LEVEL, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(SC) bootstrap half-widths of (S1) and (ST), ``[d]`` each.

    The base points are resampled with replacement ``num_resamples`` times with
    ``numpy.random.default_rng(seed).integers(N, size=(N, num_resamples))`` -- the draws SALib's
    ``sobol.analyze(..., seed=seed)`` makes (seed > 0), so the intervals are SALib's for the same seed.
    """
    f_a, f_ab, f_b = _saltelli_blocks(outcome_by_point, d)
    n = len(f_a)
    if n < 2:
        return np.full(d, np.nan), np.full(d, np.nan)
    r = np.random.default_rng(seed).integers(n, size=(n, num_resamples))
    # [resample, base point] and [resample, base point, parameter]
    first, total = _first_and_total(f_a[r].T, np.transpose(f_ab[r], (1, 0, 2)), f_b[r].T)
    constant = np.ptp(np.concatenate([f_a[r], f_b[r]])) == 0.0
    if constant:
        return np.zeros(d), np.zeros(d)
    z = _z(conf_level)
    return z * np.std(first, axis=0, ddof=1), z * np.std(total, axis=0, ddof=1)


def elementary_effects(outcome_by_point: np.ndarray, unit_points: np.ndarray, delta: float) -> np.ndarray:
    """(M2) the elementary effects ``[trajectory, parameter]`` of a Morris design (unit-cube coordinates)."""
    d = unit_points.shape[1]
    f = np.asarray(outcome_by_point, dtype=float).reshape(-1, d + 1)
    x = np.asarray(unit_points, dtype=float).reshape(-1, d + 1, d)
    steps = np.diff(x, axis=1)  # [trajectory, step, factor]: one nonzero entry, +-Delta
    factor = np.argmax(np.abs(steps), axis=2)
    sign = np.sign(np.take_along_axis(steps, factor[..., None], axis=2)[..., 0])
    effects = np.empty((f.shape[0], d))
    rows = np.arange(f.shape[0])[:, None]
    effects[rows, factor] = np.diff(f, axis=1) / (sign * delta)
    return effects


def morris_effects(outcome_by_point: np.ndarray, unit_points: np.ndarray, delta: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(M2)/(M3) mu*, mu and sigma of the elementary effects of a Morris design.

    Parameters
    ----------
    outcome_by_point : ``[r * (d + 1)]`` outcomes in :func:`morris_unit_points` order.
    unit_points : ``[r * (d + 1), d]`` the design in unit-cube coordinates.
    delta : the step Delta of (M1).

    Returns
    -------
    mu_star, mu, sigma : ``[d]`` each (sigma is NaN when there is a single trajectory).
    """
    effects = elementary_effects(outcome_by_point, unit_points, delta)
    d = effects.shape[1]
    sigma = np.std(effects, axis=0, ddof=1) if effects.shape[0] > 1 else np.full(d, np.nan)
    return np.mean(np.abs(effects), axis=0), np.mean(effects, axis=0), sigma


def morris_confidence(effects: np.ndarray, num_resamples: int = BOOTSTRAP_RESAMPLES,
                      conf_level: float = CONF_LEVEL, seed: int = 1) -> np.ndarray:
    """(M4) bootstrap half-width of mu* per parameter, from ``effects [trajectory, parameter]``.

    Draws as SALib's ``morris.analyze(..., seed=seed)``: one ``default_rng(seed)``, per parameter in order
    ``integers(r, size=(num_resamples, r))``.
    """
    r, d = effects.shape
    if r < 2:
        return np.full(d, np.nan)
    rng = np.random.default_rng(seed)
    z = _z(conf_level)
    out = np.empty(d)
    for j in range(d):
        resampled = effects[:, j][rng.integers(r, size=(num_resamples, r))]
        out[j] = z * np.mean(np.abs(resampled), axis=1).std(ddof=1)
    return out


SOBOL_COLUMNS = ["outcome", "parameter", "first_order", "total", "base_points", "method", "first_order_conf",
                 "total_conf"]
MORRIS_COLUMNS = ["outcome", "parameter", "method", "mu_star", "mu", "sigma", "trajectories", "mu_star_conf"]


def sensitivity_table(out_dir: str | Path, sweep: Sweep, variant_names: list[str]) -> "pd.DataFrame":
    """(S1)/(ST) with (SC) intervals (saltelli) or (M3) with (M4) (morris) of every sweep outcome from a
    finished batch; the outcome of a design point is its mean over runs. ``variant_names`` are in design order
    (one per point, one scenario file). A point without that outcome (failed runs) makes the outcome's indices
    NaN."""
    import pandas as pd

    from cnyx_sim.batch.store import read_table

    rows = []
    d = len(sweep.parameters)
    parsed = [parse_outcome(o) for o in sweep.outcomes]
    variables = sorted({v for _, v, _ in parsed})
    traj = read_table(out_dir, "trajectories", ["scenario", "run", "region", "sector", "variable", "year", "value"],
                      [("sector", "==", "total"), ("variable", "in", variables)])
    morris = sweep.method == "morris"
    unit = morris_unit_points(sweep) if morris else None
    for text, (region, variable, year) in zip(sweep.outcomes, parsed):
        picked = traj[(traj["region"] == region) & (traj["variable"] == variable) & (traj["year"] == year)]
        means = picked.groupby("scenario")["value"].mean().reindex(variant_names).to_numpy()
        complete = len(means) > 0 and not np.isnan(means).any()
        nan = np.full(d, np.nan)
        if morris:
            if complete:
                mu_star, mu, sigma = morris_effects(means, unit, sweep.morris_step)
                effects = elementary_effects(means, unit, sweep.morris_step)
                conf = morris_confidence(effects, seed=_bootstrap_seed(sweep))
            else:
                mu_star, mu, sigma, conf = nan, nan, nan, nan
            for param, m_star, m, s, c in zip(sweep.parameters, mu_star, mu, sigma, conf):
                rows.append({"outcome": text, "parameter": param.key, "method": "morris", "mu_star": m_star,
                             "mu": m, "sigma": s, "trajectories": sweep.samples, "mu_star_conf": c})
            continue
        if complete:
            first, total = sobol_indices(means, d)
            first_conf, total_conf = sobol_confidence(means, d, seed=_bootstrap_seed(sweep))
        else:
            first, total, first_conf, total_conf = nan, nan, nan, nan
        for param, s1, st, c1, ct in zip(sweep.parameters, first, total, first_conf, total_conf):
            rows.append({"outcome": text, "parameter": param.key, "first_order": s1, "total": st,
                         "base_points": sweep.samples, "method": "saltelli", "first_order_conf": c1,
                         "total_conf": ct})
    return pd.DataFrame(rows, columns=MORRIS_COLUMNS if morris else SOBOL_COLUMNS)


def _bootstrap_seed(sweep: Sweep) -> int:
    # SALib treats seed 0 as "no seed" (global state); keep the bootstrap seeded and > 0.
    return sweep.seed + 1


# ------------------------------------------------------------------------------------------- SALib-ready
SALIB_PROBLEM = "salib_problem.json"
#: Row order of the saltelli design since issue 11 (SALib's); folders without salib_problem.json used the
#: older order per base point: A, B, AB_1..AB_d.
SALTELLI_ORDER = "per base point: A, AB_1..AB_d, B (SALib)"


def salib_problem(sweep: Sweep) -> dict[str, Any]:
    """SALib's ``problem`` dict for a sweep with ranges (``names`` are the dotted key paths)."""
    if sweep.method == "grid":
        raise ValueError("a grid sweep has no ranges, so no SALib problem")
    return {"num_vars": len(sweep.parameters), "names": [p.key for p in sweep.parameters],
            "bounds": [[p.low, p.high] for p in sweep.parameters]}


def write_salib_problem(out_dir: str | Path, sweep: Sweep) -> None:
    """``DIR/salib_problem.json``: the problem, the method, the design's row order and SALib call hints."""
    from cnyx_sim.batch.store import write_bytes_atomic

    if sweep.method == "grid":
        return
    record = {"problem": salib_problem(sweep), "method": sweep.method, "samples": sweep.samples,
              "sampler_seed": sweep.seed}
    if sweep.method == "saltelli":
        record["row_order"] = SALTELLI_ORDER
        record["analyze"] = "SALib.analyze.sobol.analyze(problem, Y, calc_second_order=False)"
    elif sweep.method == "morris":
        record["row_order"] = "trajectory by trajectory, d + 1 rows each"
        record["num_levels"] = sweep.levels
        record["analyze"] = f"SALib.analyze.morris.analyze(problem, X, Y, num_levels={sweep.levels})"
    text = json.dumps(record, indent=2, sort_keys=True) + "\n"
    write_bytes_atomic(Path(out_dir) / SALIB_PROBLEM, text.encode("utf-8"))


def salib_outputs(out_dir: str | Path, outcome: str, scenario_file: str | None = None,
                  sweep: str | Path | Sweep | None = None) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """``(problem, X, Y)`` of a finished sweep batch, ready for SALib's analyzers.

    ``X`` is ``[point, parameter]`` in parameter units and ``Y`` the outcome (``[region:]variable@year``,
    mean over runs) of each point, both in SALib's row order. ``scenario_file`` picks one scenario of a
    multi-scenario batch (default: the only one). A folder written before salib_problem.json existed (rows
    A, B, AB_i) needs ``sweep`` (the sweep file) and is reordered here.
    """
    import pandas as pd

    from cnyx_sim.batch.store import read_table

    out_dir = Path(out_dir)
    samples = pd.read_csv(out_dir / "samples.csv")
    sources = list(dict.fromkeys(samples["source"]))
    if scenario_file is None:
        if len(sources) > 1:
            raise ValueError(f"the batch has several scenario files; pass scenario_file= one of {sources}")
        scenario_file = sources[0]
    samples = samples[samples["source"] == scenario_file].sort_values("sample")
    problem_path = out_dir / SALIB_PROBLEM
    if problem_path.is_file():
        record = json.loads(problem_path.read_text(encoding="utf-8"))
        problem, method, old_order = record["problem"], record["method"], False
    else:
        if sweep is None:
            raise ValueError(f"{out_dir} has no {SALIB_PROBLEM} (written before SALib order was adopted): pass "
                             "sweep= the sweep file it was run with")
        sweep = sweep if isinstance(sweep, Sweep) else load_sweep(sweep)
        problem, method, old_order = salib_problem(sweep), sweep.method, sweep.method == "saltelli"
    region, variable, year = parse_outcome(outcome)
    traj = read_table(out_dir, "trajectories", ["scenario", "region", "sector", "variable", "year", "value"],
                      [("sector", "==", "total"), ("variable", "==", variable), ("year", "==", year),
                       ("region", "==", region)])
    means = traj.groupby("scenario")["value"].mean().reindex(samples["scenario"]).to_numpy()
    x = samples[problem["names"]].to_numpy(dtype=float)
    if old_order:
        d = problem["num_vars"]
        block = [0] + list(range(2, d + 2)) + [1]  # A, B, AB_1..d -> A, AB_1..d, B
        order = (np.arange(len(means)).reshape(-1, d + 2)[:, block]).reshape(-1)
        x, means = x[order], means[order]
    if method not in ("saltelli", "morris", "lhs", "sobol"):
        raise ValueError(f"method {method!r} has no SALib analyzer here")
    return problem, x, means

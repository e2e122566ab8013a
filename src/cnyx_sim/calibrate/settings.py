"""Priors and measurement settings of the growth calibration (``calibration/priors.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cnyx_sim.core.state import SECTOR_GROUPS

PRIORS_FILE = "priors.yaml"


class SettingsError(ValueError):
    """``priors.yaml`` is missing an entry or holds a bad value; ``str()`` is one line naming the key."""


@dataclass(frozen=True)
class Prior:
    """A normal prior (``mean``, ``sd``) with optimiser bounds."""

    mean: float
    sd: float
    low: float
    high: float


@dataclass(frozen=True)
class CalibrationSettings:
    """Everything ``priors.yaml`` holds (see that file for sources)."""

    start_year: int
    tfp_group_mean: dict[str, Prior]
    unit_effect_sd: float
    unit_group_effect_sd: float
    tfp_bounds: tuple[float, float]
    investment_log_scale: Prior
    capital_output_log_scale: Prior
    log_half_life: Prior
    pandemic_effect: Prior
    real_growth_sd: float
    share_change_sd: float
    quality_factor: dict[str, float]
    derived_growth_factor: float
    province_growth_factor: float
    pandemic_years: tuple[int, ...]
    n_draws: int
    seed: int
    validation_runs: int
    forward_baseline_runs: int
    holdout_years: int
    path: Path


def _get(data: dict, path: Path, *keys: str) -> Any:
    value: Any = data
    for i, key in enumerate(keys):
        if not isinstance(value, dict) or key not in value:
            raise SettingsError(f"{path}: missing key {'.'.join(keys[: i + 1])}")
        value = value[key]
    return value


def _number(data: dict, path: Path, *keys: str, positive: bool = False) -> float:
    value = _get(data, path, *keys)
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        raise SettingsError(f"{path}: {'.'.join(keys)}: expected a finite number, got {value!r}")
    if positive and value <= 0:
        raise SettingsError(f"{path}: {'.'.join(keys)}: expected a positive number, got {value!r}")
    return float(value)


def _prior(data: dict, path: Path, *keys: str, low: float | None = None, high: float | None = None) -> Prior:
    mean = _number(data, path, *keys, "mean")
    sd = _number(data, path, *keys, "sd", positive=True)
    lo = low if low is not None else _number(data, path, *keys, "low")
    hi = high if high is not None else _number(data, path, *keys, "high")
    if not lo < mean < hi:
        raise SettingsError(f"{path}: {'.'.join(keys)}: mean {mean} must lie strictly within [{lo}, {hi}]")
    return Prior(mean, sd, lo, hi)


def load_settings(directory: Path) -> CalibrationSettings:
    """Read ``directory/priors.yaml``; raises :class:`SettingsError` with the file and key on bad input."""
    path = Path(directory) / PRIORS_FILE
    if not path.is_file():
        raise SettingsError(f"{path}: calibration priors file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not readable YAML ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping at the top level")
    low, high = _number(data, path, "tfp_bounds", "low"), _number(data, path, "tfp_bounds", "high")
    groups = {g: _prior(data, path, "tfp_group_mean", g, low=low, high=high) for g in SECTOR_GROUPS}
    factors = _get(data, path, "measurement", "quality_factor")
    if not isinstance(factors, dict) or not factors:
        raise SettingsError(f"{path}: measurement.quality_factor: expected a mapping of quality label to factor")
    quality = {str(k): _number(factors, path, str(k), positive=True) for k in factors}
    pandemic = _get(data, path, "pandemic_years")
    if not isinstance(pandemic, list) or not all(isinstance(y, int) for y in pandemic):
        raise SettingsError(f"{path}: pandemic_years: expected a list of years")
    return CalibrationSettings(
        start_year=int(_number(data, path, "start_year")),
        tfp_group_mean=groups,
        unit_effect_sd=_number(data, path, "unit_effect_sd", positive=True),
        unit_group_effect_sd=_number(data, path, "unit_group_effect_sd", positive=True),
        tfp_bounds=(low, high),
        investment_log_scale=_prior(data, path, "investment_rate_log_scale"),
        capital_output_log_scale=_prior(data, path, "capital_output_log_scale"),
        log_half_life=_prior(data, path, "log_half_life"),
        pandemic_effect=_prior(data, path, "pandemic_effect"),
        real_growth_sd=_number(data, path, "measurement", "real_growth_sd", positive=True),
        share_change_sd=_number(data, path, "measurement", "share_change_sd", positive=True),
        quality_factor=quality,
        derived_growth_factor=_number(data, path, "measurement", "derived_growth_factor", positive=True),
        province_growth_factor=_number(data, path, "measurement", "province_growth_factor", positive=True),
        pandemic_years=tuple(sorted(pandemic)),
        n_draws=int(_number(data, path, "posterior_draws", positive=True)),
        seed=int(_number(data, path, "seed")),
        validation_runs=int(_number(data, path, "validation_runs", positive=True)),
        forward_baseline_runs=int(_number(data, path, "forward_baseline_runs", positive=True)),
        holdout_years=int(_number(data, path, "holdout_years", positive=True)),
        path=path,
    )

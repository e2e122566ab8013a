"""Posterior draws of the fitted growth parameters (docs/model.md 5.6): the CSV ``cnyx-sim calibrate`` writes.

One row per draw; column ``draw`` then one column per drawn quantity, holding its *deviation* from the
fitted point value:

- ``tfp_initial_growth.<unit>.<group>``: additive, 1/yr (``g_cs,0`` of every sector of the group);
- ``capital_output_ratio.<unit>.<sector>``: log ratio (``K/Y`` multiplied by ``exp(deviation)``);
- ``investment_rate``: log ratio, common to all sectors (``s_s`` multiplied by ``exp(deviation)``);
- ``tfp_convergence_half_life``: log ratio (``h`` multiplied by ``exp(deviation)``).

Deviations are applied to the values a run uses (``ModelParams.with_draw``), so a scenario, sweep or
override that changes a fitted value keeps the estimated uncertainty around its own value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cnyx_sim.core.params import ParameterDraws
from cnyx_sim.core.state import SECTOR_GROUPS, Geography

DRAW_COLUMN = "draw"
TFP, CAPITAL_OUTPUT, INVESTMENT = "tfp_initial_growth", "capital_output_ratio", "investment_rate"
HALF_LIFE = "tfp_convergence_half_life"


class DrawsError(ValueError):
    """The draws file is missing or malformed; ``str()`` is one line naming the file."""


@dataclass(frozen=True)
class Deviations:
    """Deviations of each draw: ``tfp [draw, city, sector]`` (additive), ``capital_output [draw, city, sector]``
    and ``investment [draw]``, ``half_life [draw]`` (log); a ``None`` field is not drawn."""

    tfp: np.ndarray | None
    capital_output: np.ndarray | None
    investment: np.ndarray | None
    half_life: np.ndarray | None = None


def column_names(geography: Geography) -> list[str]:
    """Every column a complete draws file has, in the order ``calibrate`` writes them."""
    cities, sectors = geography.cities.codes, geography.sectors.codes
    groups = [g for g in SECTOR_GROUPS if g in geography.sector_group]
    return ([DRAW_COLUMN] + [f"{TFP}.{c}.{g}" for c in cities for g in groups]
            + [f"{CAPITAL_OUTPUT}.{c}.{s}" for c in cities for s in sectors] + [HALF_LIFE, INVESTMENT])


def read_draws(path: Path, geography: Geography) -> Deviations:
    """Read a draws CSV written for ``geography``; unknown columns or non-finite values are errors."""
    if not path.is_file():
        raise DrawsError(f"{path}: posterior draws file not found")
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # noqa: BLE001 - any parse error becomes one line
        raise DrawsError(f"{path}: cannot read CSV ({type(exc).__name__})") from None
    known = set(column_names(geography))
    unknown = [c for c in frame.columns if c not in known]
    if unknown:
        raise DrawsError(f"{path}: unknown column {unknown[0]!r} (units, sectors or groups not in the calibration data)")
    if DRAW_COLUMN not in frame.columns or len(frame) == 0:
        raise DrawsError(f"{path}: expected a 'draw' column and at least one row")
    values = frame.drop(columns=DRAW_COLUMN)
    numeric = values.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(numeric).all():
        raise DrawsError(f"{path}: every deviation must be a finite number")
    values = pd.DataFrame(numeric, columns=values.columns)
    cities, sectors, groups = geography.cities.codes, geography.sectors.codes, geography.sector_group
    n = len(frame)

    def block(prefix: str, by: tuple[str, ...]) -> np.ndarray | None:
        names = [[f"{prefix}.{c}.{k}" for k in by] for c in cities]
        if not any(name in values for row in names for name in row):
            return None
        out = np.zeros((n, len(cities), len(by)))
        for i, row in enumerate(names):
            for j, name in enumerate(row):
                if name in values:
                    out[:, i, j] = values[name].to_numpy()
        return out

    tfp = block(TFP, groups)  # one column per group, expanded to the group's sectors
    return Deviations(
        tfp=tfp,
        capital_output=block(CAPITAL_OUTPUT, sectors),
        investment=values[INVESTMENT].to_numpy() if INVESTMENT in values else None,
        half_life=values[HALF_LIFE].to_numpy() if HALF_LIFE in values else None,
    )


def parameter_draws(deviations: Deviations) -> ParameterDraws | None:
    """The core's :class:`ParameterDraws` (deviations, applied per run by ``ModelParams.with_draw``)."""
    if all(x is None for x in (deviations.tfp, deviations.capital_output, deviations.investment,
                               deviations.half_life)):
        return None
    return ParameterDraws(tfp_initial_growth=deviations.tfp, capital_output_ratio=deviations.capital_output,
                          investment_rate=deviations.investment, tfp_convergence_half_life=deviations.half_life)

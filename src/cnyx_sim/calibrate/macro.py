"""National growth and prices beyond the cutoff, from forecasts published by then (docs/model.md 5.6, G5).

``calibration/macro_forecasts.csv`` holds forecasts by *vintage*: the cutoff year whose information set
they belong to (published by the end of January of the year after the cutoff, before that year's first
data). For a cutoff ``C`` the rows of the latest vintage ``<= C`` are used:

    (G5)  x_t = mean of the forecasts of year t (consensus of the forecasters of the vintage)
          between forecast years: linear interpolation; after the last one: the last value held

``x`` is national real GDP growth (``macro.national_real_growth``) or CPI change, the deflator forecast
(``macro.deflator_growth``; the GDP deflator is assumed to follow CPI, docs/model.md 7.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FORECASTS_FILE = "macro_forecasts.csv"
COLUMNS = ("vintage", "variable", "year", "value", "forecaster", "published", "quality", "source")
VARIABLES = {"national_real_growth_pct": "national_real_growth", "cpi_pct": "deflator_growth"}


class MacroError(ValueError):
    """The forecasts file is missing, malformed or has no vintage for the cutoff; one line naming the file."""


@dataclass(frozen=True)
class MacroPaths:
    """Year paths ``{year: fraction}`` from ``C + 1`` to ``end`` and where they came from."""

    vintage: int
    national_real_growth: dict[int, float]
    deflator_growth: dict[int, float]
    rows: pd.DataFrame


def _path(rows: pd.DataFrame, first: int, end: int) -> dict[int, float]:
    means = rows.groupby("year")["value"].mean() / 100.0
    years = np.arange(first, end + 1)
    known = means.index.to_numpy(dtype=float)
    values = np.interp(years, known, means.to_numpy())  # holds the end values beyond the known years
    return {int(y): round(float(v), 6) for y, v in zip(years, values)}


def macro_paths(directory: Path, cutoff: int, end: int) -> MacroPaths:
    """(G5) for cutoff ``cutoff`` over ``cutoff + 1 .. end``."""
    path = Path(directory) / FORECASTS_FILE
    if not path.is_file():
        raise MacroError(f"{path}: macro forecasts file not found")
    frame = pd.read_csv(path)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise MacroError(f"{path}: missing column(s) {', '.join(missing)}")
    if not np.isfinite(pd.to_numeric(frame["value"], errors="coerce")).all():
        raise MacroError(f"{path}: every value must be a finite number")
    vintages = sorted(v for v in frame["vintage"].unique() if v <= cutoff)
    if not vintages:
        raise MacroError(f"{path}: no forecast vintage at or before the cutoff {cutoff}")
    vintage = int(vintages[-1])
    rows = frame[(frame["vintage"] == vintage) & (frame["year"] > cutoff)]
    paths = {}
    for variable, name in VARIABLES.items():
        chosen = rows[rows["variable"] == variable]
        if chosen.empty:
            raise MacroError(f"{path}: vintage {vintage} has no {variable} forecast after {cutoff}")
        paths[name] = _path(chosen, cutoff + 1, end)
    return MacroPaths(vintage=vintage, national_real_growth=paths["national_real_growth"],
                      deflator_growth=paths["deflator_growth"], rows=rows.reset_index(drop=True))

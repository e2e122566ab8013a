"""Read the calibration folder (regions, sectors, base-year table) into the core's :class:`BaseYearData`.

The lists of units and sectors come from ``regions.csv`` and ``sectors.csv``: a user adds a unit by
adding rows there and in ``base_year_2021.csv``; no code lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cnyx_sim.core.model import BaseYearData
from cnyx_sim.core.state import Geography, Index
from cnyx_sim.resources import calibration_dir

#: The shipped calibration folder: the repository's calibration/ in a checkout, the wheel's bundled copy when
#: installed (cnyx_sim.resources; issue 11).
DEFAULT_CALIBRATION_DIR = calibration_dir()


class CalibrationError(ValueError):
    """A calibration file is missing or inconsistent. ``str()`` is one line naming the file."""


@dataclass(frozen=True)
class Calibration:
    """Base-year data plus the data-derived defaults of the scenario (e.g. the deflator)."""

    base: BaseYearData
    default_inflation: float
    directory: Path


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise CalibrationError(f"{path}: calibration file not found")
    try:
        return pd.read_csv(path, dtype={"code": str, "region": str, "sector": str})
    except Exception as exc:  # noqa: BLE001 - any parse error becomes one clear line
        raise CalibrationError(f"{path}: cannot read CSV ({exc})") from None


def _require_columns(frame: pd.DataFrame, path: Path, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CalibrationError(f"{path}: missing column(s) {', '.join(missing)}")


def load_calibration(directory: str | Path | None = None) -> Calibration:
    """Read ``regions.csv``, ``sectors.csv`` and ``base_year_2021.csv`` from ``directory``."""
    directory = Path(directory) if directory is not None else DEFAULT_CALIBRATION_DIR
    regions_path, sectors_path = directory / "regions.csv", directory / "sectors.csv"
    base_path = directory / "base_year_2021.csv"
    regions, sectors, table = _read_csv(regions_path), _read_csv(sectors_path), _read_csv(base_path)
    _require_columns(regions, regions_path, ("code", "name_zh", "province"))
    _require_columns(sectors, sectors_path, ("code", "parent", "is_industry"))
    _require_columns(table, base_path, ("region", "variable", "sector", "value", "year"))

    provinces = Index(tuple(dict.fromkeys(regions["province"].astype(str))))
    geography = Geography(
        cities=Index(tuple(regions["code"].astype(str))),
        city_names_zh=tuple(regions["name_zh"].astype(str)),
        city_province=np.array([provinces.position(p) for p in regions["province"].astype(str)], dtype=int),
        provinces=provinces,
        sectors=Index(tuple(sectors["code"].astype(str))),
        sector_parent=tuple(sectors["parent"].astype(str)),
        is_industry=sectors["is_industry"].astype(str).str.lower().isin(["true", "1", "yes"]).to_numpy(),
    )

    def pick(variable: str, sector: str) -> pd.Series:
        rows = table[(table["variable"] == variable) & (table["sector"] == sector)]
        values = rows.set_index("region")["value"].astype(float)
        missing = [c for c in geography.cities if c not in values.index]
        if missing:
            raise CalibrationError(f"{base_path}: no {variable} ({sector}) for unit(s) {', '.join(missing)}")
        return values.loc[list(geography.cities)]

    va = np.column_stack([pick("va_nominal", s).to_numpy() for s in geography.sectors])
    if np.any(va < 0) or np.any(~np.isfinite(va)):
        raise CalibrationError(f"{base_path}: va_nominal must be finite and non-negative")
    years = table.loc[table["variable"] == "gdp_nominal", "year"].astype(int).unique()
    if len(years) != 1:
        raise CalibrationError(f"{base_path}: expected one base year for gdp_nominal, found {sorted(years)}")
    gdp = pick("gdp_nominal", "total").to_numpy()
    if not np.allclose(va.sum(axis=1), gdp, rtol=1e-6):
        raise CalibrationError(f"{base_path}: sector value added does not sum to gdp_nominal")
    inflation_rows = table[table["variable"] == "cpi_inflation_mean_2015_2021"]
    if inflation_rows.empty:
        raise CalibrationError(f"{base_path}: no cpi_inflation_mean_2015_2021 row")
    base = BaseYearData(
        geography=geography,
        year=int(years[0]),
        value_added_nominal=va,
        population=pick("population", "total").to_numpy(dtype=float),
        historical_real_growth=pick("real_growth_mean_2015_2021", "total").to_numpy(dtype=float),
    )
    return Calibration(base=base, default_inflation=float(inflation_rows["value"].iloc[0]), directory=directory)

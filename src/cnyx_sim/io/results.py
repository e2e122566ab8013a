"""Output tables (the public output contract) and atomic writing of run directories.

Trajectories are long: ``scenario, run, region, sector, variable, unit, year, value``. ``region`` is a unit
code or ``cnyx`` (the region total), ``sector`` a sector code or ``total``. A variable has either sector
rows or a ``total`` row, never both, so summing a variable over sectors never double counts.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from cnyx_sim.runner import RunResult

REGION_TOTAL = "cnyx"
SECTOR_TOTAL = "total"
TRAJECTORY_COLUMNS = ["scenario", "run", "region", "sector", "variable", "unit", "year", "value"]
TARGET_COLUMNS = ["scenario", "run", "target", "year", "value", "threshold", "met"]

NOMINAL = "亿元 (current prices)"
REAL = "亿元 (2021 prices)"
PERSONS = "万人"

#: variable -> unit, for every variable the trajectories hold (docs/model.md "Outputs" lists their meaning).
UNITS: dict[str, str] = {
    "gdp_nominal": NOMINAL,
    "gdp_real": REAL,
    "industry_va_real": REAL,
    "va_real": REAL,
    "va_nominal": NOMINAL,
    "population": PERSONS,
    "employment": PERSONS,
    "sector_employment": PERSONS,
    "net_migration": PERSONS,
    "capital_stock": REAL,
    "wage_nominal": "万元/人 (current prices)",
    "gdp_per_capita_real": "元/人 (2021 prices)",
    "price_index": "index (2021=1)",
    "tax_revenue_gross": NOMINAL,
    "tax_local_collected": NOMINAL,
    "public_investment": NOMINAL,
    "public_capital": REAL,
    "public_investment_share": "1",
}


def _unit_and_region(values: np.ndarray, total: np.ndarray | None) -> np.ndarray:
    """Append the region total as the last column: ``[year, city] -> [year, city + 1]``."""
    region = values.sum(axis=1) if total is None else total
    return np.concatenate([values, region[:, None]], axis=1)


def unit_level_arrays(result: RunResult) -> dict[str, np.ndarray]:
    """``[year, region]`` arrays (region = units + cnyx) of every total variable."""
    rec, geo = result.recorder, result.geography
    sector = rec.by_sector
    city = rec.by_city
    industry = geo.is_industry
    out: dict[str, np.ndarray] = {}
    out["gdp_nominal"] = _unit_and_region(sector["va_nominal"].sum(axis=2), None)
    out["gdp_real"] = _unit_and_region(sector["va_real"].sum(axis=2), None)
    out["industry_va_real"] = _unit_and_region(sector["va_real"][:, :, industry].sum(axis=2), None)
    out["employment"] = _unit_and_region(sector["employment"].sum(axis=2), None)
    out["capital_stock"] = _unit_and_region(sector["capital_stock"].sum(axis=2), None)
    for name in ("population", "net_migration", "tax_revenue_gross", "tax_local_collected",
                 "public_investment", "public_capital"):
        out[name] = _unit_and_region(city[name], None)
    for tax in rec.taxes:
        out[f"tax_gross_{tax}"] = _unit_and_region(city[f"tax_gross_{tax}"], None)
    labour_income = _unit_and_region(city["labour_income_nominal"], None)
    out["wage_nominal"] = labour_income / out["employment"]
    out["gdp_per_capita_real"] = out["gdp_real"] / out["population"] * 1e4
    out["price_index"] = np.repeat(rec.price_index[:, None], geo.n_cities + 1, axis=1)
    # For a unit this equals its agent's decided share (F7); for the region it is the revenue-weighted mean.
    out["public_investment_share"] = out["public_investment"] / out["tax_local_collected"]
    return out


def sector_level_arrays(result: RunResult) -> dict[str, np.ndarray]:
    """``[year, region, sector]`` arrays (region = units + cnyx) of the per-sector variables."""
    rec = result.recorder
    out = {}
    for name, source in (("va_real", "va_real"), ("va_nominal", "va_nominal"), ("sector_employment", "employment")):
        values = rec.by_sector[source]
        out[name] = np.concatenate([values, values.sum(axis=1, keepdims=True)], axis=1)
    return out


def unit_of(variable: str) -> str:
    if variable.startswith("tax_gross_"):
        return NOMINAL
    return UNITS[variable]


def trajectories_frame(result: RunResult, extra_totals: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The long trajectory table of one run (output contract)."""
    geo = result.geography
    regions = np.array(list(geo.cities.codes) + [REGION_TOTAL], dtype=object)
    sectors = np.array(list(geo.sectors.codes), dtype=object)
    years = result.years
    n_years, n_regions, n_sectors = len(years), len(regions), len(sectors)
    pieces: list[pd.DataFrame] = []
    totals = unit_level_arrays(result)
    if extra_totals:
        totals.update(extra_totals)
    for variable, values in totals.items():
        pieces.append(pd.DataFrame({
            "region": np.tile(regions, n_years),
            "sector": SECTOR_TOTAL,
            "variable": variable,
            "unit": unit_of(variable),
            "year": np.repeat(years, n_regions),
            "value": values.reshape(-1),
        }))
    for variable, values in sector_level_arrays(result).items():
        pieces.append(pd.DataFrame({
            "region": np.tile(np.repeat(regions, n_sectors), n_years),
            "sector": np.tile(sectors, n_years * n_regions),
            "variable": variable,
            "unit": unit_of(variable),
            "year": np.repeat(years, n_regions * n_sectors),
            "value": values.reshape(-1),
        }))
    frame = pd.concat(pieces, ignore_index=True)
    frame.insert(0, "run", result.run)
    frame.insert(0, "scenario", result.scenario)
    frame["year"] = frame["year"].astype("int64")
    frame["run"] = frame["run"].astype("int64")
    return frame[TRAJECTORY_COLUMNS]


# ------------------------------------------------------------------------------------------- atomic writing
def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, then ``os.replace`` (atomic on POSIX)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    _atomic_write(path, lambda p: frame.to_parquet(p, index=False))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    _atomic_write(path, lambda p: frame.to_csv(p, index=False))


def write_json(data: Any, path: Path) -> None:
    def dump(p: Path) -> None:
        p.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n",
                     encoding="utf-8")

    _atomic_write(path, dump)


def write_run_directory(out_dir: Path, files: dict[str, Callable[[Path], None]]) -> None:
    """Write all files of a run directory at once: into a temporary sibling folder, then swap it in.

    A reader never sees a half-written directory, and a failure leaves any previous directory intact.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        for name, write in files.items():
            write(staging / name)
        old = None
        if out_dir.exists():
            old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_run_directory(path: str | Path) -> dict[str, Any]:
    """Read a run directory: ``{'trajectories': DataFrame, 'targets': DataFrame, 'manifest': dict, ...}``."""
    path = Path(path)
    out: dict[str, Any] = {}
    for parquet in sorted(path.glob("*.parquet")):
        out[parquet.stem] = pd.read_parquet(parquet)
    if (path / "targets.csv").is_file():
        out["targets"] = pd.read_csv(path / "targets.csv")
    if (path / "manifest.json").is_file():
        out["manifest"] = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    return out

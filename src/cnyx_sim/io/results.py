"""Output tables (the public output contract) and safe, atomic writing of run directories.

Trajectories are long: ``scenario, run, region, sector, variable, unit, year, value``. ``region`` is a unit
code or ``cnyx`` (the region total), ``sector`` a sector code or ``total``. A variable has either sector
rows or a ``total`` row, never both, so summing a variable over sectors never double counts.

Output safety (issue 12): a run folder is written into a hidden staging folder next to it and swapped in
whole. ``--out`` may name a new path, an empty folder or a previous run folder (it holds a run's
``manifest.json``); anything else -- a regular file, a batch folder, a folder of other files -- is refused
with an :class:`OutputError` (exit 2) and left untouched. Staging folders left behind by a process that was
killed are removed the next time a run writes next to them; permission problems are an ``OutputError``
naming the path.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from cnyx_sim.errors import InputError
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
    # industrial transfer (issue 3); per unit, region = sum of units
    "projects_arrived": "count",
    "projects_relocated_in": "count",
    "project_investment": NOMINAL,
    "project_va_nominal": NOMINAL,
    "project_jobs": PERSONS,
    "project_tax_gross": NOMINAL,
    # projects as producers and investment accounting (issue 9, ODD 7.3, 7.7); per unit, region = sum of units
    "project_signed_value": NOMINAL,
    "project_capital": REAL,
    "project_local_purchases": NOMINAL,
    "capital_written_off": REAL,
    "incumbent_investment": NOMINAL,
    "supplier_investment": NOMINAL,
    "crowded_out_investment": NOMINAL,
    # fiscal system (issue 4, ODD 7.10-7.12); per unit, region = sum of units
    "gdp_credited_nominal": NOMINAL,
    "gdp_credited_to_external": NOMINAL,
    "industry_va_credited_nominal": NOMINAL,
    "industry_va_credited_real": REAL,
    "fai_nominal": NOMINAL,
    "fai_credited_nominal": NOMINAL,
    "tax_local_after_sharing": NOMINAL,
    "sharing_paid": NOMINAL,
    "sharing_received": NOMINAL,
    "sharing_to_external": NOMINAL,
    "incentive_cost": NOMINAL,
    "budget_balance": NOMINAL,
    "debt": NOMINAL,
    # the plan's other levers (issue 10, ODD 7.13-7.16)
    "market_access_index": "index (2021=1)",  # region: value-added-weighted mean of the units
    "energy_use": "万吨标准煤",
    "co2_emissions": "万吨 CO2",
    "eco_compensation_paid": NOMINAL,
    "eco_compensation_received": NOMINAL,
    "migration_in": PERSONS,  # gross flows of (N2)-(N3); cnyx = sum of units (moves between units included)
    "migration_out": PERSONS,
    "migration_in_external": PERSONS,  # the part from / to the external nodes; cnyx = the region's flows with outside
    "migration_out_external": PERSONS,
    # parks that grow (issue 10 item 3, ODD 7.20); per unit, region = sum of units
    "park_development_spending": NOMINAL,
    "park_development_contribution": NOMINAL,
    "park_development_external": NOMINAL,
    "park_land_developed": "亩",
    # relocation and consent, incentive competition (issue 10 items 1-2, ODD 7.18-7.19)
    "government_led_relocations_out": "count",  # region = sum of units (= region sum of _in)
    "government_led_relocations_in": "count",
    "origin_consent": "1",  # region: unweighted mean of the units
    "referral_weight": "1",  # region: unweighted mean of the units
    "package_land_discount": "1",  # region: unweighted mean of the units
    "package_tax_rebate": "1",  # region: unweighted mean of the units
}

#: Columns and dtypes of sharing.parquet (output contract): one row per transfer of city-level tax revenue.
SHARING_COLUMNS: dict[str, str] = {
    "scenario": "str", "run": "int64", "year": "int64", "agreement": "str", "tax": "str",
    "from_region": "str", "to_region": "str", "amount": "float64",
}

#: Columns of projects.parquet (output contract); later columns may be added after these.
PROJECT_COLUMNS = ["scenario", "run", "project_id", "sector", "origin", "year_arrived", "host_region", "park",
                   "investment", "stage_final"]
#: Extra columns after the contract ones (units: investment 亿元 2021 prices; va/tax 亿元 current prices).
PROJECT_EXTRA_COLUMNS = ["referral_region", "is_government_led", "relocated_from", "full_production_year",
                         "closed_year", "va_nominal_last_year", "jobs_last_year", "tax_gross_last_year",
                         "va_nominal_cumulative", "tax_gross_cumulative", "signed_investment", "is_realised",
                         "productivity"]
#: dtypes of projects.parquet: fixed, so a run (or batch chunk) without projects writes the same schema.
PROJECT_DTYPES: dict[str, str] = {
    "scenario": "str", "run": "int64", "project_id": "int64", "sector": "str", "origin": "str",
    "year_arrived": "int64", "host_region": "str", "park": "str", "investment": "float64", "stage_final": "str",
    "referral_region": "str", "is_government_led": "bool", "relocated_from": "str",
    # nullable: <NA> = none (a project that went outside never produces; an open project has no closing year).
    # Before issue 11 these were int64 with 0 for "none"; year 0 is not a year, so it is no longer written.
    "full_production_year": "Int64", "closed_year": "Int64", "va_nominal_last_year": "float64",
    "jobs_last_year": "float64", "tax_gross_last_year": "float64", "va_nominal_cumulative": "float64",
    "tax_gross_cumulative": "float64",
    # issue 9: signed value (亿元 2021 prices), whether the signing was carried out (开工), TFP relative to the host
    "signed_investment": "float64", "is_realised": "bool", "productivity": "float64",
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
    from cnyx_sim.core.model import INVESTMENT_VARIABLES
    from cnyx_sim.core.projects import PROJECT_VARIABLES

    for name in PROJECT_VARIABLES + INVESTMENT_VARIABLES:
        if name in city:
            out[name] = _unit_and_region(city[name], None)
    from cnyx_sim.core.sharing import SHARING_VARIABLES

    for name in SHARING_VARIABLES:
        if name in city:
            out[name] = _unit_and_region(city[name], None)
    for name in ("energy_use", "co2_emissions", "eco_compensation_paid", "eco_compensation_received", "migration_in",
                 "migration_out", "migration_in_external", "migration_out_external"):
        if name in city:
            out[name] = _unit_and_region(city[name], None)
    from cnyx_sim.core.parks import PARK_VARIABLES

    for name in PARK_VARIABLES:
        if name in city:
            out[name] = _unit_and_region(city[name], None)
    for name in ("government_led_relocations_out", "government_led_relocations_in"):
        if name in city:
            out[name] = _unit_and_region(city[name], None)
    for name in ("origin_consent", "referral_weight", "package_land_discount", "package_tax_rebate"):
        if name in city:
            out[name] = _unit_and_region(city[name], city[name].mean(axis=1))
    if "market_access_index" in city:
        gdp = out["gdp_real"][:, :-1]
        out["market_access_index"] = _unit_and_region(
            city["market_access_index"], (city["market_access_index"] * gdp).sum(axis=1) / gdp.sum(axis=1))
    if "industry_va_credited_nominal" in out:
        out["industry_va_credited_real"] = out["industry_va_credited_nominal"] / rec.price_index[:, None]
    for tax in rec.taxes:
        out[f"tax_gross_{tax}"] = _unit_and_region(city[f"tax_gross_{tax}"], None)
    labour_income = _unit_and_region(city["labour_income_nominal"], None)
    out["wage_nominal"] = labour_income / out["employment"]
    out["gdp_per_capita_real"] = out["gdp_real"] / out["population"] * 1e4
    out["price_index"] = np.repeat(rec.price_index[:, None], geo.n_cities + 1, axis=1)
    # For a unit this equals its agent's decided share (F7); for the region it is the revenue-weighted mean.
    # With budgets (B1-B9) the share is of the after-sharing revenue that funds it; it equals the agent's
    # decision unless the borrowing limit cut public investment (B7) or upper-level transfers are on (B1).
    revenue = out.get("tax_local_after_sharing", out["tax_local_collected"])
    out["public_investment_share"] = out["public_investment"] / revenue
    return out


def sector_level_arrays(result: RunResult) -> dict[str, np.ndarray]:
    """``[year, region, sector]`` arrays (region = units + cnyx) of the per-sector variables."""
    rec = result.recorder
    out = {}
    for name, source in (("va_real", "va_real"), ("va_nominal", "va_nominal"), ("sector_employment", "employment")):
        values = rec.by_sector[source]
        out[name] = np.concatenate([values, values.sum(axis=1, keepdims=True)], axis=1)
    return out


def projects_frame(result: RunResult) -> pd.DataFrame:
    """projects.parquet of one run: one row per project (``host_region`` ``outside`` when the outside
    option won, ``park`` ``none`` outside parks, ``stage_final`` the stage in the last simulated year)."""
    from cnyx_sim.mechanisms.transfer import STAGES, stage_at_age

    book = result.projects
    columns = PROJECT_COLUMNS + PROJECT_EXTRA_COLUMNS
    if book is None or len(book) == 0:
        return pd.DataFrame({c: pd.Series(dtype=PROJECT_DTYPES[c]) for c in columns})
    units = list(book.unit_codes) + ["outside"]
    parks = list(book.park_ids) + ["none"]
    unit_or_none = list(book.unit_codes) + [None]
    end_year = int(result.years[-1])
    params = result.params.transfer
    stage = stage_at_age(end_year - book.year_arrived, params.construction_years, len(params.ramp_up_shares),
                         book.closed_year > 0, ~book.is_realised)
    stage = np.where(book.host < 0, -1, stage)
    stage_names = list(STAGES) + ["outside"]
    frame = pd.DataFrame({
        "scenario": _strings([result.scenario], np.zeros(len(book), dtype=np.int64)),
        "run": np.int64(result.run),
        "project_id": book.project_id,
        "sector": _strings(book.sector_codes, book.sector),
        "origin": _strings(book.origin_codes, book.origin),
        "year_arrived": book.year_arrived.astype("int64"),
        "host_region": _strings(units, book.host),
        "park": _strings(parks, book.park),
        "investment": book.investment,
        "stage_final": _strings(stage_names, stage),
        "referral_region": _strings(unit_or_none, book.referral),
        "is_government_led": book.is_government_led,
        "relocated_from": _strings(unit_or_none, book.relocated_from),
        "full_production_year": _nullable_years(book.full_production_year, (book.host >= 0) & book.is_realised),
        "closed_year": _nullable_years(book.closed_year, book.closed_year > 0),
        "va_nominal_last_year": book.va_nominal[:, -1],
        "jobs_last_year": book.jobs[:, -1],
        "tax_gross_last_year": book.tax_gross[:, -1],
        # summed in project-major order (the book stores years contiguously), as the golden outputs were
        "va_nominal_cumulative": _sums_over_years(book.va_nominal.T),
        "tax_gross_cumulative": _sums_over_years(book.tax_gross.T),
        "signed_investment": book.signed_investment,
        "is_realised": book.is_realised,
        "productivity": book.productivity,
    })
    # The string columns are built as pandas' "str" arrays: the dtypes already equal PROJECT_DTYPES (tested),
    # so no (slow) astype here; the frame is built in the contract's column order (no selection copy).
    return frame if list(frame.columns) == columns else frame[columns]


def _sums_over_years(by_year: np.ndarray) -> np.ndarray:
    """``[project]`` sums of a ``[year, project]`` array, bit for bit numpy's ``sum(axis=1)`` of its
    project-major copy (the order the golden outputs were summed in) without making that copy.

    numpy sums a contiguous row of ``n <= 128`` values pairwise: below 8 one by one from 0; otherwise eight
    running sums (values ``j, j + 8, j + 16, ...`` of each block of 8), combined as
    ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the values after the last whole block one by one;
    the reduction then adds that to its initial 0. Here the same additions run across all projects at once
    (tested against numpy for every length); longer rows take numpy's own path.
    """
    n = by_year.shape[0]
    if n > 128:
        return np.ascontiguousarray(by_year.T).sum(axis=1)
    if n < 8:
        total = np.zeros(by_year.shape[1])
        for row in by_year:
            total += row
        return total
    whole = n - n % 8
    running = by_year[:8].copy()
    for start in range(8, whole, 8):
        running += by_year[start:start + 8]
    total = ((running[0] + running[1]) + (running[2] + running[3])) + ((running[4] + running[5])
                                                                        + (running[6] + running[7]))
    for row in by_year[whole:]:
        total += row
    return 0.0 + total


def _strings(labels, codes: np.ndarray):
    """A ``str`` column of ``labels[codes]`` (code -1 = the last label), converting each label once (a run has
    tens of thousands of projects but a dozen labels)."""
    labels = pa.array(list(labels), type=pa.large_string())  # the storage of pandas' "str" dtype
    codes = np.asarray(codes, dtype=np.int64)
    return pd.array(labels.take(np.where(codes < 0, len(labels) - 1, codes)), dtype="str")


def _nullable_years(years: np.ndarray, present: np.ndarray) -> pd.arrays.IntegerArray:
    """``years`` as nullable Int64, ``<NA>`` where not ``present`` (never year 0 for "none")."""
    return pd.arrays.IntegerArray(np.where(present, years, 0).astype("int64"), ~np.asarray(present, dtype=bool))


def sharing_frame(result: RunResult) -> pd.DataFrame:
    """sharing.parquet of one run: one row per transfer (agreement, tax, payer, partner, year); the partner
    (``to_region``) is a unit code or an external partner (``kunshan``, ``guangzhou``). Empty runs give an
    empty frame with the same columns and dtypes."""
    from cnyx_sim.core.params import TAXES

    record = getattr(result, "sharing", None)
    if record is None or len(record.amount) == 0:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in SHARING_COLUMNS.items()})
    units = np.array(result.geography.cities.codes, dtype=object)
    partners = np.where(record.to_unit >= 0, units[np.maximum(record.to_unit, 0)],
                        np.array(record.external_partners + ("",), dtype=object)[record.to_external])
    frame = pd.DataFrame({
        "scenario": np.full(len(record.amount), result.scenario, dtype=object),
        "run": np.full(len(record.amount), result.run, dtype="int64"),
        "year": record.year.astype("int64"),
        "agreement": np.array(record.agreement_ids, dtype=object)[record.agreement],
        "tax": np.array(TAXES, dtype=object)[record.tax],
        "from_region": units[record.from_unit],
        "to_region": partners.astype(object),
        "amount": record.amount.astype("float64"),
    })
    return frame


def unit_of(variable: str) -> str:
    if variable.startswith("tax_gross_"):
        return NOMINAL
    return UNITS[variable]


def trajectories_frame(
    result: RunResult,
    extra_totals: dict[str, np.ndarray] | None = None,
    totals: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The long trajectory table of one run (output contract). ``totals``: the run's
    :func:`unit_level_arrays`, when the caller already has them."""
    geo = result.geography
    regions = list(geo.cities.codes) + [REGION_TOTAL]
    sectors = list(geo.sectors.codes)
    years = result.years
    n_years, n_regions, n_sectors = len(years), len(regions), len(sectors)
    # Columns are built as whole numpy arrays and the frame once (not one frame per variable): ~5x faster,
    # which matters for batches; the rows, order and dtypes are those of the per-variable concatenation.
    totals = dict(totals) if totals is not None else unit_level_arrays(result)
    if extra_totals:
        totals.update(extra_totals)
    by_sector = sector_level_arrays(result)
    total_rows, sector_rows = n_years * n_regions, n_years * n_regions * n_sectors
    names = list(totals) + list(by_sector)
    sizes = [total_rows] * len(totals) + [sector_rows] * len(by_sector)
    # String columns as codes into their few labels, taken once (``_strings``): converting tens of thousands of
    # Python strings to pandas' "str" arrays was most of the table's cost.
    variable_code = np.repeat(np.arange(len(names)), sizes)
    units = [unit_of(v) for v in names]
    region_total = np.tile(np.arange(n_regions), n_years)
    region_sector = np.tile(np.repeat(np.arange(n_regions), n_sectors), n_years)
    sector_sector = np.tile(np.arange(n_sectors), n_years * n_regions)
    year_total = np.repeat(years, n_regions).astype("int64")
    year_sector = np.repeat(years, n_regions * n_sectors).astype("int64")
    n_total, n_sector = len(totals), len(by_sector)
    n_rows = len(variable_code)
    frame = pd.DataFrame({
        "scenario": _strings([result.scenario], np.zeros(n_rows, dtype=np.int64)),
        "run": np.full(n_rows, result.run, dtype="int64"),
        "region": _strings(regions, np.concatenate([region_total] * n_total + [region_sector] * n_sector)),
        "sector": _strings(sectors + [SECTOR_TOTAL], np.concatenate([np.full(total_rows, n_sectors)] * n_total
                                                   + [sector_sector] * n_sector)),
        "variable": _strings(names, variable_code),
        "unit": _strings(units, variable_code),
        "year": np.concatenate([year_total] * n_total + [year_sector] * n_sector),
        "value": np.concatenate([np.asarray(v, dtype=float).reshape(-1) for v in totals.values()]
                                + [np.asarray(v, dtype=float).reshape(-1) for v in by_sector.values()]),
    })
    return frame[TRAJECTORY_COLUMNS]


# ------------------------------------------------------------------------------------------- atomic writing
class OutputError(InputError):
    """An output path that must not be written (an existing file, a folder that is not a run's results) or
    cannot be written (permissions). One line naming the path; CLI exit 2."""


#: Errors of the operating system that mean "this output path cannot be written" (exit 2, not a crash).
OUTPUT_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENOTDIR,
                           errno.EISDIR, errno.ENAMETOOLONG, errno.EEXIST})


def output_error(exc: OSError, path: Path) -> OutputError:
    """The :class:`OutputError` for an ``OSError`` met while writing ``path``."""
    where = exc.filename or path
    reason = exc.strerror or type(exc).__name__
    if exc.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    return OutputError(f"{where}: cannot write results ({reason}); choose another --out")


def is_run_directory(path: Path) -> bool:
    """Whether ``path`` holds the results of a ``cnyx-sim run`` (its manifest), not a batch or other files."""
    path = Path(path)
    if (path / "batch.json").exists():
        return False
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and {"scenario_hash", "package_version"} <= set(manifest)


def check_output_dir(out_dir: Path) -> None:
    """Raise :class:`OutputError` unless ``out_dir`` may receive a run's results: a new path, an empty folder,
    or a previous run folder (which is replaced whole)."""
    out_dir = Path(out_dir)
    if not os.path.lexists(out_dir):
        return
    if not out_dir.is_dir() or out_dir.is_symlink():
        raise OutputError(f"{out_dir}: exists and is not a folder; choose another --out (nothing was written)")
    try:
        empty = not any(out_dir.iterdir())
    except OSError as exc:
        raise output_error(exc, out_dir) from None
    if empty or is_run_directory(out_dir):
        return
    kind = "a batch folder" if (out_dir / "batch.json").exists() else "a folder that is not a run's results"
    raise OutputError(f"{out_dir}: is {kind}; choose another --out or empty it (nothing was written)")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but not ours
        return True
    return True


def remove_stale_staging(out_dir: Path) -> int:
    """Remove staging and swap folders of ``out_dir`` left by writers that died (their pid is in the name)."""
    pattern = re.compile(rf"^\.{re.escape(out_dir.name)}\.(?:stage-(\d+)\..*\.tmp|old-(\d+))$")
    removed = 0
    try:
        siblings = list(out_dir.parent.iterdir())
    except OSError:
        return 0
    for sibling in siblings:
        match = pattern.match(sibling.name)
        if match and sibling.is_dir() and not _pid_alive(int(match.group(1) or match.group(2))):
            shutil.rmtree(sibling, ignore_errors=True)
            removed += 1
    return removed


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
        # allow_nan=False: a NaN or infinity would make invalid JSON; validation keeps them out of scenarios.
        p.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str,
                                allow_nan=False) + "\n", encoding="utf-8")

    _atomic_write(path, dump)


def write_run_directory(out_dir: Path, files: dict[str, Callable[[Path], None]]) -> None:
    """Write all files of a run directory at once: into a temporary sibling folder, then swap it in.

    A reader never sees a half-written directory, and a failure leaves any previous directory intact. The
    target must pass :func:`check_output_dir`; problems writing it are :class:`OutputError` s.
    """
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.stage-{os.getpid()}.", suffix=".tmp",
                                        dir=out_dir.parent))
    except OSError as exc:
        if exc.errno in OUTPUT_ERRNOS:
            raise output_error(exc, out_dir) from None
        raise
    try:
        for name, write in files.items():
            write(staging / name)
        check_output_dir(out_dir)  # again: the folder may have changed while the run was computing
        old = None
        if out_dir.exists():
            old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if exc.errno in OUTPUT_ERRNOS:
            raise output_error(exc, out_dir) from None
        raise
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

"""Read the calibration folder (regions, sectors, base-year table) and the travel-time table into the core's
data, validating every file like a scenario (``cnyx_sim.io.datafile``): encoding, columns, types, finite
and positive values where they must be, each problem reported as ``file:line: column: expected``.

The lists of units and sectors come from ``regions.csv`` and ``sectors.csv``: a user adds a unit by
adding rows there and in ``base_year_2021.csv``; no code lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnyx_sim.core.model import BaseYearData
from cnyx_sim.core.state import Geography, Index
from cnyx_sim.io.datafile import Column, DataFileError, Table, TableSpec, bounded, read_table
from cnyx_sim.limits import DEFAULT_LIMITS, Limits
from cnyx_sim.resources import calibration_dir

#: The shipped calibration folder: the repository's calibration/ in a checkout, the wheel's bundled copy when
#: installed (cnyx_sim.resources; issue 11).
DEFAULT_CALIBRATION_DIR = calibration_dir()
BASE_YEAR_FILE = "base_year_2021.csv"
DEFAULT_TRAVEL_TIMES = "travel_times_2021.csv"

#: Relative tolerance of "sector value added sums to GDP" (the table is rounded to 1e-6 亿元).
SUM_RTOL = 1e-6


class CalibrationError(DataFileError):
    """A calibration file is missing or inconsistent: one line naming the file (and line, where known)."""


REGIONS = TableSpec(
    columns=(Column("code", "code"), Column("name_zh", "text"), Column("province", "code")),
    unique=("code",), what="calibration file (regions.csv)")
SECTORS = TableSpec(
    columns=(Column("code", "code"), Column("parent", "code"), Column("is_industry", "bool")),
    unique=("code",), what="calibration file (sectors.csv)")
#: Plausibility bounds of the base-year values by variable (units of the table: 亿元, 万人, fraction/yr).
BASE_YEAR_BOUNDS = {
    "population": ("gt", 0.0, 1e5),  # 万人; more than 0 and at most a billion residents
    "gdp_nominal": ("gt", 0.0, 1e6),  # 亿元; at most about China's GDP
    "va_nominal": ("ge", 0.0, 1e6),  # 亿元; a sector may be absent
    "real_growth_mean_2015_2021": ("ge", -0.5, 0.5),  # fraction/yr
    "cpi_inflation_mean_2015_2021": ("ge", -0.1, 0.3),  # fraction/yr
}
BASE_YEAR = TableSpec(
    columns=(Column("region", "code"), Column("variable", "code"), Column("sector", "code"),
             Column("value", "float"), Column("year", "int", ge=1900, le=2200)),
    unique=("region", "variable", "sector"), row_checks=(bounded("value", BASE_YEAR_BOUNDS),),
    what="calibration file (base-year table)")
IO_FILE = "io_coefficients.csv"
IO_COEFFICIENTS = TableSpec(
    columns=(Column("buyer", "code"), Column("supplier", "code"), Column("coefficient", "float", ge=0.0, le=1.0),
             Column("basis", "text")),
    unique=("buyer", "supplier"), what="input-output coefficients (io_coefficients.csv)")
TRAVEL_TIMES = TableSpec(
    columns=(Column("from", "code"), Column("to", "code"), Column("hours", "float", gt=0.0, le=100.0)),
    unique=("from", "to"), what="travel-time table")


@dataclass(frozen=True)
class Calibration:
    """Base-year data plus the data-derived defaults of the scenario (e.g. the deflator).

    ``files`` maps each file read to the sha256 of its bytes (part of a batch's identity).
    """

    base: BaseYearData
    default_inflation: float
    directory: Path
    files: dict[str, str] = field(default_factory=dict)
    #: ``[supplier, buyer]`` direct-requirement coefficients and ``[sector]`` value-added share of gross output
    #: (IO1-IO4, ``io_coefficients.csv``); None when the folder has no such file (then no local purchases).
    io_coefficients: np.ndarray | None = None
    va_ratio: np.ndarray | None = None


def _read(path: Path, spec: TableSpec, limits: Limits) -> tuple[Table, str]:
    try:
        table = read_table(path, spec, limits=limits)
    except DataFileError as exc:
        raise CalibrationError(exc.file, exc.line, exc.column, exc.expected) from None
    return table, table.sha256


def load_calibration(directory: str | Path | None = None, *, limits: Limits = DEFAULT_LIMITS) -> Calibration:
    """Read and check ``regions.csv``, ``sectors.csv`` and ``base_year_2021.csv`` from ``directory``.

    Raises :class:`CalibrationError`; a missing folder or file has no line number.
    """
    directory = Path(directory) if directory is not None else DEFAULT_CALIBRATION_DIR
    if not directory.is_dir():
        raise CalibrationError(directory, None, "", "calibration folder not found")
    regions_path, sectors_path, base_path = directory / "regions.csv", directory / "sectors.csv", directory / BASE_YEAR_FILE
    regions, regions_hash = _read(regions_path, REGIONS, limits)
    sectors, sectors_hash = _read(sectors_path, SECTORS, limits)
    table, base_hash = _read(base_path, BASE_YEAR, limits)

    province_of = regions.column("province")
    provinces = Index(tuple(dict.fromkeys(province_of)))
    geography = Geography(
        cities=Index(tuple(regions.column("code"))),
        city_names_zh=tuple(regions.column("name_zh")),
        city_province=np.array([provinces.position(p) for p in province_of], dtype=int),
        provinces=provinces,
        sectors=Index(tuple(sectors.column("code"))),
        sector_parent=tuple(sectors.column("parent")),
        is_industry=np.array(sectors.column("is_industry"), dtype=bool),
    )
    cell = {(row["region"], row["variable"], row["sector"]): (row["value"], i) for i, row in enumerate(table.rows)}

    def pick(variable: str, sector: str) -> np.ndarray:
        missing = [c for c in geography.cities if (c, variable, sector) not in cell]
        if missing:
            raise CalibrationError(base_path, None, "", f"no {variable} ({sector}) row for unit(s) "
                                                        f"{', '.join(missing[:5])}")
        return np.array([cell[(c, variable, sector)][0] for c in geography.cities], dtype=float)

    va = np.column_stack([pick("va_nominal", s) for s in geography.sectors])
    years = sorted({row["year"] for row in table.rows if row["variable"] == "gdp_nominal"})
    if len(years) != 1:
        raise CalibrationError(base_path, None, "year", f"expected one base year for gdp_nominal, found "
                                                        f"{', '.join(map(str, years[:5])) or 'none'}")
    gdp = pick("gdp_nominal", "total")
    for k, code in enumerate(geography.cities):
        if not np.isclose(va[k].sum(), gdp[k], rtol=SUM_RTOL):
            line = table.lines[cell[(code, "gdp_nominal", "total")][1]]
            raise CalibrationError(base_path, line, "value", f"sector value added of {code} sums to "
                                                             f"{va[k].sum():.6g}, not its gdp_nominal {gdp[k]:.6g}")
    inflation_rows = [row for row in table.rows if row["variable"] == "cpi_inflation_mean_2015_2021"]
    if not inflation_rows:
        raise CalibrationError(base_path, None, "", "no cpi_inflation_mean_2015_2021 row")
    base = BaseYearData(
        geography=geography,
        year=int(years[0]),
        value_added_nominal=va,
        population=pick("population", "total"),
        historical_real_growth=pick("real_growth_mean_2015_2021", "total"),
    )
    files = {regions_path.name: regions_hash, sectors_path.name: sectors_hash, base_path.name: base_hash}
    io_coefficients = va_ratio = None
    if (directory / IO_FILE).is_file():
        io_coefficients, va_ratio, files[IO_FILE] = _io_table(directory / IO_FILE, geography.sectors, limits)
    return Calibration(base=base, default_inflation=float(inflation_rows[0]["value"]), directory=directory,
                       files=files, io_coefficients=io_coefficients, va_ratio=va_ratio)


def _io_table(path: Path, sectors: Index, limits: Limits) -> tuple[np.ndarray, np.ndarray, str]:
    """``[supplier, buyer]`` coefficients and ``[sector]`` value-added ratio ``1 - total`` (docs/model.md 7.7).

    Every buyer needs a ``total`` row (its intermediate-input share of gross output, < 1) and its coefficients
    must add up to that total (within 1e-4); codes must be sectors of sectors.csv.
    """
    table, sha = _read(path, IO_COEFFICIENTS, limits)
    n = len(sectors)
    coefficients, total = np.zeros((n, n)), np.full(n, np.nan)
    for row, line in zip(table.rows, table.lines):
        for column in ("buyer", "supplier"):
            if row[column] not in sectors.codes and not (column == "supplier" and row[column] == "total"):
                raise CalibrationError(path, line, column, f"a sector of sectors.csv (or 'total'), not "
                                                           f"{row[column]!r}")
        buyer = sectors.position(row["buyer"])
        if row["supplier"] == "total":
            if row["coefficient"] >= 1.0:
                raise CalibrationError(path, line, "coefficient", "an intermediate-input share below 1")
            total[buyer] = row["coefficient"]
        else:
            coefficients[sectors.position(row["supplier"]), buyer] = row["coefficient"]
    missing = [sectors.codes[k] for k in range(n) if np.isnan(total[k])]
    if missing:
        raise CalibrationError(path, None, "supplier", f"a 'total' row for every buyer sector (missing: "
                                                       f"{', '.join(missing[:5])})")
    off = np.flatnonzero(np.abs(coefficients.sum(axis=0) - total) > 1e-4)
    if len(off):
        k = int(off[0])
        raise CalibrationError(path, None, "coefficient", f"the coefficients of buyer {sectors.codes[k]} to add up "
                                                          f"to its total {total[k]:.6g}, not "
                                                          f"{coefficients[:, k].sum():.6g}")
    return coefficients, 1.0 - total, sha


_CACHE: dict[tuple, Calibration] = {}
_CACHE_SIZE = 8


def load_calibration_cached(directory: str | Path | None = None, *, limits: Limits = DEFAULT_LIMITS) -> Calibration:
    """:func:`load_calibration`, reused while the folder's files are unchanged (size and modification time):
    a sweep validates every sample against the same data."""
    directory = Path(directory) if directory is not None else DEFAULT_CALIBRATION_DIR
    try:
        stamp = tuple((name, os.stat(directory / name).st_mtime_ns, os.stat(directory / name).st_size)
                      for name in ("regions.csv", "sectors.csv", BASE_YEAR_FILE))
    except OSError:
        return load_calibration(directory, limits=limits)  # reports what is missing
    key = (str(directory.resolve()), stamp, limits)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = load_calibration(directory, limits=limits)
    return _CACHE[key]


@dataclass(frozen=True)
class TravelTimes:
    """The base-year travel-time matrix ``[node, node]`` (hours, symmetric, zero diagonal) and its file."""

    nodes: tuple[str, ...]
    hours: np.ndarray
    file: Path
    sha256: str


def load_travel_times(path: str | Path, nodes: tuple[str, ...], *, limits: Limits = DEFAULT_LIMITS) -> TravelTimes:
    """Read the travel-time table; every pair of ``nodes`` needs a row (either direction). Rows of nodes the
    model does not use are ignored. Raises :class:`DataFileError`."""
    path = Path(path)
    table = read_table(path, TRAVEL_TIMES, limits=limits)
    position = {code: i for i, code in enumerate(nodes)}
    hours = np.full((len(nodes), len(nodes)), np.nan)
    np.fill_diagonal(hours, 0.0)
    for row, line in zip(table.rows, table.lines):
        a, b = position.get(row["from"]), position.get(row["to"])
        if a is None or b is None:
            continue
        if a == b:
            raise DataFileError(path, line, "to", "a travel time needs two different nodes")
        hours[a, b] = hours[b, a] = row["hours"]
    missing = np.argwhere(np.isnan(hours))
    if len(missing):
        i, j = missing[0]
        raise DataFileError(path, None, "", f"no travel time for {nodes[i]}-{nodes[j]} (a row from,to is needed "
                                            "for every pair of units and external nodes)")
    return TravelTimes(nodes, hours, path, table.sha256)


_TRAVEL_CACHE: dict[tuple, TravelTimes] = {}


def load_travel_times_cached(path: str | Path, nodes: tuple[str, ...], *,
                             limits: Limits = DEFAULT_LIMITS) -> TravelTimes:
    """:func:`load_travel_times`, reused while the file is unchanged (size and modification time)."""
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError:
        return load_travel_times(path, nodes, limits=limits)  # reports the problem
    key = (str(path.resolve()), info.st_mtime_ns, info.st_size, nodes, limits)
    if key not in _TRAVEL_CACHE:
        if len(_TRAVEL_CACHE) >= _CACHE_SIZE:
            _TRAVEL_CACHE.pop(next(iter(_TRAVEL_CACHE)))
        _TRAVEL_CACHE[key] = load_travel_times(path, nodes, limits=limits)
    return _TRAVEL_CACHE[key]

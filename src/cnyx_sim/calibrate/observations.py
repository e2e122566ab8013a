"""The forecaster's information set: observations up to the cutoff and the backcast's start state.

Only rows of years ``<= cutoff`` are read (:func:`information_set` filters before anything is computed),
so raising the cutoff when newer rows are appended to the observed CSV needs no code change.

Observations of the fit (one row each, column ``kind``):

``real_growth``
    Published real GDP growth of a unit in ``year`` (fraction). Where a unit has no published figure but
    nominal GDP in ``year - 1`` and ``year`` on the same vintage (never across the 2018/2019 census
    revision), growth is *derived*: ``(N_t / N_t-1) / (1 + pi_p,t) - 1`` with the province's implicit
    deflator ``pi_p,t = (N_p,t / N_p,t-1) / (1 + g_p,t) - 1``. Derived rows are flagged (``derived``) and
    count less (``derived_growth_factor``).
``real_growth_2y``
    The pandemic pair (``pandemic_years``, 2020-2021): the two-year mean growth replaces the two annual
    rows, so the dip and the rebound enter the trend as one observation. A lone pandemic year is dropped.
``province_growth``
    Published real growth of a province aggregate (``sichuan``, ``chongqing``), compared with the growth
    of the sum of that province's units (which are part of it), with ``province_growth_factor`` times the
    sd. It carries the province's record to units with little data of their own (the Chongqing districts).
    Pandemic years are paired as above.
``share_change``
    Change of a unit's nominal three-sector share (primary, secondary, tertiary) between the first and the
    last published year of the post-census window (2019-cutoff). The pre-2019 city levels are not used for
    shares: within that vintage the implied deflators (nominal over real growth) of 自贡, 泸州 and 内江 are
    negative in 2017-2018 while national producer and GDP prices rose, i.e. the levels were revised within
    the vintage, and their secondary-to-tertiary shifts (8-17 points in three years) are far beyond what
    relative real growth can produce (calibration/report.md lists the implied deflators).

Each row's ``sd`` is the base sd of its kind times the quality factor of its (worst) input row.

The start state (value added by model sector in the start year) is published where a unit has its three
sectors in that year; otherwise it is imputed (flagged, with the method): the province aggregate's
start-year shares applied to the unit's earliest nominal GDP up to the cutoff, moved back to the start
year with the province's real growth and deflator. Only growth rates of the backcast are compared with
data, and in the backcast configuration they do not depend on levels (docs/model.md 5.6).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cnyx_sim.calibrate.settings import CalibrationSettings
from cnyx_sim.data import base_year as by

#: Province code (regions.csv) -> aggregate region code of the observed data.
PROVINCE_AGGREGATE: dict[str, str] = {"SC": "sichuan", "CQ": "chongqing"}
THREE = ("primary", "secondary", "tertiary")
SUPPLEMENT_FILE = "observed_supplement.csv"
ABOVE_SCALE_VARIABLE = "above_scale_industry_va_growth_pct"
OBSERVATION_COLUMNS = ["kind", "region", "year", "first_year", "group", "value", "sd", "quality", "derived",
                       "method", "source"]


@dataclass(frozen=True)
class Information:
    """The information set of one cutoff.

    Attributes
    ----------
    observations : fit observations (:data:`OBSERVATION_COLUMNS`), years ``<= cutoff``.
    above_scale : published 规上 growth with the same region's real GDP growth, ``<= cutoff``
        (``region, year, above_scale, gdp_growth, quality``), for the target mapping (docs/model.md 8).
    start_va : ``[city, sector]`` value added in the start year (亿元, that year's prices).
    start_rows : the start-state table with ``imputed`` and ``method`` per unit.
    inflation : ``[year]`` start..cutoff mean CPI change of Sichuan and Chongqing (fraction; the backcast's
        deflator and the record of the price shock).
    file_hashes : sha256 of every input file read.
    """

    cutoff: int
    start_year: int
    observations: pd.DataFrame
    above_scale: pd.DataFrame
    start_va: np.ndarray
    start_rows: pd.DataFrame
    inflation: np.ndarray
    file_hashes: dict[str, str]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _vintage(year: int) -> int:
    """0 before the 4th economic census revision (city levels up to 2018), 1 from 2019."""
    return int(year >= by.FIRST_POST_CENSUS_YEAR)


class _Best:
    """Best-quality rows (the base-year quality rule) with fast lookups."""

    def __init__(self, best: pd.DataFrame) -> None:
        self.table = {(r.region, int(r.year), r.variable): r for r in best.itertuples(index=False)}

    def get(self, region: str, year: int, variable: str):
        return self.table.get((region, year, variable))

    def value(self, region: str, year: int, variable: str) -> float | None:
        row = self.get(region, year, variable)
        return None if row is None else float(row.value)


def _worst(qualities) -> str:
    rank = {label: i for i, label in enumerate(by.QUALITY_ORDER)}
    return max(qualities, key=lambda q: rank.get(q, len(rank)))


def _province_deflator(best: _Best, aggregate: str, year: int) -> tuple[float, list] | None:
    rows = [best.get(aggregate, year - 1, by.GDP_VARIABLE), best.get(aggregate, year, by.GDP_VARIABLE),
            best.get(aggregate, year, by.REAL_GROWTH_VARIABLE)]
    if any(r is None for r in rows) or _vintage(year - 1) != _vintage(year):
        return None
    nominal = rows[1].value / rows[0].value
    return nominal / (1.0 + rows[2].value / 100.0) - 1.0, rows


def real_growth_rows(best: _Best, regions: pd.DataFrame, years: range, s: CalibrationSettings) -> list[dict]:
    """Published (or derived) annual real growth of every unit and year."""
    rows = []
    for code, province in zip(regions["code"], regions["province"]):
        aggregate = PROVINCE_AGGREGATE.get(province)
        for year in years:
            published = best.get(code, year, by.REAL_GROWTH_VARIABLE)
            if published is not None:
                rows.append(dict(kind="real_growth", region=code, year=year, first_year=year - 1, group="total",
                                 value=published.value / 100.0,
                                 sd=s.real_growth_sd * s.quality_factor[published.quality],
                                 quality=published.quality, derived=False,
                                 method=f"published {by.REAL_GROWTH_VARIABLE}", source=published.source))
                continue
            now, before = best.get(code, year, by.GDP_VARIABLE), best.get(code, year - 1, by.GDP_VARIABLE)
            if aggregate is None or now is None or before is None or _vintage(year) != _vintage(year - 1):
                continue
            deflator = _province_deflator(best, aggregate, year)
            if deflator is None:
                continue
            pi, inputs = deflator
            growth = (now.value / before.value) / (1.0 + pi) - 1.0
            quality = _worst([now.quality, before.quality, *(r.quality for r in inputs)])
            rows.append(dict(
                kind="real_growth", region=code, year=year, first_year=year - 1, group="total", value=growth,
                sd=s.real_growth_sd * s.quality_factor[quality] * s.derived_growth_factor, quality="derived",
                derived=True,
                method=(f"derived: nominal GDP {before.value:g} -> {now.value:g} deflated by the {aggregate} implicit "
                        f"deflator {pi:.4f} (its nominal GDP over real growth); worst input quality {quality}"),
                source=" | ".join(dict.fromkeys([now.source, before.source, *(r.source for r in inputs)]))))
    return rows


def province_growth_rows(best: _Best, regions: pd.DataFrame, years: range, s: CalibrationSettings) -> list[dict]:
    """Published real growth of each province aggregate that has units in ``regions``."""
    rows = []
    for province in dict.fromkeys(regions["province"]):
        aggregate = PROVINCE_AGGREGATE.get(province)
        for year in years:
            published = best.get(aggregate, year, by.REAL_GROWTH_VARIABLE) if aggregate else None
            if published is None:
                continue
            rows.append(dict(kind="province_growth", region=aggregate, year=year, first_year=year - 1, group=province,
                             value=published.value / 100.0,
                             sd=s.real_growth_sd * s.quality_factor[published.quality] * s.province_growth_factor,
                             quality=published.quality, derived=False,
                             method=f"published {by.REAL_GROWTH_VARIABLE} of {aggregate}; model: sum of its units",
                             source=published.source))
    return rows


def pandemic_pairs(rows: list[dict], pandemic: tuple[int, ...]) -> list[dict]:
    """Replace each unit's pandemic-year growth rows by one two-year observation (both years needed)."""
    if len(pandemic) != 2:
        return rows
    first, second = pandemic
    out = [r for r in rows if r["year"] not in pandemic]
    by_unit: dict[str, dict[int, dict]] = {}
    for r in rows:
        if r["year"] in pandemic:
            by_unit.setdefault(r["region"], {})[r["year"]] = r
    for region, pair in by_unit.items():
        if set(pair) != {first, second}:
            continue
        a, b = pair[first], pair[second]
        value = float(np.sqrt((1.0 + a["value"]) * (1.0 + b["value"])) - 1.0)
        kind = "province_growth_2y" if a["kind"] == "province_growth" else "real_growth_2y"
        out.append(dict(kind=kind, region=region, year=second, first_year=first - 1, group=a["group"],
                        value=value, sd=max(a["sd"], b["sd"]) / np.sqrt(2.0),
                        quality=_worst([a["quality"], b["quality"]]), derived=a["derived"] or b["derived"],
                        method=f"two-year mean growth {first}-{second} (pandemic dip and rebound as one observation); "
                               f"{a['method']}; {b['method']}",
                        source=" | ".join(dict.fromkeys([a["source"], b["source"]]))))
    return out


def _three_sector(best: _Best, region: str, year: int):
    rows = [best.get(region, year, f"va_{p}_100m_yuan") for p in THREE]
    return None if any(r is None for r in rows) else rows


def share_change_rows(best: _Best, regions: pd.DataFrame, start: int, cutoff: int, s: CalibrationSettings) -> list[dict]:
    """Within-vintage changes of the nominal three-sector shares of every unit that has them."""
    windows = [(max(start, by.FIRST_POST_CENSUS_YEAR), cutoff)]
    rows = []
    for code in regions["code"]:
        for low, high in windows:
            years = [y for y in range(low, high + 1) if _three_sector(best, code, y) is not None]
            if len(years) < 2:
                continue
            a, b = _three_sector(best, code, years[0]), _three_sector(best, code, years[-1])
            total_a, total_b = sum(r.value for r in a), sum(r.value for r in b)
            quality = _worst([r.quality for r in a + b])
            for k, parent in enumerate(THREE):
                change = b[k].value / total_b - a[k].value / total_a
                rows.append(dict(kind="share_change", region=code, year=years[-1], first_year=years[0], group=parent,
                                 value=change, sd=s.share_change_sd * s.quality_factor[quality], quality=quality,
                                 derived=False,
                                 method=f"published {parent} share {years[-1]} minus {years[0]} (same vintage)",
                                 source=" | ".join(dict.fromkeys(r.source for r in a + b))))
    return rows


def above_scale_pairs(best: _Best, supplement: _Best, cutoff: int) -> pd.DataFrame:
    """Published 规上 growth next to the same region's real GDP growth, years ``<= cutoff``."""
    rows = []
    keys = {(r, y) for (r, y, v) in {**best.table, **supplement.table} if v == ABOVE_SCALE_VARIABLE and y <= cutoff}
    for region, year in sorted(keys):
        above = best.get(region, year, ABOVE_SCALE_VARIABLE) or supplement.get(region, year, ABOVE_SCALE_VARIABLE)
        gdp = best.get(region, year, by.REAL_GROWTH_VARIABLE) or supplement.get(region, year, by.REAL_GROWTH_VARIABLE)
        if gdp is None:
            continue
        rows.append(dict(region=region, year=year, above_scale=above.value / 100.0, gdp_growth=gdp.value / 100.0,
                         quality=_worst([above.quality, gdp.quality]),
                         source=" | ".join(dict.fromkeys([above.source, gdp.source]))))
    return pd.DataFrame(rows, columns=["region", "year", "above_scale", "gdp_growth", "quality", "source"])


def start_state(best: _Best, regions: pd.DataFrame, sectors: pd.DataFrame, splits: pd.DataFrame,
                start: int, cutoff: int) -> tuple[np.ndarray, pd.DataFrame]:
    """``[city, sector]`` start-year value added and the per-unit table saying how each was obtained."""
    three_rows, notes = [], []
    for code, province in zip(regions["code"], regions["province"]):
        own = _three_sector(best, code, start)
        if own is not None:
            values = {p: r.value for p, r in zip(THREE, own)}
            notes.append(dict(region=code, imputed=False, method=f"published {start} three sectors"))
        else:
            aggregate = PROVINCE_AGGREGATE[province]
            shares_rows = _three_sector(best, aggregate, start)
            if shares_rows is None:
                raise ValueError(f"no {start} three sectors for {code} or {aggregate}")
            total = sum(r.value for r in shares_rows)
            level_years = [y for y in range(start, cutoff + 1) if best.get(code, y, by.GDP_VARIABLE) is not None]
            if not level_years:
                raise ValueError(f"no nominal GDP up to {cutoff} for {code}")
            year = level_years[0]
            level = best.value(code, year, by.GDP_VARIABLE)
            for t in range(year, start, -1):
                growth = best.value(aggregate, t, by.REAL_GROWTH_VARIABLE) or 0.0
                deflator = _province_deflator(best, aggregate, t)
                pi = deflator[0] if deflator is not None else (best.value(aggregate, t, by.CPI_VARIABLE) or 0.0) / 100
                level /= (1.0 + growth / 100.0) * (1.0 + pi)
            values = {p: level * r.value / total for p, r in zip(THREE, shares_rows)}
            notes.append(dict(region=code, imputed=True,
                              method=f"imputed: {aggregate} {start} three-sector shares x {code} nominal GDP {year} "
                                     f"moved back to {start} with {aggregate} real growth and deflator"))
        for parent in THREE:
            three_rows.append(by._row(code, "va_nominal", parent, values[parent], by.UNIT_YUAN, "", "", False, "",
                                      year=start))
    split = by.split_sectors(by._frame(three_rows), splits, sectors)
    va = split.pivot(index="region", columns="sector", values="value").loc[list(regions["code"]), list(sectors["code"])]
    return va.to_numpy(dtype=float), pd.DataFrame(notes)


def inflation_path(best: _Best, start: int, cutoff: int) -> np.ndarray:
    """``[year]`` start..cutoff: mean CPI change of Sichuan and Chongqing (0 where neither is published)."""
    out = []
    for year in range(start, cutoff + 1):
        values = [best.value(r, year, by.CPI_VARIABLE) for r in by.CPI_REGIONS]
        values = [v for v in values if v is not None]
        out.append(float(np.mean(values)) / 100.0 if values else 0.0)
    return np.array(out)


def annual_growth(directory: Path, first: int, last: int, settings: CalibrationSettings) -> pd.DataFrame:
    """Annual real growth rows (published or derived, no pandemic pairing) of years ``first..last``: the
    outcomes a pseudo out-of-sample forecast is judged on."""
    directory = Path(directory)
    observed = by.load_observed(directory / by.OBSERVED_FILE)
    regions = by.load_regions(directory / "regions.csv")
    best = _Best(by.select_best(observed[observed["year"] <= last]))
    return pd.DataFrame(real_growth_rows(best, regions, range(first, last + 1), settings), columns=OBSERVATION_COLUMNS)


def information_set(directory: Path, cutoff: int, settings: CalibrationSettings) -> Information:
    """Everything the fit may see for ``cutoff``: rows of years ``<= cutoff`` only."""
    directory = Path(directory)
    files = [by.OBSERVED_FILE, SUPPLEMENT_FILE, "regions.csv", "sectors.csv", "sector_split_assumptions.csv"]
    observed = by.load_observed(directory / by.OBSERVED_FILE)
    supplement_path = directory / SUPPLEMENT_FILE
    supplement = by.load_observed(supplement_path) if supplement_path.is_file() else observed.iloc[0:0]
    regions, sectors = by.load_regions(directory / "regions.csv"), by.load_sectors(directory / "sectors.csv")
    splits = by.load_splits(directory / "sector_split_assumptions.csv")
    start = settings.start_year
    if not start < cutoff:
        raise ValueError(f"cutoff {cutoff} must be after the start year {start}")
    # The information set: nothing after the cutoff is read past this point.
    best = _Best(by.select_best(observed[observed["year"] <= cutoff]))
    extra = _Best(by.select_best(supplement[supplement["year"] <= cutoff]))
    years = range(start + 1, cutoff + 1)
    growth = pandemic_pairs(real_growth_rows(best, regions, years, settings), settings.pandemic_years)
    growth += pandemic_pairs(province_growth_rows(best, regions, years, settings), settings.pandemic_years)
    rows = growth + share_change_rows(best, regions, start, cutoff, settings)
    observations = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)
    va, notes = start_state(best, regions, sectors, splits, start, cutoff)
    return Information(
        cutoff=cutoff, start_year=start, observations=observations,
        above_scale=above_scale_pairs(best, extra, cutoff), start_va=va, start_rows=notes,
        inflation=inflation_path(best, start, cutoff),
        file_hashes={name: _sha256(directory / name) for name in files if (directory / name).is_file()},
    )

"""Base-year (2021) data layer of ``cnyx_sim``.

Builds ``calibration/base_year_2021.csv`` from the raw observed rows
(``calibration/observed_2011_2021.csv``), the unit list (``regions.csv``), the
model sectors (``sectors.csv``) and the labelled split assumptions
(``sector_split_assumptions.csv``). Nothing in this module lists the plan units:
every unit comes from ``regions.csv``.

Quality rule
------------
Each raw row carries a ``quality`` label. For each (region, year, variable) the
row with the best label in :data:`QUALITY_ORDER` is used; ties go to the first
row in file order. Rows labelled ``suspect`` are never used; any other label not
in :data:`QUALITY_ORDER` is an error (a typo must not silently drop data).

Imputation methods (all flagged ``imputed=True`` with a ``method`` string)
-------------------------------------------------------------------------
Population (万人, year-end 2021)
    Units with a 2021 ``population_10k`` row keep it. The residual of the plan's
    2021 total (region ``cnyx_total``) after those units is shared among the
    remaining units in proportion to their 2020 census
    (``population_census_10k``). The unit total therefore equals the plan total.
Three sectors (亿元, nominal 2021), tried in this order per unit
    1. published 2021 rows (kept as published if they add up to GDP within
       :data:`PUBLISHED_SUM_TOLERANCE`, otherwise rescaled and flagged);
    2. 2021 shares of a published sub-area (variables ``va_*_100m_yuan_excl_*``,
       e.g. 綦江 excluding 万盛) applied to the unit's GDP — assumes the
       excluded part has the same structure;
    3. the unit's own shares from the nearest earlier year on the post-census
       basis (2019 onward);
    4. the unweighted mean shares of the same-province units resolved by 1–3.
    Every imputed split is rescaled to sum exactly to the unit's 2021 GDP.
Model sectors
    primary → agriculture; secondary → six industry sectors + construction;
    tertiary → producer/consumer services, by the weights in
    ``sector_split_assumptions.csv`` normalised within each parent.
Historical real growth
    Mean of the published annual real GDP growth rows 2015–2021. Units with
    fewer than :data:`MIN_GROWTH_YEARS` rows use the province fallback (see
    :data:`GROWTH_FALLBACK_AGGREGATE`). Growth is never computed from levels,
    because city levels break between the 2018 and 2019 vintages.
Inflation
    Mean annual CPI change 2015–2021 over the ``sichuan`` and ``chongqing``
    rows; the default deflator assumption.

Split-weight rule (documented row by row in the ``basis`` column)
-----------------------------------------------------------------
Industry sector weight = 1 (base) + 1 when plan 三(七)/(八) names the unit as a
location of that cluster (+0.5 for a supporting role, +0.5 when plan 四(十二)
names a 页岩气 block in the unit, +2 for the two units with an observed 白酒
size anchor, 宜宾 and 泸州, +1 when the unit's official 2021 bulletin names the
industry as a pillar). Construction = 22% of secondary in every unit (rounded
mean of ``1 - industry_va / va_secondary`` in the observed 万盛 2015/2017 and
永川 2019 rows). Producer : consumer services = 1 : 1 (no data). All of these
are assumptions.

Regenerate with ``python -m cnyx_sim.data.base_year [--calibration-dir DIR]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

QUALITY_ORDER: tuple[str, ...] = (
    "official",
    "census",
    "compiled_db",
    "plan",
    "mirror",
    "third_party",
    "second_best",
    "preliminary",
    "weak",
    "derived",
    "unrated",
)
"""Quality labels, best to worst, as ranked in the data README."""

EXCLUDED_QUALITIES: tuple[str, ...] = ("suspect",)
"""Labels whose rows are never used."""

IMPUTED_QUALITY = "imputed"
"""``quality`` written on rows this module computes (not a raw-data label)."""

BASE_YEAR = 2021
HISTORY_FIRST_YEAR = 2015
HISTORY_LAST_YEAR = 2021
FIRST_POST_CENSUS_YEAR = 2019
"""City levels from 2019 are on the 4th-economic-census basis; earlier are not."""

MIN_GROWTH_YEARS = 3
"""A unit needs this many published real-growth years to use its own mean."""

PUBLISHED_SUM_TOLERANCE = 0.05
"""亿元; published three sectors within this of GDP are rounding, kept as is."""

PLAN_TOTAL_REGION = "cnyx_total"
REGION_AGGREGATE_CODE = "cnyx"
CPI_REGIONS: tuple[str, ...] = ("sichuan", "chongqing")

GROWTH_FALLBACK_AGGREGATE: dict[str, str] = {"CQ": "chongqing"}
"""Province code → aggregate region whose growth rows replace a short unit series.

Provinces not listed fall back to the pooled growth rows of their own units that
have enough years. Sichuan is not listed because the ``sichuan`` rows cover only
2019–2021 and are ``unrated``, while its four cities have full CSMAR series.
"""

THREE_SECTORS: tuple[str, ...] = ("primary", "secondary", "tertiary")

GDP_VARIABLE = "gdp_nominal_100m_yuan"
POPULATION_VARIABLE = "population_10k"
CENSUS_VARIABLE = "population_census_10k"
CENSUS_YEAR = 2020
REAL_GROWTH_VARIABLE = "gdp_real_growth_pct"
CPI_VARIABLE = "cpi_pct"

UNIT_YUAN = "亿元"
UNIT_PERSONS = "万人"
UNIT_RATE = "fraction/yr"

OUTPUT_COLUMNS: list[str] = [
    "region",
    "variable",
    "sector",
    "value",
    "unit",
    "year",
    "quality",
    "source",
    "imputed",
    "method",
]
VARIABLE_ORDER: tuple[str, ...] = (
    "gdp_nominal",
    "population",
    "va_nominal",
    "real_growth_mean_2015_2021",
    "cpi_inflation_mean_2015_2021",
)
OBSERVED_COLUMNS = ["region", "year", "variable", "value", "quality", "source", "note"]
REGION_COLUMNS = ["code", "name_zh", "name_en", "province", "note"]
SECTOR_COLUMNS = ["code", "name_en", "name_zh", "parent", "is_industry", "plan_basis"]
SPLIT_COLUMNS = ["region", "sector", "weight", "basis"]
OBSERVED_FILE = "observed_2011_2021.csv"
OUTPUT_FILE = "base_year_2021.csv"


# --------------------------------------------------------------------------- readers


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}")


def load_observed(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the raw observed rows, unchanged apart from dtypes.

    Parameters
    ----------
    path : path-like
        ``observed_2011_2021.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, variable, value, quality, source, note`` in file
        order; empty notes/sources become ``""``.
    """
    frame = pd.read_csv(path, dtype={"region": str, "variable": str, "quality": str})
    _require_columns(frame, OBSERVED_COLUMNS, str(path))
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    frame[["source", "note"]] = frame[["source", "note"]].fillna("")
    return frame[OBSERVED_COLUMNS]


def load_regions(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``regions.csv`` (one row per model unit, in model order)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    _require_columns(frame, REGION_COLUMNS, str(path))
    if frame["code"].duplicated().any():
        raise ValueError(f"{path}: duplicate region codes")
    return frame


def load_sectors(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``sectors.csv``; ``is_industry`` becomes a bool column."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    _require_columns(frame, SECTOR_COLUMNS, str(path))
    flags = frame["is_industry"].str.strip().str.lower()
    if not flags.isin(["true", "false"]).all():
        raise ValueError(f"{path}: is_industry must be true/false")
    frame["is_industry"] = flags == "true"
    if not frame["parent"].isin(THREE_SECTORS).all():
        raise ValueError(f"{path}: parent must be one of {THREE_SECTORS}")
    return frame


def load_splits(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``sector_split_assumptions.csv``; weights must be non-negative."""
    frame = pd.read_csv(path, dtype={"region": str, "sector": str, "basis": str})
    _require_columns(frame, SPLIT_COLUMNS, str(path))
    frame["weight"] = frame["weight"].astype(float)
    if (frame["weight"] < 0).any() or frame["weight"].isna().any():
        raise ValueError(f"{path}: weights must be non-negative numbers")
    return frame


# --------------------------------------------------------------------- quality rule


def select_best(observed: pd.DataFrame) -> pd.DataFrame:
    """Keep the best-quality row per (region, year, variable).

    Parameters
    ----------
    observed : pandas.DataFrame
        Raw rows as returned by :func:`load_observed`.

    Returns
    -------
    pandas.DataFrame
        One row per (region, year, variable) with ``value, quality, source,
        note``, in the file order of the chosen rows. ``suspect`` rows are
        dropped before ranking; ties in quality keep the first row in file order.

    Raises
    ------
    ValueError
        If a quality label is neither ranked nor excluded.
    """
    known = set(QUALITY_ORDER) | set(EXCLUDED_QUALITIES)
    unknown = sorted(set(observed["quality"]) - known)
    if unknown:
        raise ValueError(f"unknown quality labels: {unknown}")
    rank = {label: position for position, label in enumerate(QUALITY_ORDER)}
    usable = observed[~observed["quality"].isin(EXCLUDED_QUALITIES)].copy()
    usable["_file_order"] = np.arange(len(usable))
    usable["_rank"] = usable["quality"].map(rank)
    # A stable sort on (rank, file order) puts the winner of each key first.
    ranked = usable.sort_values(["_rank", "_file_order"], kind="stable")
    best = ranked.drop_duplicates(["region", "year", "variable"], keep="first")
    best = best.sort_values("_file_order", kind="stable")
    return best[OBSERVED_COLUMNS].reset_index(drop=True)


def _lookup(best: pd.DataFrame, region: str, year: int, variable: str) -> pd.Series | None:
    """Return the selected row for one key, or ``None`` when there is none."""
    hit = best[(best["region"] == region) & (best["year"] == year) & (best["variable"] == variable)]
    return None if hit.empty else hit.iloc[0]


def _row(
    region: str,
    variable: str,
    sector: str,
    value: float,
    unit: str,
    quality: str,
    source: str,
    imputed: bool,
    method: str,
    year: int = BASE_YEAR,
) -> dict:
    return {
        "region": region,
        "variable": variable,
        "sector": sector,
        "value": float(value),
        "unit": unit,
        "year": year,
        "quality": quality,
        "source": source,
        "imputed": bool(imputed),
        "method": method,
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def _fmt(value: float) -> str:
    """Stable short number format for method strings."""
    return f"{value:.6g}"


# ------------------------------------------------------------------------------ GDP


def _require_gdp(best: pd.DataFrame, region: str) -> pd.Series:
    row = _lookup(best, region, BASE_YEAR, GDP_VARIABLE)
    if row is None:
        raise ValueError(f"no {BASE_YEAR} {GDP_VARIABLE} row for unit {region!r}")
    return row


def gdp_2021(best: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Best-quality 2021 nominal GDP (亿元) per unit, never imputed.

    Only ``gdp_nominal_100m_yuan`` is read, so sub-area variables such as
    ``gdp_nominal_100m_yuan_excl_wansheng`` can never be chosen.
    """
    rows = []
    for region in regions["code"]:
        chosen = _require_gdp(best, region)
        note = f"; raw note: {chosen['note']}" if chosen["note"] else ""
        method = f"published: best-quality {BASE_YEAR} {GDP_VARIABLE} row (quality {chosen['quality']}){note}"
        rows.append(
            _row(region, "gdp_nominal", "total", chosen["value"], UNIT_YUAN,
                 chosen["quality"], chosen["source"], False, method)
        )
    return _frame(rows)


# ----------------------------------------------------------------------- population


def impute_population_2021(
    best: pd.DataFrame, regions: pd.DataFrame, plan_total_region: str = PLAN_TOTAL_REGION
) -> pd.DataFrame:
    """Year-end 2021 resident population (万人) per unit.

    Units with a 2021 ``population_10k`` row keep it (its quality is carried).
    The residual of the plan's 2021 total (``cnyx_total``) after those units is
    shared among the other units in proportion to their 2020 census figures, so
    the units add up to the plan total exactly.

    Parameters
    ----------
    best : pandas.DataFrame
        Output of :func:`select_best`.
    regions : pandas.DataFrame
        Units (column ``code``). The plan total must cover exactly these units.
    plan_total_region : str
        Region code of the control total (the plan's 2021 figure).

    Returns
    -------
    pandas.DataFrame
        Output-schema rows, variable ``population``, in ``regions`` order.
    """
    published = {}
    for region in regions["code"]:
        row = _lookup(best, region, BASE_YEAR, POPULATION_VARIABLE)
        if row is not None:
            published[region] = row
    missing = [r for r in regions["code"] if r not in published]
    shares = _population_residual_shares(best, published, missing, plan_total_region)
    rows = []
    for region in regions["code"]:
        if region in published:
            row = published[region]
            method = f"published: best-quality {BASE_YEAR} {POPULATION_VARIABLE} row (quality {row['quality']})"
            rows.append(_row(region, "population", "total", row["value"], UNIT_PERSONS,
                             row["quality"], row["source"], False, method))
        else:
            value, source, method = shares[region]
            rows.append(_row(region, "population", "total", value, UNIT_PERSONS,
                             IMPUTED_QUALITY, source, True, method))
    return _frame(rows)


def _population_residual_shares(
    best: pd.DataFrame, published: dict[str, pd.Series], missing: list[str], plan_total_region: str
) -> dict[str, tuple[float, str, str]]:
    """Split the plan-total residual over ``missing`` by 2020 census weight."""
    if not missing:
        return {}
    total_row = _lookup(best, plan_total_region, BASE_YEAR, POPULATION_VARIABLE)
    if total_row is None:
        raise ValueError(f"no {plan_total_region} {BASE_YEAR} {POPULATION_VARIABLE} row for the residual")
    census = {}
    for region in missing:
        row = _lookup(best, region, CENSUS_YEAR, CENSUS_VARIABLE)
        if row is None:
            raise ValueError(f"no {CENSUS_YEAR} {CENSUS_VARIABLE} row for unit {region!r}")
        census[region] = float(row["value"])
    published_sum = sum(float(r["value"]) for r in published.values())
    residual = float(total_row["value"]) - published_sum
    if residual <= 0:
        raise ValueError(f"plan population total leaves no residual ({residual}) for {missing}")
    census_sum = sum(census.values())
    published_list = ", ".join(f"{r} {_fmt(float(v['value']))}" for r, v in published.items()) or "none"
    source = (
        f"derived from {OBSERVED_FILE}: {plan_total_region} {BASE_YEAR} {POPULATION_VARIABLE} "
        f"({total_row['quality']}); {BASE_YEAR} {POPULATION_VARIABLE} of published units; "
        f"{CENSUS_YEAR} {CENSUS_VARIABLE} of imputed units"
    )
    result = {}
    for region, count in census.items():
        method = (
            f"imputed: residual of plan {BASE_YEAR} total {_fmt(float(total_row['value']))} "
            f"minus published units ({published_list}) = {_fmt(residual)}, shared among units "
            f"without a {BASE_YEAR} figure in proportion to {CENSUS_YEAR} census "
            f"({_fmt(count)} of {_fmt(census_sum)})"
        )
        result[region] = (residual * count / census_sum, source, method)
    return result


# --------------------------------------------------------------------- three sectors


def _three_sector_values(best: pd.DataFrame, region: str, year: int, suffix: str = "") -> pd.DataFrame | None:
    """The three ``va_*`` rows of one unit-year (optionally a sub-area suffix)."""
    rows = [_lookup(best, region, year, f"va_{s}_100m_yuan{suffix}") for s in THREE_SECTORS]
    if any(r is None for r in rows):
        return None
    return pd.DataFrame(rows, index=list(THREE_SECTORS))


def _subarea_suffixes(best: pd.DataFrame, region: str, year: int) -> list[str]:
    """Suffixes like ``_excl_wansheng`` that carry a same-year sub-area split."""
    prefix = "va_primary_100m_yuan"
    names = best.loc[(best["region"] == region) & (best["year"] == year), "variable"]
    return sorted(n[len(prefix):] for n in names if n.startswith(prefix + "_excl_"))


def _shares(values: pd.DataFrame) -> pd.Series:
    amounts = values["value"].astype(float)
    return amounts / amounts.sum()


def _describe_rows(values: pd.DataFrame) -> str:
    qualities = ", ".join(sorted(set(values["quality"])))
    return f"{', '.join(values['variable'])} {int(values['year'].iloc[0])} ({qualities})"


def _own_share_source(best: pd.DataFrame, region: str) -> dict | None:
    """Shares from the unit's own data: sub-area 2021, else nearest post-census year."""
    for suffix in _subarea_suffixes(best, region, BASE_YEAR):
        values = _three_sector_values(best, region, BASE_YEAR, suffix)
        if values is not None:
            return {
                "shares": _shares(values),
                "kind": "subarea",
                "inputs": _describe_rows(values),
                "note": f"assumption: the part outside the sub-area ({suffix.lstrip('_')}) has the same "
                "sector structure",
            }
    for year in range(BASE_YEAR - 1, FIRST_POST_CENSUS_YEAR - 1, -1):
        values = _three_sector_values(best, region, year)
        if values is not None:
            return {
                "shares": _shares(values),
                "kind": "own_earlier",
                "inputs": _describe_rows(values),
                "note": f"assumption: sector shares unchanged from {year} to {BASE_YEAR}",
            }
    return None


def impute_three_sector_2021(best: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """2021 nominal value added (亿元) of primary/secondary/tertiary per unit.

    Parameters
    ----------
    best : pandas.DataFrame
        Output of :func:`select_best`.
    regions : pandas.DataFrame
        Units with columns ``code`` and ``province``.

    Returns
    -------
    pandas.DataFrame
        Output-schema rows, variable ``va_nominal``, three per unit, summing to
        the unit's chosen 2021 GDP. See the module docstring for the order of
        methods; every non-published split is flagged and explained.
    """
    provinces = dict(zip(regions["code"], regions["province"]))
    gdp = {region: _require_gdp(best, region) for region in regions["code"]}
    resolved: dict[str, dict] = {}
    for region in regions["code"]:
        published = _three_sector_values(best, region, BASE_YEAR)
        if published is not None:
            resolved[region] = {"published": published, "shares": _shares(published)}
        else:
            own = _own_share_source(best, region)
            if own is not None:
                resolved[region] = own
    rows = []
    for region in regions["code"]:
        source = resolved.get(region) or _province_mean_share_source(region, provinces, resolved)
        rows.extend(_three_sector_rows(region, gdp[region], source))
    return _frame(rows)


def _province_mean_share_source(region: str, provinces: dict[str, str], resolved: dict[str, dict]) -> dict:
    """Unweighted mean shares of same-province units that have their own shares."""
    donors = [r for r in resolved if provinces[r] == provinces[region]]
    if not donors:
        raise ValueError(f"no same-province unit with sector shares to impute {region!r}")
    shares = pd.concat([resolved[r]["shares"] for r in donors], axis=1).mean(axis=1)
    return {
        "shares": shares,
        "kind": "province_mean",
        "inputs": f"shares of {', '.join(donors)}",
        "note": f"assumption: the unit has the unweighted mean sector structure of the "
        f"{provinces[region]} plan units with their own 2021 (or nearest) shares ({', '.join(donors)})",
    }


def _three_sector_rows(region: str, gdp_row: pd.Series, source: dict) -> list[dict]:
    gdp = float(gdp_row["value"])
    published = source.get("published")
    if published is not None and abs(published["value"].sum() - gdp) <= PUBLISHED_SUM_TOLERANCE:
        return [
            _row(region, "va_nominal", sector, published.at[sector, "value"], UNIT_YUAN,
                 published.at[sector, "quality"], published.at[sector, "source"], False,
                 f"published: best-quality {BASE_YEAR} {published.at[sector, 'variable']} row "
                 f"(quality {published.at[sector, 'quality']})")
            for sector in THREE_SECTORS
        ]
    if published is not None:
        note = "published sectors do not add up to GDP; published shares rescaled to GDP"
        inputs = _describe_rows(published)
    else:
        note, inputs = source["note"], source["inputs"]
    gdp_text = f"{GDP_VARIABLE} {BASE_YEAR} {_fmt(gdp)} ({gdp_row['quality']})"
    return [
        _row(region, "va_nominal", sector, gdp * source["shares"][sector], UNIT_YUAN, IMPUTED_QUALITY,
             f"derived from {OBSERVED_FILE}: {inputs}; {gdp_text}", True,
             f"imputed: share {_fmt(source['shares'][sector])} x {BASE_YEAR} GDP {_fmt(gdp)}; {note}; "
             "shares normalised by the three-sector sum so the sectors add up exactly to GDP")
        for sector in THREE_SECTORS
    ]


# --------------------------------------------------------------------- model sectors


def split_sectors(three_sector: pd.DataFrame, splits: pd.DataFrame, sectors: pd.DataFrame) -> pd.DataFrame:
    """Split each unit's three sectors into the model sectors.

    Parameters
    ----------
    three_sector : pandas.DataFrame
        Output of :func:`impute_three_sector_2021`.
    splits : pandas.DataFrame
        ``region, sector, weight, basis``; weights are normalised within each
        parent sector per region.
    sectors : pandas.DataFrame
        Model sectors with ``code`` and ``parent``, in model order.

    Returns
    -------
    pandas.DataFrame
        Output-schema rows, variable ``va_nominal``, one per unit and model
        sector, all flagged imputed (they rest on the split assumptions).
    """
    parents = dict(zip(sectors["code"], sectors["parent"]))
    rows = []
    for region, unit_rows in three_sector.groupby("region", sort=False):
        parent_values = dict(zip(unit_rows["sector"], unit_rows["value"]))
        weights = _unit_weights(splits, region, list(sectors["code"]))
        for parent in THREE_SECTORS:
            children = [code for code in sectors["code"] if parents[code] == parent]
            total_weight = sum(weights[c] for c in children)
            if total_weight <= 0:
                raise ValueError(f"{region}: split weights of {parent} sum to zero")
            for child in children:
                share = weights[child] / total_weight
                method = (
                    f"assumption: sector_split_assumptions.csv; weight {_fmt(weights[child])} of "
                    f"{_fmt(total_weight)} ({parent}) = share {_fmt(share)} of {parent} {_fmt(parent_values[parent])}"
                )
                rows.append(_row(region, "va_nominal", child, parent_values[parent] * share, UNIT_YUAN,
                                 IMPUTED_QUALITY, "sector_split_assumptions.csv", True, method))
    frame = _frame(rows)
    order = {code: i for i, code in enumerate(sectors["code"])}
    frame["_order"] = frame["sector"].map(order)
    frame["_unit"] = frame["region"].map({r: i for i, r in enumerate(three_sector["region"].unique())})
    return frame.sort_values(["_unit", "_order"], kind="stable")[OUTPUT_COLUMNS].reset_index(drop=True)


def _unit_weights(splits: pd.DataFrame, region: str, sector_codes: list[str]) -> dict[str, float]:
    unit = splits[splits["region"] == region]
    if unit["sector"].duplicated().any():
        raise ValueError(f"{region}: duplicate sectors in split assumptions")
    weights = dict(zip(unit["sector"], unit["weight"].astype(float)))
    missing = [code for code in sector_codes if code not in weights]
    if missing:
        raise ValueError(f"{region}: no split weight for {missing}")
    return weights


# ----------------------------------------------------------------- historical rates


def _growth_rows(best: pd.DataFrame, region: str) -> pd.DataFrame:
    window = best["year"].between(HISTORY_FIRST_YEAR, HISTORY_LAST_YEAR)
    return best[(best["region"] == region) & (best["variable"] == REAL_GROWTH_VARIABLE) & window]


def historical_real_growth(best: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Mean published annual real GDP growth 2015–2021 per unit (fraction/yr).

    Parameters
    ----------
    best : pandas.DataFrame
        Output of :func:`select_best`.
    regions : pandas.DataFrame
        Units with ``code`` and ``province``.

    Returns
    -------
    pandas.DataFrame
        Output-schema rows, variable ``real_growth_mean_2015_2021``, plus a
        column ``n_years``: the number of annual rows behind the value. Units
        with fewer than :data:`MIN_GROWTH_YEARS` own rows take the province
        fallback (the aggregate in :data:`GROWTH_FALLBACK_AGGREGATE`, else the
        pooled rows of the province's units with enough years) and are flagged.
        Levels are never differenced (2018/2019 vintage break).
    """
    own = {region: _growth_rows(best, region) for region in regions["code"]}
    provinces = dict(zip(regions["code"], regions["province"]))
    window = f"{HISTORY_FIRST_YEAR}-{HISTORY_LAST_YEAR}"
    rows = []
    for region in regions["code"]:
        mine = own[region]
        if len(mine) >= MIN_GROWTH_YEARS:
            years = ", ".join(str(y) for y in sorted(mine["year"]))
            method = f"published: mean of {len(mine)} annual {REAL_GROWTH_VARIABLE} rows {window} ({years}) / 100"
            row = _row(region, "real_growth_mean_2015_2021", "total", mine["value"].mean() / 100, UNIT_RATE,
                       _worst_quality(mine), _sources(mine), False, method)
            row["n_years"] = len(mine)
        else:
            pool, label = _growth_fallback_pool(best, provinces[region], own, provinces)
            method = (
                f"imputed: only {len(mine)} published {REAL_GROWTH_VARIABLE} rows {window} "
                f"(< {MIN_GROWTH_YEARS}); mean of {len(pool)} annual rows of {label} / 100"
            )
            row = _row(region, "real_growth_mean_2015_2021", "total", pool["value"].mean() / 100, UNIT_RATE,
                       IMPUTED_QUALITY, _sources(pool), True, method)
            row["n_years"] = int(pool["year"].nunique())
        rows.append(row)
    return pd.DataFrame(rows, columns=[*OUTPUT_COLUMNS, "n_years"])


def _growth_fallback_pool(
    best: pd.DataFrame, province: str, own: dict[str, pd.DataFrame], provinces: dict[str, str]
) -> tuple[pd.DataFrame, str]:
    aggregate = GROWTH_FALLBACK_AGGREGATE.get(province)
    if aggregate is not None:
        pool = _growth_rows(best, aggregate)
        label = f"{aggregate} (province aggregate)"
    else:
        donors = [r for r, rows in own.items() if provinces[r] == province and len(rows) >= MIN_GROWTH_YEARS]
        if not donors:
            raise ValueError(f"no {province} unit with {MIN_GROWTH_YEARS}+ growth rows for the fallback")
        pool = pd.concat([own[r] for r in donors])
        label = f"{province} units with enough years ({', '.join(donors)})"
    if len(pool) < MIN_GROWTH_YEARS:
        raise ValueError(f"no growth fallback with {MIN_GROWTH_YEARS}+ rows for province {province!r}")
    return pool, label


def _worst_quality(rows: pd.DataFrame) -> str:
    rank = {label: position for position, label in enumerate(QUALITY_ORDER)}
    return max(rows["quality"], key=rank.__getitem__)


def _sources(rows: pd.DataFrame) -> str:
    return " | ".join(dict.fromkeys(rows["source"]))


def _cpi_rows(best: pd.DataFrame) -> pd.DataFrame:
    window = best["year"].between(HISTORY_FIRST_YEAR, HISTORY_LAST_YEAR)
    return best[best["region"].isin(CPI_REGIONS) & (best["variable"] == CPI_VARIABLE) & window]


def historical_inflation(best: pd.DataFrame) -> float:
    """Mean annual CPI change 2015–2021 over the Sichuan and Chongqing rows.

    Parameters
    ----------
    best : pandas.DataFrame
        Output of :func:`select_best`.

    Returns
    -------
    float
        Unweighted mean of the ``cpi_pct`` rows of :data:`CPI_REGIONS` in the
        window, as a fraction per year (the default deflator assumption).
    """
    rows = _cpi_rows(best)
    if rows.empty:
        raise ValueError("no CPI rows in the history window")
    return float(rows["value"].mean() / 100)


def _inflation_row(best: pd.DataFrame) -> dict:
    rows = _cpi_rows(best)
    method = (
        f"published: unweighted mean of {len(rows)} annual {CPI_VARIABLE} rows "
        f"{HISTORY_FIRST_YEAR}-{HISTORY_LAST_YEAR} of {', '.join(CPI_REGIONS)} / 100; default deflator assumption"
    )
    return _row(REGION_AGGREGATE_CODE, "cpi_inflation_mean_2015_2021", "total", historical_inflation(best),
                UNIT_RATE, _worst_quality(rows), _sources(rows), False, method)


# --------------------------------------------------------------------------- build


def build_base_year(
    observed: pd.DataFrame,
    regions: pd.DataFrame,
    sectors: pd.DataFrame,
    splits: pd.DataFrame,
    plan_total_region: str = PLAN_TOTAL_REGION,
) -> pd.DataFrame:
    """Assemble the long base-year table.

    Parameters
    ----------
    observed, regions, sectors, splits : pandas.DataFrame
        As returned by the ``load_*`` readers.
    plan_total_region : str
        Region code of the 2021 population control total (see
        :func:`impute_population_2021`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OUTPUT_COLUMNS`; rows ordered by unit (``regions`` order),
        variable (:data:`VARIABLE_ORDER`) and sector (total, the three sectors,
        then the model sectors in ``sectors`` order); the ``cnyx`` CPI row last.
    """
    best = select_best(observed)
    three = impute_three_sector_2021(best, regions)
    parts = [
        gdp_2021(best, regions),
        impute_population_2021(best, regions, plan_total_region),
        three,
        split_sectors(three, splits, sectors),
        historical_real_growth(best, regions)[OUTPUT_COLUMNS],
        _frame([_inflation_row(best)]),
    ]
    table = pd.concat(parts, ignore_index=True)
    return _sort_output(table, regions, sectors)


def _sort_output(table: pd.DataFrame, regions: pd.DataFrame, sectors: pd.DataFrame) -> pd.DataFrame:
    region_order = {code: i for i, code in enumerate([*regions["code"], REGION_AGGREGATE_CODE])}
    sector_order = {code: i for i, code in enumerate(["total", *THREE_SECTORS, *sectors["code"]])}
    variable_order = {name: i for i, name in enumerate(VARIABLE_ORDER)}
    keys = pd.DataFrame({
        "r": table["region"].map(region_order),
        "v": table["variable"].map(variable_order),
        "s": table["sector"].map(sector_order),
    })
    order = keys.sort_values(["r", "v", "s"], kind="stable").index
    return table.loc[order, OUTPUT_COLUMNS].reset_index(drop=True)


def format_base_year_csv(table: pd.DataFrame) -> str:
    """Deterministic CSV text of the base-year table (6-decimal floats)."""
    return table.to_csv(index=False, float_format="%.6f", lineterminator="\n")


def write_atomically(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` via a temp file in the same dir and ``os.replace``."""
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temp_name, path)
    except BaseException:
        if os.path.exists(temp_name):
            os.remove(temp_name)
        raise


def default_calibration_dir() -> Path:
    """The repository's ``calibration/`` directory (src layout: three levels up)."""
    return Path(__file__).resolve().parents[3] / "calibration"


def build_from_directory(calibration_dir: Path) -> pd.DataFrame:
    """Read the four input files from ``calibration_dir`` and build the table."""
    return build_base_year(
        load_observed(calibration_dir / OBSERVED_FILE),
        load_regions(calibration_dir / "regions.csv"),
        load_sectors(calibration_dir / "sectors.csv"),
        load_splits(calibration_dir / "sector_split_assumptions.csv"),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate ``base_year_2021.csv`` in the calibration directory."""
    parser = argparse.ArgumentParser(description="Regenerate calibration/base_year_2021.csv")
    parser.add_argument("--calibration-dir", type=Path, default=default_calibration_dir())
    args = parser.parse_args(argv)
    table = build_from_directory(args.calibration_dir)
    target = args.calibration_dir / OUTPUT_FILE
    write_atomically(format_base_year_csv(table), target)
    logger.info("wrote %d rows to %s", len(table), target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Model-wide invariants under random seeds, run indices and valid parameter perturbations (hypothesis).

A short horizon (2021-2026) of the real calibration keeps each example fast. Every property is an accounting
identity or a reproducibility rule of the output contract, so it must hold for any valid parameters.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnyx_sim.io.results import REGION_TOTAL, SECTOR_TOTAL, trajectories_frame
from cnyx_sim.pipeline import PreparedScenario, prepare_scenario
from cnyx_sim.runner import run_one

#: Variables that add up over units (the region total is their sum), recorded with sector ``total``.
EXTENSIVE_TOTALS = (
    "gdp_nominal", "gdp_real", "industry_va_real", "population", "employment", "capital_stock",
    "net_migration", "tax_revenue_gross", "tax_local_collected", "public_investment", "public_capital",
    "tax_gross_vat", "tax_gross_cit", "tax_gross_pit", "tax_gross_property",
)
#: Per-sector variables that add up over units.
EXTENSIVE_BY_SECTOR = ("va_real", "va_nominal", "sector_employment")
#: Stocks (and flows that are levels) that can never be negative.
NON_NEGATIVE = ("capital_stock", "population", "employment", "public_capital", "gdp_real", "gdp_nominal",
                "tax_revenue_gross", "tax_local_collected", "public_investment")
NON_NEGATIVE_BY_SECTOR = ("va_real", "sector_employment")

END_YEAR = 2026


@pytest.fixture(scope="module")
def short_baseline(tmp_path_factory, baseline_path) -> PreparedScenario:
    path = tmp_path_factory.mktemp("scenario") / "short.yaml"
    path.write_text(f"extends: {baseline_path}\nname: short\nyears: {{start: 2021, end: {END_YEAR}}}\n",
                    encoding="utf-8")
    return prepare_scenario(path)


def decimal(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats with at most 4 decimals (avoids meaningless subnormal draws)."""
    return st.floats(low, high).map(lambda x: round(x, 4))


@st.composite
def perturbations(draw) -> dict:
    return {
        "deflator_growth": draw(decimal(-0.03, 0.08)),
        "tfp_shock_sd": draw(decimal(0.001, 0.05)),
        "investment_rate": draw(decimal(0.1, 0.6)),
        "employment_rate": draw(decimal(0.35, 0.75)),
        "return_sensitivity": draw(decimal(0.0, 3.0)),
        "mobile_share": draw(decimal(0.005, 0.1)),  # 0 is a known bug, see below
        "reallocation_speed": draw(decimal(0.0, 0.5)),
    }


def perturbed(prepared: PreparedScenario, change: dict):
    p = prepared.params
    n_sectors = len(p.production.capital_share)
    return dataclasses.replace(
        p,
        # no price shock, so the deflator's (X1) path can be checked exactly below
        macro=dataclasses.replace(p.macro, deflator_growth=np.full_like(p.macro.deflator_growth,
                                                                        change["deflator_growth"]),
                                  deflator_shock_sd=0.0),
        production=dataclasses.replace(p.production, tfp_shock_sd=change["tfp_shock_sd"]),
        capital=dataclasses.replace(p.capital, investment_rate=np.full(n_sectors, change["investment_rate"]),
                                    return_sensitivity=change["return_sensitivity"]),
        labour=dataclasses.replace(p.labour, employment_rate=change["employment_rate"],
                                   reallocation_speed=change["reallocation_speed"]),
        population=dataclasses.replace(p.population, mobile_share=change["mobile_share"]),
    )


def trajectories(prepared: PreparedScenario, params, seed: int, run: int) -> pd.DataFrame:
    result = run_one(prepared.name, prepared.calibration.base, params, seed, run)
    return trajectories_frame(result)


def totals(frame: pd.DataFrame, variable: str) -> pd.DataFrame:
    """``[year, region]`` table of a total variable."""
    rows = frame[(frame["variable"] == variable) & (frame["sector"] == SECTOR_TOTAL)]
    return rows.pivot(index="year", columns="region", values="value")


def by_sector(frame: pd.DataFrame, variable: str) -> pd.DataFrame:
    """``[(year, region), sector]`` table of a per-sector variable."""
    rows = frame[(frame["variable"] == variable) & (frame["sector"] != SECTOR_TOTAL)]
    return rows.pivot_table(index=["year", "region"], columns="sector", values="value", aggfunc="first")


def units_of(frame: pd.DataFrame) -> list[str]:
    return [r for r in frame["region"].unique() if r != REGION_TOTAL]


COMMON = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@COMMON
@given(change=perturbations(), seed=st.integers(0, 2**32 - 1), run=st.integers(0, 50))
def test_accounting_identities_hold_for_every_unit_year_and_the_region(short_baseline, change, seed, run):
    params = perturbed(short_baseline, change)
    frame = trajectories(short_baseline, params, seed, run)
    assert np.all(np.isfinite(frame["value"].to_numpy()))
    units = units_of(frame)
    years = np.arange(2021, END_YEAR + 1)
    geo = short_baseline.calibration.base.geography

    # region total = sum of units, for every extensive variable and year
    for variable in EXTENSIVE_TOTALS:
        table = totals(frame, variable)
        assert list(table.index) == list(years), variable
        np.testing.assert_allclose(table[REGION_TOTAL], table[units].sum(axis=1), rtol=1e-12, atol=1e-9,
                                   err_msg=variable)
    for variable in EXTENSIVE_BY_SECTOR:
        table = by_sector(frame, variable)
        for year in years:
            region = table.loc[(year, REGION_TOTAL)]
            summed = table.loc[year].drop(index=REGION_TOTAL).sum(axis=0)
            np.testing.assert_allclose(region, summed[region.index], rtol=1e-12, atol=1e-9, err_msg=variable)

    # stocks and levels stay non-negative
    for variable in NON_NEGATIVE:
        assert (totals(frame, variable).to_numpy() >= 0).all(), variable
    for variable in NON_NEGATIVE_BY_SECTOR:
        assert (by_sector(frame, variable).to_numpy() >= 0).all(), variable

    # nominal = deflator x real, for every unit (and the region) and year
    price = totals(frame, "price_index")
    np.testing.assert_allclose(totals(frame, "gdp_nominal"), price * totals(frame, "gdp_real"), rtol=1e-12)
    va_real, va_nominal = by_sector(frame, "va_real"), by_sector(frame, "va_nominal")
    deflator = price.stack().reindex(va_real.index)
    np.testing.assert_allclose(va_nominal, va_real.mul(deflator, axis=0), rtol=1e-12)
    # the deflator follows (X1) from 1 in the base year
    np.testing.assert_allclose(price[REGION_TOTAL], (1.0 + change["deflator_growth"]) ** (years - 2021),
                               rtol=1e-12)

    # gdp_real = sum of sector VA; industry_va_real = sum over industry sectors; employment = sum of sectors
    gdp_real = totals(frame, "gdp_real").stack()
    np.testing.assert_allclose(gdp_real.reindex(va_real.index), va_real.sum(axis=1), rtol=1e-12)
    industry_codes = [code for code, ind in zip(geo.sectors.codes, geo.is_industry) if ind]
    assert industry_codes, "the calibration must flag industry sectors"
    industry = totals(frame, "industry_va_real").stack().reindex(va_real.index)
    np.testing.assert_allclose(industry, va_real[industry_codes].sum(axis=1), rtol=1e-12)
    employment = totals(frame, "employment").stack().reindex(va_real.index)
    np.testing.assert_allclose(employment, by_sector(frame, "sector_employment").sum(axis=1), rtol=1e-12)

    # gross tax = sum over tax types, and the city's part never exceeds the gross
    gross = totals(frame, "tax_revenue_gross")
    by_type = sum(totals(frame, f"tax_gross_{tax}") for tax in ("vat", "cit", "pit", "property"))
    np.testing.assert_allclose(gross, by_type, rtol=1e-12)
    assert (totals(frame, "tax_local_collected") <= gross * (1 + 1e-12)).all().all()


@COMMON
@given(change=perturbations(), seed=st.integers(0, 2**32 - 1), run=st.integers(0, 50))
def test_population_follows_natural_change_plus_net_migration(short_baseline, change, seed, run):
    params = perturbed(short_baseline, change)
    frame = trajectories(short_baseline, params, seed, run)
    population, migration = totals(frame, "population"), totals(frame, "net_migration")
    natural = params.population.natural_growth_rate
    for t, year in enumerate(population.index[1:], start=1):
        expected = np.maximum(population.iloc[t - 1] * (1.0 + natural[t]) + migration.loc[year], 0.0)
        np.testing.assert_allclose(population.loc[year], expected, rtol=1e-12, atol=1e-9)
    # base year: no migration has happened yet
    np.testing.assert_array_equal(migration.loc[2021].to_numpy(), 0.0)


@COMMON
@given(change=perturbations(), seed=st.integers(0, 2**32 - 1), run=st.integers(0, 50))
def test_same_seed_and_run_give_identical_output_and_another_run_differs(short_baseline, change, seed, run):
    params = perturbed(short_baseline, change)
    first = trajectories(short_baseline, params, seed, run)
    again = trajectories(short_baseline, params, seed, run)
    pd.testing.assert_frame_equal(first, again, check_exact=True)

    other = trajectories(short_baseline, params, seed, run + 1)
    real_first = totals(first, "gdp_real").loc[END_YEAR]
    real_other = totals(other, "gdp_real").loc[END_YEAR]
    assert not np.array_equal(real_first.to_numpy(), real_other.to_numpy())
    # the base year is data, not noise: identical across runs
    pd.testing.assert_series_equal(totals(first, "gdp_real").loc[2021], totals(other, "gdp_real").loc[2021])


def test_different_seed_gives_different_output(short_baseline):
    params = short_baseline.params
    first = totals(trajectories(short_baseline, params, 1, 0), "gdp_real").loc[END_YEAR]
    second = totals(trajectories(short_baseline, params, 2, 0), "gdp_real").loc[END_YEAR]
    assert not np.array_equal(first.to_numpy(), second.to_numpy())


def test_perturbation_does_not_mutate_the_prepared_parameters(short_baseline):
    before = short_baseline.params.capital.investment_rate.copy()
    run_one(short_baseline.name, short_baseline.calibration.base, short_baseline.params, 3, 0)
    np.testing.assert_array_equal(short_baseline.params.capital.investment_rate, before)


def test_a_region_without_migration_still_produces_finite_output(short_baseline):
    p = short_baseline.params
    params = dataclasses.replace(p, population=dataclasses.replace(p.population, mobile_share=0.0))
    frame = trajectories(short_baseline, params, 1, 0)
    assert np.all(np.isfinite(frame["value"].to_numpy()))
    np.testing.assert_array_equal(totals(frame, "net_migration").to_numpy(), 0.0)

"""Output identities recomputed here, independently of the code that builds the tables.

``test_model_properties`` checks identities on the trajectories table; the table writer computes the region
rows as the sum of the unit rows and nominal values as price x real, so a slip in the model that the writer
reproduces passes there. Here the expected values come from elsewhere:

- the deflator from the scenario's own inflation path by (X1), ``P_t = prod_{s<=t} (1 + pi_s)`` (no shock),
  with a path that changes every year so a one-year lag shows;
- nominal value added, gross taxes by type (F1)-(F4) and the wage (L4) from the recorder's real arrays, that
  deflator and the parameters, with this file's arithmetic;
- the region rows of the trajectories table from the unit values summed here.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cnyx_sim.io.results import REGION_TOTAL, SECTOR_TOTAL, trajectories_frame
from cnyx_sim.pipeline import prepare_scenario
from cnyx_sim.runner import run_one

INFLATION = np.array([0.0, 0.02, 0.05, -0.01, 0.03, 0.04])  # 2021 (unused: the base year) .. 2026


@pytest.fixture(scope="module")
def run(tmp_path_factory, baseline_path):
    path = tmp_path_factory.mktemp("scenario") / "short.yaml"
    path.write_text(f"extends: {baseline_path}\nname: short\nyears: {{start: 2021, end: 2026}}\n", encoding="utf-8")
    prepared = prepare_scenario(path)
    p = prepared.params
    params = dataclasses.replace(p, macro=dataclasses.replace(p.macro, deflator_growth=INFLATION,
                                                              deflator_shock_sd=0.0))
    result = run_one(prepared.name, prepared.calibration.base, params, prepared.seed, 0)
    return params, result, trajectories_frame(result)


def deflator() -> np.ndarray:
    return np.cumprod(np.concatenate([[1.0], 1.0 + INFLATION[1:]]))


def table(frame, variable: str, sector: str = SECTOR_TOTAL):
    rows = frame[(frame["variable"] == variable) & (frame["sector"] == sector)]
    return rows.pivot(index="year", columns="region", values="value")


def test_recorded_nominal_value_added_is_the_scenario_deflator_times_real(run):
    _, result, _ = run
    rec = result.recorder
    price = deflator()
    np.testing.assert_allclose(rec.price_index, price, rtol=1e-14)
    np.testing.assert_allclose(rec.by_sector["va_nominal"], price[:, None, None] * rec.by_sector["va_real"],
                               rtol=1e-14)


def test_gross_taxes_by_type_are_the_effective_rates_on_nominal_value_added(run):
    params, result, _ = run
    rec, f = result.recorder, params.fiscal
    nominal = deflator()[:, None, None] * rec.by_sector["va_real"]  # [year, city, sector]
    alpha = params.production.capital_share
    cit = np.array([f.western_cit_qualifying_share * f.western_cit_rate
                    + (1 - f.western_cit_qualifying_share) * f.cit_standard_rate if year <= f.western_cit_last_year
                    else np.full(len(alpha), f.cit_standard_rate) for year in result.years])  # [year, sector]
    expected = {
        "vat": f.vat_rate_effective * nominal,
        "cit": cit[:, None, :] * f.profit_share * nominal,
        "pit": f.pit_rate_effective * (1 - alpha) * nominal,
        "property": f.property_rate_effective * nominal,
    }
    for tax, values in expected.items():
        np.testing.assert_allclose(rec.by_city[f"tax_gross_{tax}"], values.sum(axis=2), rtol=1e-12, err_msg=tax)
    np.testing.assert_allclose(rec.by_city["tax_revenue_gross"], sum(v.sum(axis=2) for v in expected.values()),
                               rtol=1e-12)


def test_trajectory_rows_equal_unit_values_and_region_sums_computed_here(run):
    params, result, frame = run
    rec, geo = result.recorder, result.geography
    price = deflator()
    va_real = rec.by_sector["va_real"]
    employment = rec.by_sector["employment"].sum(axis=2)
    labour_income = price[:, None] * (va_real * (1 - params.production.capital_share)).sum(axis=2)  # (L4)
    units = {
        "gdp_real": va_real.sum(axis=2),
        "gdp_nominal": price[:, None] * va_real.sum(axis=2),
        "industry_va_real": va_real[:, :, geo.is_industry].sum(axis=2),
        "employment": employment,
        "capital_stock": rec.by_sector["capital_stock"].sum(axis=2),
        "population": rec.by_city["population"],
        "tax_local_collected": rec.by_city["tax_local_collected"],
        "debt": rec.by_city["debt"],
    }
    for variable, values in units.items():
        got = table(frame, variable)
        np.testing.assert_allclose(got[list(geo.cities.codes)].to_numpy(), values, rtol=1e-12, err_msg=variable)
        np.testing.assert_allclose(got[REGION_TOTAL].to_numpy(), values.sum(axis=1), rtol=1e-12, err_msg=variable)
    # intensive variables: the region value is the ratio of the region sums, not a sum or a mean of unit ratios
    wage = table(frame, "wage_nominal")
    np.testing.assert_allclose(wage[list(geo.cities.codes)].to_numpy(), labour_income / employment, rtol=1e-12)
    np.testing.assert_allclose(wage[REGION_TOTAL].to_numpy(), labour_income.sum(axis=1) / employment.sum(axis=1),
                               rtol=1e-12)
    np.testing.assert_allclose(table(frame, "price_index")[REGION_TOTAL].to_numpy(), price, rtol=1e-14)
    per_capita = table(frame, "gdp_per_capita_real")[REGION_TOTAL].to_numpy()
    np.testing.assert_allclose(per_capita, va_real.sum(axis=(1, 2)) / units["population"].sum(axis=1) * 1e4,
                               rtol=1e-12)
    # per-sector rows: the region row of each sector is the sum of that sector over the units
    for sector_index, sector in enumerate(geo.sectors.codes):
        got = table(frame, "va_nominal", sector)
        np.testing.assert_allclose(got[REGION_TOTAL].to_numpy(),
                                   price * va_real[:, :, sector_index].sum(axis=1), rtol=1e-12, err_msg=sector)

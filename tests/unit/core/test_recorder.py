"""The recorder keeps each year's state in its row: every variable of the state, in its units, and nothing in the
rows of years not recorded yet (NaN)."""

from __future__ import annotations

import numpy as np

from cnyx_sim.core.recorder import Recorder

TAXES = ("vat", "cit", "pit", "property")
YEARS = np.arange(2021, 2025)


def test_a_recorded_year_holds_every_variable_of_the_state_in_its_row(tiny):
    tax_gross = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    state = tiny.state(year=2022, price_index=1.1, net_migration=np.array([0.5, -0.5]),
                       public_capital=np.array([10.0, 8.0]), tax_gross=tax_gross, tax_city=0.5 * tax_gross,
                       public_investment=np.array([2.0, 1.0]))
    recorder = Recorder(tiny.geography, TAXES, YEARS)
    recorder.record(state, labour_income=np.array([30.0, 20.0]), investment_share=np.array([0.2, 0.3]))
    s, c = recorder.by_sector, recorder.by_city
    np.testing.assert_array_equal(s["va_real"][1], [[100.0, 50.0], [80.0, 40.0]])
    np.testing.assert_allclose(s["va_nominal"][1], [[110.0, 55.0], [88.0, 44.0]])
    np.testing.assert_array_equal(s["employment"][1], [[25.0, 25.0], [20.0, 20.0]])
    np.testing.assert_array_equal(s["capital_stock"][1], [[200.0, 100.0], [160.0, 80.0]])
    np.testing.assert_array_equal(c["population"][1], [100.0, 80.0])
    np.testing.assert_array_equal(c["net_migration"][1], [0.5, -0.5])
    np.testing.assert_array_equal(c["labour_income_nominal"][1], [30.0, 20.0])
    np.testing.assert_array_equal(c["tax_revenue_gross"][1], [10.0, 26.0])
    np.testing.assert_array_equal(c["tax_local_collected"][1], [5.0, 13.0])
    np.testing.assert_array_equal(c["public_investment"][1], [2.0, 1.0])
    np.testing.assert_array_equal(c["public_capital"][1], [10.0, 8.0])
    np.testing.assert_array_equal(c["public_investment_share"][1], [0.2, 0.3])
    for k, tax in enumerate(TAXES):
        np.testing.assert_array_equal(c[f"tax_gross_{tax}"][1], tax_gross[:, k])
    assert recorder.price_index[1] == 1.1
    # the other years are not recorded yet
    assert np.all(np.isnan(s["va_real"][[0, 2, 3]])) and np.all(np.isnan(c["population"][[0, 2, 3]]))


def test_added_variables_take_the_first_year_fill_and_are_missing_until_recorded(tiny):
    recorder = Recorder(tiny.geography, TAXES, YEARS)
    recorder.add_city_variables(["projects_active", "park_land_developed"], fill_first_year=0.0)
    recorder.add_city_variables(["market_access_index"])
    for name in ("projects_active", "park_land_developed"):
        np.testing.assert_array_equal(recorder.by_city[name][0], [0.0, 0.0])
        assert np.all(np.isnan(recorder.by_city[name][1:]))
    assert np.all(np.isnan(recorder.by_city["market_access_index"]))
    recorder.record_city(2023, {"projects_active": np.array([3.0, 1.0])})
    np.testing.assert_array_equal(recorder.by_city["projects_active"][2], [3.0, 1.0])
    assert np.all(np.isnan(recorder.by_city["projects_active"][[1, 3]]))

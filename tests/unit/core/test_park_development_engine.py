"""Parks that grow inside the model (ODD 7.18): the land grows only with the switch on, within the planned area,
the cost is paid once by the parties on the sharing terms, and without sharing terms the host pays alone."""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.api import prepare
from cnyx_sim.runner import simulate


def _run(overrides=None, scenario="baseline"):
    prepared = prepare(scenario, overrides=overrides or {})
    model_result = simulate(prepared.calibration.base, prepared.params, prepared.seed, 0)
    return prepared, model_result.recorder.by_city


@pytest.fixture(scope="module")
def grown():
    return _run()


def test_parks_grow_with_the_switch_on_and_keep_their_initial_land_with_it_off(grown):
    prepared, city = grown
    initial = prepared.params.transfer.parks.land_capacity.sum()
    _, off = _run({"park_development.enabled": False})
    np.testing.assert_allclose(off["park_land_developed"].sum(axis=1), initial)
    assert np.all(off["park_development_spending"] == 0.0)
    developed = city["park_land_developed"].sum(axis=1)
    assert developed[-1] > 1.5 * initial
    assert np.all(np.diff(developed) >= 0.0)
    assert developed[-1] <= prepared.params.park_development.max_multiple * initial + 1e-6


def test_the_cost_is_the_land_ordered_times_its_price_and_paid_once(grown):
    prepared, city = grown
    spending = city["park_development_spending"].sum(axis=1)
    paid = city["park_development_contribution"].sum(axis=1) + city["park_development_external"].sum(axis=1)
    np.testing.assert_allclose(paid, spending, rtol=1e-12, atol=1e-12)
    # with a one-year lag, the land delivered in t + 1 was ordered (and paid for) in t at c_L x P_t
    p = prepared.params.park_development
    assert p.lag_years == 1
    delivered = np.diff(city["park_land_developed"].sum(axis=1))
    price = simulate(prepared.calibration.base, prepared.params, prepared.seed, 0).recorder.price_index
    np.testing.assert_allclose(delivered[1:], spending[1:-1] / (p.land_cost * price[1:-1]), rtol=1e-9)


def test_partners_pay_half_on_gaozhu_terms_and_nothing_without_sharing(grown):
    prepared, city = grown
    geo = prepared.calibration.base.geography
    partner = geo.cities.position("qijiang")  # partner of zigong_qijiang only, hosts no park
    assert city["park_development_contribution"][:, partner].sum() > 0.0
    _, no_terms = _run({"sharing.enabled": False})
    assert no_terms["park_development_contribution"][:, partner].sum() == 0.0
    np.testing.assert_allclose(no_terms["park_development_contribution"], no_terms["park_development_spending"])
    assert np.all(no_terms["park_development_external"] == 0.0)

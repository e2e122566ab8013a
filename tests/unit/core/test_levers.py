"""The plan's other levers inside the model (LeverEngine, docs/model.md 7.13-7.16), on the shipped baseline:
switches are neutral when off, market access moves only with events, compensation funds budgets, the siting
rule keeps chemical projects out of the strip, bonded zones draw projects from abroad."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from cnyx_sim.api import prepare
from cnyx_sim.runner import simulate

OFF = {"market_access.enabled": False, "public_services.enabled": False, "ecology.enabled": False,
       "opening.enabled": False}


def model(baseline_path, overrides=None, run=0):
    prepared = prepare(baseline_path, overrides=overrides)
    return prepared, simulate(prepared.calibration.base, prepared.params, prepared.seed, run)


def test_every_lever_switched_off_equals_a_run_without_the_levers(baseline_path):
    prepared, switched_off = model(baseline_path, OFF)
    params = replace(prepared.params, market_access=None, public_services=None, ecology=None, opening=None)
    without = simulate(prepared.calibration.base, params, prepared.seed, 0)
    np.testing.assert_array_equal(switched_off.recorder.by_sector["va_real"], without.recorder.by_sector["va_real"])
    np.testing.assert_array_equal(switched_off.recorder.by_city["population"], without.recorder.by_city["population"])


def test_market_access_is_one_in_the_base_year_and_stays_one_without_events(baseline_path):
    _, m = model(baseline_path)
    index = m.recorder.by_city["market_access_index"]
    np.testing.assert_array_equal(index[0], 1.0)
    qijiang = m.geography.cities.position("qijiang")  # no event touches 綦江 and no border cost is removed
    np.testing.assert_array_equal(index[:, qijiang], 1.0)
    _, quiet = model(baseline_path, {"infrastructure.events": []})
    np.testing.assert_array_equal(quiet.recorder.by_city["market_access_index"], 1.0)
    _, off = model(baseline_path, {"infrastructure.events": [], "market_access.enabled": False})
    np.testing.assert_array_equal(quiet.recorder.by_sector["va_real"], off.recorder.by_sector["va_real"])


def test_an_hsr_link_raises_the_served_units_output_through_market_access(baseline_path):
    _, on = model(baseline_path)
    _, off = model(baseline_path, {"market_access.enabled": False})
    zigong = on.geography.cities.position("zigong")  # 内自泸 2022, 成宜 2024
    t = 2030 - 2021
    assert on.recorder.by_city["market_access_index"][t, zigong] > 1.5
    assert on.recorder.by_sector["va_real"][t, zigong].sum() > off.recorder.by_sector["va_real"][t, zigong].sum()


def test_removing_border_cost_raises_access_of_units_near_the_line(baseline_path):
    _, base = model(baseline_path)
    _, open_border = model(baseline_path, {"market_access.border_cost_removed": 0.5})
    rongchang = base.geography.cities.position("rongchang")
    assert (open_border.recorder.by_city["market_access_index"][1, rongchang]
            > base.recorder.by_city["market_access_index"][1, rongchang])


def test_portable_services_and_pull_keep_more_people_in_the_region(baseline_path):
    _, base = model(baseline_path)
    _, integrated = model(baseline_path, {"public_services.region_pull": 0.05,
                                          "public_services.border_friction_removed": 0.5})
    assert integrated.recorder.by_city["population"][-1].sum() > base.recorder.by_city["population"][-1].sum()
    np.testing.assert_array_equal(integrated.recorder.by_city["population"][0], base.recorder.by_city["population"][0])


def test_compensation_is_conserved_and_funds_the_receivers_public_investment(baseline_path):
    pairs = [{"id": "p", "upstream": "yongchuan", "downstream": "jiangjin", "amount": 0.12,
              "target_met_probability": 1.0}]
    _, paying = model(baseline_path, {"ecology.compensation": pairs})
    _, none = model(baseline_path, {"ecology.compensation": []})
    rec = paying.recorder.by_city
    np.testing.assert_allclose(rec["eco_compensation_paid"].sum(axis=1), rec["eco_compensation_received"].sum(axis=1))
    geo = paying.geography
    up, down = geo.cities.position("yongchuan"), geo.cities.position("jiangjin")
    assert rec["eco_compensation_received"][1, up] == pytest.approx(0.12)  # target met every month
    assert rec["eco_compensation_paid"][1, down] == pytest.approx(0.12)
    # 2022: same revenue in both runs, public investment at the initial share s_G of (B2)'s revenue
    share = paying.params.fiscal.public_investment_share_initial
    delta = rec["public_investment"][1] - none.recorder.by_city["public_investment"][1]
    assert delta[up] == pytest.approx(share * 0.12)
    assert delta[down] == pytest.approx(-share * 0.12)


def test_a_full_siting_ban_keeps_chemical_projects_out_of_the_riverside_units(baseline_path):
    _, m = model(baseline_path, {"ecology.chemical_share": {"materials_chemicals": 1.0}, "ecology.strip_width": 20.0})
    book, geo = m.transfer.book, m.geography
    riverside = np.flatnonzero(m.params.ecology.riverside_share > 0)
    chemical = geo.sectors.position("materials_chemicals")
    hosted = np.isin(book.host, riverside) & (book.sector == chemical)
    assert not hosted.any()
    assert ((book.sector == chemical) & (book.host >= 0)).any()  # they go to inland units instead


def test_a_new_bonded_zone_raises_the_location_utility_of_projects_from_abroad_only(baseline_path):
    gateway = [{"name": "zone", "kind": "bonded_zone", "date": "2026-01-01", "units": ["zigong"]}]
    _, m = model(baseline_path, {"opening.gateways": gateway})
    engine = m.transfer
    zigong = m.geography.cities.position("zigong")
    shift = m.levers.location_utility(2026, engine.is_abroad, engine.p.beta_access)
    before = m.levers.location_utility(2025, engine.is_abroad, engine.p.beta_access)
    abroad = int(np.flatnonzero(engine.is_abroad)[0])
    assert shift[abroad, :, zigong] - before[abroad, :, zigong] == pytest.approx(
        m.params.opening.bonded_zone_utility)
    others = ~engine.is_abroad
    np.testing.assert_allclose(shift[others], before[others])

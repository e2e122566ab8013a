"""Conservation of the sharing ledgers over random agreements and activity tables (hypothesis).

Over the region: Σ after-sharing revenue + external outflows = Σ collected; every ledger row is paid by
its from-unit and received by its to-unit (or external partner); Σ credited = Σ official − external splits;
caps are never exceeded; sharing never takes more than the city-level part, so the central and provincial
parts are untouched; with no agreements nothing moves.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.core.params import TAXES
from cnyx_sim.mechanisms.stats_sharing import split_statistics
from cnyx_sim.mechanisms.tax_sharing import (
    KINDS,
    ActivityTable,
    AgreementSet,
    city_level_taxes,
    enforcement_draws,
    share_taxes,
)

N_TAXES = len(TAXES)
REL = 1e-9
LOCAL_SHARE = np.array([0.5, 0.4, 0.4, 1.0])


def random_world(seed: int, n_units: int, n_external: int, n_parks: int, n_rows: int, n_agreements: int):
    """Activities (with their gross taxes and provincial take) and agreements drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    gross = np.round(rng.uniform(0, 10, (n_rows, N_TAXES)) * (rng.random((n_rows, N_TAXES)) < 0.8), 3)
    province_take = rng.choice([0.0, 0.3, 0.5], n_rows)
    _, _, city = city_level_taxes(gross, LOCAL_SHARE, province_take)

    def unit_or_none(size):
        return rng.integers(-1, n_units, size)

    activities = ActivityTable.build(
        city,
        host=rng.integers(0, n_units, n_rows), park=rng.integers(-1, n_parks, n_rows), origin=unit_or_none(n_rows),
        referral=unit_or_none(n_rows), sector=rng.integers(0, 3, n_rows),
        full_production_year=rng.integers(2021, 2031, n_rows), is_government_led=rng.random(n_rows) < 0.5,
        value_added_nominal=np.round(rng.uniform(0, 50, n_rows), 3),
        investment_nominal=np.round(rng.uniform(0, 20, n_rows), 3),
        base_city_taxes=city * rng.choice([0.0, 0.5, 1.2], (n_rows, 1)),
        pre_move_taxes=np.round(rng.uniform(0, 20, n_rows), 3), pre_move_gross_annual=rng.uniform(0, 1, n_rows),
    )
    records = []
    for i in range(n_agreements):
        external = n_external > 0 and rng.random() < 0.3
        start = int(rng.integers(2021, 2031))
        records.append(dict(
            id=f"a{i}", group=int(rng.integers(0, max(1, n_agreements // 2 + 1))),
            kind=int(rng.integers(0, len(KINDS))), park=int(rng.integers(-1, n_parks)),
            partner_unit=-1 if external else int(rng.integers(0, n_units)),
            partner_external=int(rng.integers(0, n_external)) if external else -1,
            tax_mask=list(rng.random(N_TAXES) < 0.7), split=float(rng.random()),
            is_increment_only=bool(rng.random() < 0.5), start_year=start,
            end_year=start + int(rng.integers(0, 10)) if rng.random() < 0.5 else 10_000,
            window_basis=int(rng.integers(0, 2)), window_offset=int(rng.integers(0, 3)),
            window_length=float(rng.integers(1, 6)) if rng.random() < 0.6 else np.inf,
            window_extension=int(rng.integers(0, 3)),
            cap=float(np.round(rng.uniform(0, 10), 3)) if rng.random() < 0.4 else np.inf,
            is_cap_pre_move=bool(rng.random() < 0.3), min_pre_move_tax=float(rng.choice([0.0, 0.2])),
            enforcement_probability=float(rng.random()), stat_split=list(rng.random(3)),
            stat_honour_probability=float(rng.random()),
        ))
    # groups must be 0..n-1 without gaps for the draws to line up with the ids
    groups = sorted({r["group"] for r in records})
    for r in records:
        r["group"] = groups.index(r["group"])
    return activities, AgreementSet.from_records(records, N_TAXES), gross, province_take


worlds = st.fixed_dictionaries(dict(
    seed=st.integers(0, 2**32 - 1), n_units=st.integers(1, 6), n_external=st.integers(0, 2),
    n_parks=st.integers(0, 4), n_rows=st.integers(0, 40), n_agreements=st.integers(0, 8),
))


def assert_ledger_balances(ledger, paid, received, external, n_units, n_external, n_items):
    by_from, by_to, by_ext = np.zeros((n_units, n_items)), np.zeros((n_units, n_items)), np.zeros((n_external, n_items))
    for k in range(len(ledger)):
        assert ledger.amount[k] > 0.0
        assert (ledger.to_unit[k] >= 0) != (ledger.to_external[k] >= 0)  # exactly one counterpart
        assert ledger.to_unit[k] != ledger.from_unit[k]
        by_from[ledger.from_unit[k], ledger.item[k]] += ledger.amount[k]
        if ledger.to_unit[k] >= 0:
            by_to[ledger.to_unit[k], ledger.item[k]] += ledger.amount[k]
        else:
            by_ext[ledger.to_external[k], ledger.item[k]] += ledger.amount[k]
    np.testing.assert_allclose(by_from, paid, rtol=REL, atol=1e-12)
    np.testing.assert_allclose(by_to, received, rtol=REL, atol=1e-12)
    np.testing.assert_allclose(by_ext, external, rtol=REL, atol=1e-12)
    assert by_from.sum() == pytest.approx(by_to.sum() + by_ext.sum(), rel=REL, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(world=worlds, year=st.integers(2021, 2040), draw_seed=st.integers(0, 1000))
def test_taxes_are_conserved_and_every_transfer_has_its_counterpart(world, year, draw_seed):
    activities, agreements, gross, province_take = random_world(**world)
    enforced = enforcement_draws(agreements.enforcement_probability, agreements.group, np.random.default_rng(draw_seed))
    result = share_taxes(activities, agreements, year, None, enforced, world["n_units"], world["n_external"])

    total = result.collected.sum()
    assert result.after_sharing.sum() + result.external_outflow.sum() == pytest.approx(total, rel=REL, abs=1e-12)
    assert_ledger_balances(result.ledger, result.paid, result.received, result.external_outflow,
                           world["n_units"], world["n_external"], N_TAXES)
    # Sharing only moves city-level revenue: per activity and tax never more than its city part, so the
    # central and provincial parts (functions of gross taxes alone) are untouched, and no host goes negative.
    city = activities.city_taxes
    assert np.all(result.transfers.sum(axis=0) <= city * (1 + REL) + 1e-12)
    assert np.all(result.after_sharing >= -1e-9)
    central, province, _ = city_level_taxes(gross, LOCAL_SHARE, province_take)
    assert (central.sum() + province.sum() + result.after_sharing.sum() + result.external_outflow.sum()
            == pytest.approx(gross.sum(), rel=REL, abs=1e-12))


@settings(max_examples=100, deadline=None)
@given(world=worlds, draw_seed=st.integers(0, 1000))
def test_caps_are_never_exceeded_over_the_years(world, draw_seed):
    activities, agreements, _, _ = random_world(**world)
    rng = np.random.default_rng(draw_seed)
    cumulative, paid_total = None, np.zeros((agreements.n_agreements, activities.n_rows))
    cap = np.where(agreements.is_cap_pre_move[:, None], activities.pre_move_taxes[None, :], agreements.cap[:, None])
    for year in range(2021, 2041):
        enforced = enforcement_draws(agreements.enforcement_probability, agreements.group, rng)
        result = share_taxes(activities, agreements, year, cumulative, enforced, world["n_units"], world["n_external"])
        cumulative = result.cumulative_paid
        paid_total += result.transfers.sum(axis=2)
        assert np.all(cumulative <= cap * (1 + REL) + 1e-12)
    np.testing.assert_allclose(cumulative, paid_total, rtol=REL, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(world=worlds, year=st.integers(2021, 2040), draw_seed=st.integers(0, 1000))
def test_credited_statistics_sum_to_official_minus_external_splits(world, year, draw_seed):
    activities, agreements, _, _ = random_world(**world)
    honoured = enforcement_draws(agreements.stat_honour_probability, agreements.group, np.random.default_rng(draw_seed))
    is_industry = np.array([False, True, True])
    result = split_statistics(activities, agreements, year, None, honoured, is_industry,
                              world["n_units"], world["n_external"])
    np.testing.assert_allclose(result.credited.sum(axis=0) + result.external_out.sum(axis=0),
                               result.official.sum(axis=0), rtol=REL, atol=1e-9)
    assert_ledger_balances(result.ledger, result.split_out, result.split_in, result.external_out,
                           world["n_units"], world["n_external"], 3)
    assert np.all(result.credited >= -1e-9)


@settings(max_examples=60, deadline=None)
@given(world=worlds, year=st.integers(2021, 2040))
def test_without_agreements_after_sharing_equals_collected_and_credited_equals_official(world, year):
    activities, _, _, _ = random_world(**world)
    none = AgreementSet.empty(N_TAXES)
    taxes = share_taxes(activities, none, year, None, np.zeros(0, dtype=bool), world["n_units"], world["n_external"])
    stats = split_statistics(activities, none, year, None, np.zeros(0, dtype=bool), np.array([False, True, True]),
                             world["n_units"], world["n_external"])
    np.testing.assert_array_equal(taxes.after_sharing, taxes.collected)
    np.testing.assert_array_equal(stats.credited, stats.official)
    assert len(taxes.ledger) == 0 and len(stats.ledger) == 0


@settings(max_examples=60, deadline=None)
@given(world=worlds, year=st.integers(2021, 2040))
def test_agreements_that_are_never_enforced_move_nothing(world, year):
    activities, agreements, _, _ = random_world(**world)
    never = np.zeros(agreements.n_agreements, dtype=bool)
    taxes = share_taxes(activities, agreements, year, None, never, world["n_units"], world["n_external"])
    np.testing.assert_array_equal(taxes.after_sharing, taxes.collected)

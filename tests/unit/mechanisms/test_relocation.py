"""Relocation and consent, referral effort (R1-R5): hand-computed values and the invariants of the rules."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnyx_sim.mechanisms import relocation
from cnyx_sim.mechanisms.tax_sharing import KIND_ALL_CROSS_UNIT, KIND_PARK, KIND_REFERRAL, AgreementSet


def agreements(kinds, partner_unit, split, enforcement, stat_gdp, honour, start=2020, end=2040) -> AgreementSet:
    base = AgreementSet.empty(4)
    n = len(kinds)
    values = {}
    for f in dataclasses.fields(AgreementSet):
        column = getattr(base, f.name)
        if f.name == "ids":
            values[f.name] = tuple(f"a{i}" for i in range(n))
        elif column.ndim == 2:
            values[f.name] = np.zeros((n, column.shape[1]), dtype=column.dtype)
        else:
            values[f.name] = np.zeros(n, dtype=column.dtype)
    values.update(kind=np.array(kinds), partner_unit=np.array(partner_unit), split=np.array(split, dtype=float),
                  enforcement_probability=np.array(enforcement, dtype=float),
                  stat_honour_probability=np.array(honour, dtype=float),
                  start_year=np.full(n, start), end_year=np.full(n, end))
    values["stat_split"] = np.zeros((n, 3))
    values["stat_split"][:, 0] = stat_gdp
    return AgreementSet(**values)


def test_a_park_partner_keeps_the_gaozhu_terms_and_other_units_keep_nothing():
    # 高竹 terms: split 0.5 enforced with 0.7, GDP split 0.5 honoured with 0.7; w_T = 0.5
    a = agreements([KIND_PARK], [2], [0.5], [0.7], [0.5], [0.7])
    kept = relocation.kept_value(a, 2025, 4, 0.5)
    np.testing.assert_allclose(kept, [0.0, 0.0, 0.5 * 0.35 + 0.5 * 0.35, 0.0])


def test_a_cross_unit_rule_credits_every_origin_and_the_best_agreement_counts():
    a = agreements([KIND_PARK, KIND_ALL_CROSS_UNIT], [1, -1], [0.5, 0.5], [0.7, 1.0], [0.5, 0.5], [0.7, 1.0])
    kept = relocation.kept_value(a, 2025, 3, 1.0)  # revenue only
    np.testing.assert_allclose(kept, [0.5, 0.5, 0.5])


def test_agreements_not_in_force_keep_nothing():
    a = agreements([KIND_ALL_CROSS_UNIT], [-1], [0.5], [1.0], [0.5], [1.0], start=2030)
    np.testing.assert_array_equal(relocation.kept_value(a, 2025, 2, 0.5), [0.0, 0.0])


def test_consent_hazard_and_government_share_by_hand():
    consent = relocation.consent_probability(np.array([0.0, 0.35, 1.0]), 0.5)
    np.testing.assert_allclose(consent, [0.5, 0.675, 1.0])
    hazard = relocation.government_led_hazard(consent, 0.004)
    np.testing.assert_allclose(hazard, [0.002, 0.0027, 0.004])
    np.testing.assert_allclose(relocation.government_led_share(np.array([0.006, 0.0, 0.0]), np.array([0.002, 0.0, 0.004])),
                               [0.25, 0.0, 1.0])


def test_referral_share_comes_from_referral_rules_only():
    park_only = agreements([KIND_PARK], [0], [0.5], [1.0], [0.5], [1.0])
    np.testing.assert_array_equal(relocation.referral_share(park_only, 2025, 2), [0.0, 0.0])
    rule = agreements([KIND_REFERRAL], [-1], [0.3], [0.5], [0.0], [0.0])
    np.testing.assert_allclose(relocation.referral_share(rule, 2025, 2), [0.15, 0.15])
    np.testing.assert_allclose(relocation.referral_weights(np.array([0.0, 0.15]), 2.0), [1.0, 1.3])


def test_pre_move_taxes_sum_the_three_years_before_the_move():
    taxes = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [0.0, 0.0, 1.0, 1.0, 9.0]])
    np.testing.assert_allclose(relocation.pre_move_taxes(taxes, 4), [9.0, 2.0])
    np.testing.assert_allclose(relocation.pre_move_taxes(taxes, 1), [1.0, 0.0])  # a young run: what exists


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_consent_is_a_probability_rising_in_what_the_origin_keeps(kept_low, extra, base):
    low = relocation.consent_probability(np.array([kept_low]), base)[0]
    high = relocation.consent_probability(np.array([min(1.0, kept_low + extra)]), base)[0]
    assert base - 1e-12 <= low <= high <= 1.0 + 1e-12


@given(st.floats(0.0, 0.1), st.floats(0.0, 1.0))
def test_government_share_of_a_hazard_lies_in_zero_one(market, government):
    share = relocation.government_led_share(np.array([market]), np.array([government]))[0]
    assert 0.0 <= share <= 1.0


def test_an_agreement_is_in_force_in_its_first_and_last_year():
    first = agreements([KIND_ALL_CROSS_UNIT], [-1], [0.5], [1.0], [0.5], [1.0], start=2025, end=2030)
    np.testing.assert_allclose(relocation.kept_value(first, 2025, 2, 1.0), [0.5, 0.5])
    last = agreements([KIND_ALL_CROSS_UNIT], [-1], [0.5], [1.0], [0.5], [1.0], start=2020, end=2025)
    np.testing.assert_allclose(relocation.kept_value(last, 2025, 2, 1.0), [0.5, 0.5])
    np.testing.assert_array_equal(relocation.kept_value(last, 2026, 2, 1.0), [0.0, 0.0])


def test_a_park_agreement_credits_its_partner_unit_zero_and_no_unit_when_the_partner_is_external():
    to_unit_zero = agreements([KIND_PARK], [0], [0.4], [1.0], [0.0], [0.0])
    np.testing.assert_allclose(relocation.kept_value(to_unit_zero, 2025, 3, 1.0), [0.4, 0.0, 0.0])
    external = agreements([KIND_PARK], [-1], [0.4], [1.0], [0.0], [0.0])  # partner_unit -1: kunshan, guangzhou
    np.testing.assert_array_equal(relocation.kept_value(external, 2025, 3, 1.0), [0.0, 0.0, 0.0])


def test_the_kept_value_is_at_most_everything_even_with_a_revenue_weight_above_one():
    # w_T = 2.5 (outside its range) with sigma = pi = 1, no statistics: 2.5 - 1.5 x 0 = 2.5 is bounded by 1
    # (R1: V in [0, 1])
    a = agreements([KIND_ALL_CROSS_UNIT], [-1], [1.0], [1.0], [0.0], [0.0])
    np.testing.assert_allclose(relocation.kept_value(a, 2025, 2, 2.5), [1.0, 1.0])


def test_consent_uses_a_kept_share_bounded_to_zero_one():
    # (R2) with P_0 = 0.5: a kept share below 0 counts as 0, above 1 as 1 (2.5 -> 1, not 2)
    np.testing.assert_allclose(relocation.consent_probability(np.array([-0.5, 2.5]), 0.5), [0.5, 1.0])


def test_the_government_led_hazard_is_a_probability_whatever_the_rate():
    # (R3) rate x consent = 2.5 -> 1 (not 2); a negative product -> 0
    np.testing.assert_allclose(relocation.government_led_hazard(np.array([0.5, 0.5]), 5.0), [1.0, 1.0])
    np.testing.assert_array_equal(relocation.government_led_hazard(np.array([0.5]), -0.1), [0.0])


def test_a_vanishing_government_hazard_gives_a_zero_share_without_a_floating_point_error():
    # 1e-300 / 1e10 underflows (the tests raise on every floating-point error): the share is 0, not an error
    share = relocation.government_led_share(np.array([1e10]), np.array([1e-300]))
    assert share[0] == pytest.approx(0.0, abs=1e-300)


def test_referral_weights_use_a_share_bounded_to_zero_one():
    # (R4) W = 1 + kappa r with r clipped: r = -0.5 -> 1, r = 2.5 -> 1 + 2 x 1 = 3 (not 5)
    np.testing.assert_allclose(relocation.referral_weights(np.array([-0.5, 2.5]), 2.0), [1.0, 3.0])

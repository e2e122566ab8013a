"""Industrial transfer rules (T1)-(T7): hand-computed cases and properties of the location choice."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.mechanisms import transfer as rules

COEFFICIENTS = {"cluster": 1.0, "wage": -1.0, "land": 0.5, "rebate": 1.0, "service": 0.5, "access": 0.5,
                "origin_time": 0.3}


def test_nested_logit_hand_computed_two_units_and_outside_option():
    # mu = 1: IV = ln(1 + 2) = ln 3 = V0, so the region and the outside option split 50:50 and the units 1:2.
    probabilities = rules.nested_logit_probabilities(np.array([0.0, math.log(2.0)]), np.array(math.log(3.0)), 1.0)
    assert probabilities == pytest.approx([1 / 6, 2 / 6, 1 / 2])


def test_nested_logit_with_nest_parameter_half():
    # mu = 0.5, V = (0, 0): IV = 0.5 ln 2; P(region) = 2^0.5 / (2^0.5 + 1)
    probabilities = rules.nested_logit_probabilities(np.zeros(2), np.array(0.0), 0.5)
    p_region = math.sqrt(2) / (math.sqrt(2) + 1)
    assert probabilities == pytest.approx([p_region / 2, p_region / 2, 1 - p_region])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-20, 20, allow_subnormal=False), min_size=1, max_size=8),
       st.floats(-20, 20, allow_subnormal=False), st.floats(0.05, 1.0),
       st.integers(0, 7))
def test_probabilities_sum_to_one_including_the_outside_option(utility, outside, mu, n_unavailable):
    utility = np.array(utility)
    utility[: min(n_unavailable, len(utility) - 1)] = -np.inf  # a full park is -inf
    probabilities = rules.nested_logit_probabilities(utility, np.array(outside), mu)
    assert probabilities.sum() == pytest.approx(1.0)
    assert np.all(probabilities >= 0)
    assert np.all(probabilities[:-1][np.isinf(utility)] == 0)


def test_outside_utility_calibration_reproduces_the_located_share():
    utility = np.array([[0.3, -0.2, 1.1], [0.0, 0.0, -np.inf]])
    v0 = rules.calibrate_outside_utility(utility, 0.7, np.array([0.3, 0.6]))
    probabilities = rules.nested_logit_probabilities(utility, v0, 0.7)
    assert 1 - probabilities[:, -1] == pytest.approx([0.3, 0.6])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-200, 200).map(lambda i: i / 100), min_size=12, max_size=12), st.integers(0, 3), st.floats(0.0, 0.5, allow_subnormal=False),
    st.floats(0.0, 0.4, allow_subnormal=False), st.floats(0.1, 1.0), st.floats(-3, 3, allow_subnormal=False),
)
def test_a_city_that_raises_its_incentive_never_loses_expected_projects(features, city, extra_discount,
                                                                       extra_rebate, mu, outside):
    """Others fixed, a higher land discount or rebate never lowers the city's expected projects (incl. its parks)."""
    f = np.array(features)
    cluster = np.exp(f[:4])[None, :]                # [sector=1, unit=4]
    wage = np.exp(0.2 * f[4:8])
    access = np.exp(0.2 * f[8:12])
    discount = np.full(4, 0.1)
    rebate = np.full(4, 0.1)
    service = np.full(4, 0.5)
    times = np.zeros((1, 4))
    host = np.array([city, (city + 1) % 4])
    is_open = np.ones((1, 2), dtype=bool)
    bonus = np.full((1, 2), 0.5)

    def expected_at_city(d, r):
        v = rules.unit_utilities(cluster, wage, d, r, service, access, times, COEFFICIENTS)
        alternatives = rules.alternative_utilities(v, host, is_open, bonus)
        p = rules.nested_logit_probabilities(alternatives, np.array([[outside]]), mu)[0, 0]
        return p[city] + p[4]  # the unit and the park it hosts

    before = expected_at_city(discount, rebate)
    more_discount, more_rebate = discount.copy(), rebate.copy()
    more_discount[city] += extra_discount
    more_rebate[city] += extra_rebate
    after = expected_at_city(more_discount, more_rebate)
    assert after >= before - 1e-12


def shocks_for(n: int, n_alternatives: int, mu: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Taste shocks of (T6) and the outside option's Gumbel from fresh uniforms."""
    log_stable = rules.log_positive_stable(rng.random(n), rng.random(n), mu)
    return (rules.taste_shocks(rules.gumbel(rng.random((n, n_alternatives))), log_stable, mu),
            rules.gumbel(rng.random(n)))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.floats(0.0, 50.0), st.integers(0, 2**32 - 1))
def test_a_full_park_is_never_chosen_and_admitted_land_fits(n, capacity, seed):
    rng = np.random.default_rng(seed)
    utility = np.column_stack([np.zeros(n), np.zeros(n), np.full(n, 5.0), np.full(n, 5.0)])  # 2 units, 2 parks
    land = rng.lognormal(1.0, 1.0, n)
    remaining = np.array([0.0, capacity])  # park 0 is full
    shocks, outside = shocks_for(n, 4, 0.7, rng)
    choice, left = rules.choose_with_capacity(utility, shocks, outside, land, remaining, 2, rng.random(n))
    assert not np.any(choice == 2)
    assert land[choice == 3].sum() <= capacity + 1e-9
    assert left[1] == pytest.approx(capacity - land[choice == 3].sum())
    assert np.all((choice >= -1) & (choice <= 3))


def test_without_outside_option_every_project_is_located():
    rng = np.random.default_rng(1)
    utility = np.array([[0.0, -np.inf], [-np.inf, 0.0]])
    shocks, _ = shocks_for(2, 2, 0.7, rng)
    choice, _ = rules.choose_with_capacity(utility, shocks, np.full(2, -np.inf), np.ones(2), np.zeros(0), 2,
                                           np.array([0.5, 0.1]))
    assert choice.tolist() == [0, 1]


@pytest.mark.parametrize("mu", [0.3, 0.7, 1.0])
def test_choices_by_own_taste_shocks_have_the_nested_logit_frequencies(mu):
    # U = V + mu (g + ln S) in the nest, V0 + g0 outside: argmax frequencies equal (T6)'s probabilities
    rng = np.random.default_rng(11)
    n, utility, v0 = 200_000, np.array([0.0, 0.5, -0.3]), 0.2
    shocks, outside = shocks_for(n, 3, mu, rng)
    choice, _ = rules.choose_with_capacity(np.tile(utility, (n, 1)), shocks, v0 + outside, np.zeros(n),
                                           np.zeros(0), 3, rng.random(n))
    frequencies = np.bincount(np.where(choice < 0, 3, choice), minlength=4) / n
    np.testing.assert_allclose(frequencies, rules.nested_logit_probabilities(utility, np.array(v0), mu), atol=0.004)


def test_the_stable_mixture_has_the_laplace_transform_of_its_index():
    rng = np.random.default_rng(3)
    stable = np.exp(rules.log_positive_stable(rng.random(400_000), rng.random(400_000), 0.5))
    for t in (0.5, 1.0, 2.0):
        with np.errstate(under="ignore"):
            transform = np.mean(np.exp(-t * stable))
        assert transform == pytest.approx(math.exp(-(t**0.5)), abs=0.003)
    assert rules.log_positive_stable(np.array([0.3]), np.array([0.7]), 1.0).tolist() == [0.0]


def test_a_rejected_project_takes_its_next_best_alternative_by_its_own_shocks():
    # two projects want park 2 (room for one): the first in priority order gets it, the other its second best
    utility = np.array([[1.0, 0.0, 5.0], [0.0, 1.0, 5.0]])
    shocks = np.zeros((2, 3))
    choice, left = rules.choose_with_capacity(utility, shocks, np.full(2, -np.inf), np.array([6.0, 6.0]),
                                              np.array([10.0]), 2, np.array([0.9, 0.2]))
    assert choice.tolist() == [0, 2] and left.tolist() == [4.0]


def test_poisson_counts_by_inversion_are_monotone_in_the_rate_and_have_its_mean():
    u = np.random.default_rng(5).random(50_000)
    counts = rules.poisson_quantile(u[:20_000], 7.3)
    assert counts.mean() == pytest.approx(7.3, rel=0.02) and counts.var() == pytest.approx(7.3, rel=0.05)
    assert np.all(rules.poisson_quantile(u[:500], 9.0) >= rules.poisson_quantile(u[:500], 7.3))
    # hand-computed: P(0) = e^-3 = 0.0498, P(<=1) = 4 e^-3 = 0.199
    assert rules.poisson_quantile(np.array([0.04, 0.1, 0.5, 0.9]), 3.0).tolist() == [0, 1, 3, 5]
    assert rules.poisson_quantile(np.array([0.99]), 0.0).tolist() == [0]


def test_calibrated_arrival_rates_deliver_the_target_flow_hand_computed():
    # F = 12 in sector 0; origin shares 3:1 of signed value; located 0.5 and 0.25; p kappa m = 0.5 x 0.4 x 5 = 1
    rates = rules.calibrated_arrival_rates(np.array([12.0, 0.0]), np.array([3.0, 1.0]), np.array([0.5, 0.25]),
                                           0.5, 0.4, np.array([5.0, 5.0]))
    # signed value needed 12 / (0.5 x 0.4) = 60 = 12 projects of 5: 9 and 3 located -> 18 and 12 considering
    np.testing.assert_allclose(rates, [[18.0, 0.0], [12.0, 0.0]])


def test_push_factor_hand_computed():
    # origin wages 10% above the nation's index, land index 1.21 with phi_L = 0.5 -> 1.1 * 1.1
    push = rules.push_factor(np.array([1.155]), 1.05, np.array([1.21]), 1.0, 0.5)
    assert push == pytest.approx([1.21])


def test_signed_sizes_have_the_requested_mean_and_the_cap():
    normal = np.random.default_rng(0).standard_normal(400_000)
    sizes = rules.signed_sizes(normal, 7.55, 1.4, 1e9)
    assert sizes.mean() == pytest.approx(7.55, rel=0.03)
    # value share of projects of at least 10亿: 69% by the calibration (四川行 2017), by the lognormal's formula
    assert sizes[sizes >= 10.0].sum() / sizes.sum() == pytest.approx(0.69, abs=0.02)
    assert rules.signed_sizes(np.array([10.0]), 7.55, 1.4, 1000.0).tolist() == [1000.0]


def test_capacity_schedule_and_stages_by_age():
    schedule = rules.capacity_schedule(1, (0.3, 0.7))
    assert schedule.tolist() == [0.0, 0.0, 0.3, 0.7, 1.0]
    ages = np.array([-1, 0, 1, 2, 3, 4, 9])
    assert rules.capacity_share(ages, schedule).tolist() == [0.0, 0.0, 0.0, 0.3, 0.7, 1.0, 1.0]
    stages = rules.stage_at_age(ages[1:], 1, 2, np.zeros(6, dtype=bool))
    assert [rules.STAGES[s] for s in stages] == ["announced", "construction", "ramp_up", "ramp_up", "operating",
                                                  "operating"]
    abandoned = rules.stage_at_age(ages[1:], 1, 2, np.zeros(6, dtype=bool), np.ones(6, dtype=bool))
    assert [rules.STAGES[s] for s in abandoned] == ["announced"] + ["abandoned"] * 5
    assert rules.construction_spending_share(ages, 2).tolist() == [0, 0, 0.5, 0.5, 0, 0, 0]


def test_relocation_hazard_equals_base_rate_at_base_gap_and_rises_with_the_pull_elsewhere():
    utility = np.log(np.array([[[1.0, 2.0], [1.0, 2.0]], [[1.0, 2.0], [1.0, 2.0]]]))  # [h, s, c]
    gap = rules.relocation_gap(utility)
    assert gap[0] == pytest.approx([math.log(2.0), -math.log(2.0)])  # from unit 0 the other unit is 2x better
    assert rules.relocation_hazard(gap, gap, 0.01, 1.0) == pytest.approx(np.full((2, 2), 0.01))
    assert rules.relocation_hazard(gap + 1.0, gap, 0.01, 1.0)[0, 0] == pytest.approx(0.01 * math.e)


def test_a_constant_hazard_accumulated_against_an_exponential_gives_that_yearly_probability():
    # -ln(1 - f) per year against E ~ Exp(1): P(event within k years) = 1 - (1 - f)^k (T7)
    draws = -np.log(np.random.default_rng(2).random(200_000))
    step = rules.hazard_increment(np.array(0.1))
    assert np.mean(draws <= step) == pytest.approx(0.1, abs=0.003)
    assert np.mean(draws <= 3 * step) == pytest.approx(1 - 0.9**3, abs=0.003)
    assert rules.hazard_increment(np.array(1.0)) == np.inf


def test_gumbel_written_in_place_is_bit_identical_to_the_gumbel_returned():
    from cnyx_sim.mechanisms.transfer import gumbel

    uniforms = np.random.default_rng(4).random((50, 16)) * (1 - 1e-12) + 1e-300
    expected = gumbel(uniforms)
    in_place = uniforms.copy()
    assert gumbel(in_place, out=in_place) is in_place
    np.testing.assert_array_equal(in_place.view(np.uint64), expected.view(np.uint64))
    elsewhere = np.empty_like(uniforms)
    gumbel(uniforms, out=elsewhere)
    np.testing.assert_array_equal(elsewhere.view(np.uint64), expected.view(np.uint64))


def test_nested_logit_with_nest_parameter_below_one_and_unequal_utilities_hand_computed():
    # mu = 0.5, V = (0, ln 2), V0 = 0: exp(V / mu) = (1, 4), IV = 0.5 ln 5, P(region) = sqrt(5) / (sqrt(5) + 1);
    # inside the nest the units split 1:4. Ignoring mu (mu = 1) would give P(region) = 3/4 and a 1:2 split.
    probabilities = rules.nested_logit_probabilities(np.array([0.0, math.log(2.0)]), np.array(0.0), 0.5)
    p_region = math.sqrt(5.0) / (math.sqrt(5.0) + 1.0)
    assert probabilities == pytest.approx([p_region / 5, 4 * p_region / 5, 1.0 - p_region], rel=1e-12)


def test_inclusive_value_with_nest_parameter_below_one_hand_computed():
    # IV = mu ln sum exp(V / mu) = 0.5 ln(1 + 4) for V = (0, ln 2); an unavailable (-inf) alternative adds nothing
    value = rules.inclusive_value(np.array([0.0, math.log(2.0), -np.inf]), 0.5)
    assert value == pytest.approx(0.5 * math.log(5.0), rel=1e-12)


def test_outside_utility_with_nest_parameter_below_one_hand_computed():
    # V0 = IV - ln(s / (1 - s)) = 0.5 ln 5 - ln(0.25 / 0.75)
    v0 = rules.calibrate_outside_utility(np.array([0.0, math.log(2.0)]), 0.5, np.array(0.25))
    assert float(v0) == pytest.approx(0.5 * math.log(5.0) + math.log(3.0), rel=1e-12)


def test_a_closed_project_is_in_the_closed_stage_whatever_its_age():
    ages = np.array([0, 1, 3, 9])
    stages = rules.stage_at_age(ages, 1, 2, np.array([True, False, True, True]))
    assert [rules.STAGES[s] for s in stages] == ["closed", "construction", "closed", "closed"]


def test_unit_and_park_utilities_t4_t5_hand_computed_with_every_coefficient_distinct():
    b = {"cluster": 1.5, "wage": -0.5, "land": 2.0, "rebate": 3.0, "service": 0.7, "access": 0.25, "origin_time": 0.1}
    cluster = np.array([[math.e, 0.0], [1.0, 1.0]])  # [sector, unit]; no cluster at all is floored at 1e-9
    times = np.array([[1.0, 2.0], [0.0, 0.0]])  # [origin, unit]
    v = rules.unit_utilities(cluster, np.array([1.0, math.e]), np.array([0.5, 0.0]), np.array([0.2, 0.0]),
                             np.array([0.4, 1.0]), np.array([math.e**2, 1.0]), times, b)
    assert v.shape == (2, 2, 2)  # [origin, sector, unit]
    unit0 = -2.0 * math.log(0.5) + 3.0 * 0.2 + 0.7 * 0.4 + 0.25 * 2.0  # wage 1 and ln 1 = 0
    unit1 = -0.5 * 1.0 + 0.7 * 1.0
    for o in range(2):
        assert v[o, 0, 0] == pytest.approx(1.5 + unit0 - 0.1 * times[o, 0], rel=1e-12)
        assert v[o, 0, 1] == pytest.approx(1.5 * math.log(1e-9) + unit1 - 0.1 * times[o, 1], rel=1e-12)
        assert v[o, 1, 0] == pytest.approx(unit0 - 0.1 * times[o, 0], rel=1e-12)
    # (T5): a park hosted by unit 1, open to sector 0 only, with origin-specific bonuses
    alt = rules.alternative_utilities(v, np.array([1]), np.array([[True], [False]]), np.array([[0.3], [0.8]]))
    assert alt.shape == (2, 2, 3)
    np.testing.assert_array_equal(alt[:, :, :2], v)
    assert alt[0, 0, 2] == pytest.approx(v[0, 0, 1] + 0.3) and alt[1, 0, 2] == pytest.approx(v[1, 0, 1] + 0.8)
    assert np.all(alt[:, 1, 2] == -np.inf)


def test_relocation_hazard_t7_is_a_probability_even_when_the_pull_elsewhere_is_huge():
    hazard = rules.relocation_hazard(np.array([10.0, 0.0]), np.array([0.0, 0.0]), 0.5, 1.0)
    assert hazard.tolist() == [1.0, 0.5]  # 0.5 e^10 capped at 1


def test_push_factor_t1_is_relative_to_the_national_wage_index_hand_computed():
    # origin wages +32 %, national wages +10 %: (1.32 / 1.1)^2 = 1.44; land index 0.81^0.5 = 0.9
    push = rules.push_factor(np.array([1.32, 1.1]), 1.1, np.array([0.81, 1.0]), 2.0, 0.5)
    assert push == pytest.approx([1.44 * 0.9, 1.0], rel=1e-12)


# -- (T2) arrival rates and counts at their edges --------------------------------------------------------------

def test_t2_arrival_rates_hand_computed_with_origin_shares_below_one_and_empty_cells():
    # shares 0.1 : 0.3 normalised to 1/4 : 3/4 (their sum below 1 is normalised like any other); per project
    # p kappa m = 0.8 x 0.5 x 3 = 1.2, so sector 0 needs 12 / 1.2 = 10 realised projects a year; origin 0 locates
    # half its projects in the region: 10 / 4 / 0.5 = 5. Sector 1 has no mean size (no projects) and origin 1
    # locates none here: both get rate 0, without dividing by zero or reading uninitialised memory (numpy warns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rates = rules.calibrated_arrival_rates(np.array([12.0, 6.0]), np.array([0.1, 0.3]), np.array([0.5, 0.0]),
                                               0.8, 0.5, np.array([3.0, 0.0]))
    np.testing.assert_allclose(rates, [[5.0, 0.0], [0.0, 0.0]], rtol=1e-12, atol=0)


def test_t2_no_origin_shares_at_all_gives_no_arrivals_and_no_error():
    rates = rules.calibrated_arrival_rates(np.array([12.0]), np.zeros(2), np.array([0.5, 0.5]), 0.8, 0.5,
                                           np.array([3.0]))
    assert rates.tolist() == [[0.0], [0.0]]


def test_t2_a_vanishing_rate_gives_no_project_without_a_floating_point_error_on_a_cold_cache():
    # the CDFs are cached per rate (lru_cache): emptied first, so the underflowing tail terms are computed here
    rules._poisson_cdf.cache_clear()
    assert rules.poisson_quantile(np.array([0.5, 0.999]), 1e-12).tolist() == [0, 0]


def test_t2_the_count_never_goes_beyond_the_summation_window():
    # u = 1 (the top of the uniform's range) at rate 400: the window ends at int(400 + 12 x 20 + 30) = 670, the
    # largest count the inversion can give
    assert rules.poisson_quantile(np.array([1.0]), 400.0).tolist() == [670]


def test_t2_counts_are_integers_and_a_rate_below_one_still_gives_projects():
    # Poisson(0.5): P(0) = e^-0.5 = 0.607, P(<= 1) = 0.910: u = 0.9 is one project; a zero rate before a positive
    # one does not stop the later cells: Poisson(3) at u = 0.5 is 3 (P(<= 2) = 0.423, P(<= 3) = 0.647)
    counts = rules.poisson_quantile(np.array([0.9, 0.5, 0.5]), np.array([0.5, 0.0, 3.0]))
    assert counts.dtype.kind == "i"  # numbers of projects (np.repeat and indexing need integers)
    assert counts.tolist() == [1, 0, 3]


def test_t2_count_at_a_large_rate_reaches_the_upper_tail():
    # Poisson(400) ~ N(400, 20^2): the 0.99 quantile is about 400 + 2.326 x 20 = 446.5 (the summation window
    # must reach it; a window of 12 / sqrt(rate) + 30 would stop at 430)
    count = int(rules.poisson_quantile(np.array([0.99]), 400.0)[0])
    assert 444 <= count <= 449
    assert int(rules.poisson_quantile(np.array([0.5]), 400.0)[0]) in (399, 400)


# -- (T6) choice with park capacity ------------------------------------------------------------------------------
# Two units (alternatives 0-1) and two parks (2-3); no taste shocks, so each project takes its best V.

def test_t6_a_full_park_sends_the_later_project_to_its_next_best_and_the_callers_land_is_untouched():
    utility = np.array([[1.0, 0.0, 0.0, 3.0], [1.0, 0.0, 0.0, 3.0]])  # both prefer park 1, then unit 0
    land = np.array([10.0, 5.0])
    choice, left = rules.choose_with_capacity(utility, np.zeros((2, 4)), np.full(2, -10.0), np.array([3.0, 3.0]),
                                              land, 2, np.array([0.1, 0.2]))
    assert choice.tolist() == [3, 0]  # the first admitted (3 <= 5); the second would need 6: next best, unit 0
    assert left.tolist() == [10.0, 2.0]
    assert land.tolist() == [10.0, 5.0]  # "a new array": the caller's free land is not spent in place


def test_t6_a_park_too_small_for_one_project_is_out_of_its_choice_set_but_open_to_one_that_fits_exactly():
    utility = np.array([[1.0, 0.0, 0.0, 3.0], [1.0, 0.0, 0.0, 3.0]])
    choice, left = rules.choose_with_capacity(utility, np.zeros((2, 4)), np.full(2, -10.0), np.array([10.0, 5.0]),
                                              np.array([0.0, 5.0]), 2, np.array([0.1, 0.2]))
    # project 0 needs 10 > 5: park 1 is not in its set (unit 0); project 1 needs exactly the 5 left: admitted
    assert choice.tolist() == [0, 3]
    assert left.tolist() == [0.0, 0.0]


def test_t6_free_land_given_as_whole_mu_keeps_the_fraction_a_project_leaves():
    utility = np.array([[0.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0, 3.0]])
    _, left = rules.choose_with_capacity(utility, np.zeros((2, 4)), np.full(2, -10.0), np.array([2.5, 2.0]),
                                         np.array([10, 5]), 2, np.array([0.1, 0.2]))
    assert left.tolist() == [10.0, 0.5]


def test_t6_a_single_project_chooses_and_one_without_any_option_stays_outside():
    choice, _ = rules.choose_with_capacity(np.array([[1.0, 2.0]]), np.zeros((1, 2)), np.array([0.0]), np.ones(1),
                                           np.zeros(0), 2, np.array([0.5]))
    assert choice.tolist() == [1]
    nothing = np.full((1, 2), -np.inf)  # no unit available and no outside option
    choice, _ = rules.choose_with_capacity(nothing, np.zeros((1, 2)), np.array([-np.inf]), np.ones(1),
                                           np.zeros(0), 2, np.array([0.5]))
    assert choice.tolist() == [rules.OUTSIDE]


# -- (T7) relocation ------------------------------------------------------------------------------------------------

def test_t7_relocation_gap_with_more_sectors_than_units_hand_computed():
    # two units, three sectors: D_sh = ln sum_{c != h} exp(V_hsc) - V_hsh
    v = np.zeros((2, 3, 2))
    v[0, :, 1] = [math.log(2.0), 0.0, 1.0]
    v[1, :, 0] = [math.log(3.0), 0.5, 0.0]
    gap = rules.relocation_gap(v)
    assert gap.shape == (3, 2)  # [sector, unit]
    np.testing.assert_allclose(gap, [[math.log(2.0), math.log(3.0)], [0.0, 0.5], [1.0, 0.0]], rtol=1e-12, atol=1e-15)


def test_t7_hazard_increment_of_a_probability_outside_zero_one_is_clipped():
    # a rounding slip below 0 is no hazard; above 1 it is certain
    assert rules.hazard_increment(np.array([-1e-3, 1.5])).tolist() == [0.0, np.inf]


# -- (T6) log-sum-exp at the extremes ------------------------------------------------------------------------------

def test_t6_inclusive_value_per_row_far_apart_in_level_and_of_a_row_with_nothing_available():
    # each row is stabilised by its own peak: a row 1000 utils below another is not lost to underflow, a row
    # 1000 above does not overflow; a row with no available alternative has IV -inf, without a floating-point error
    utility = np.array([[0.0, 0.0], [-1000.0, -1000.0], [1000.0, 1000.0 - math.log(3.0)], [-np.inf, -np.inf]])
    iv = rules.inclusive_value(utility, 1.0)
    np.testing.assert_allclose(iv[:3], [math.log(2.0), -1000.0 + math.log(2.0), 1000.0 + math.log(4.0 / 3.0)],
                               rtol=1e-12)
    assert iv[3] == -np.inf


def test_t6_a_vanishing_alternative_has_probability_zero_without_a_floating_point_error():
    # V = (0, -800): exp(-800) underflows; the probabilities are (P, 0, 1 - P) with P = 1 / (1 + e^-1) for V0 = -1
    probabilities = rules.nested_logit_probabilities(np.array([0.0, -800.0]), np.array(-1.0), 1.0)
    p = 1.0 / (1.0 + math.exp(-1.0))
    np.testing.assert_allclose(probabilities, [p, 0.0, 1.0 - p], rtol=1e-12, atol=1e-300)


def test_t2_a_vanishing_rate_gives_no_project_without_a_floating_point_error():
    # Poisson(1e-12): the terms up to k = 30 fall below 1e-308 and underflow to 0, which they are
    assert rules.poisson_quantile(np.array([0.5, 0.999]), 1e-12).tolist() == [0, 0]

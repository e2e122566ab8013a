"""Properties of whole runs with industrial transfer: conservation, capacity, reproducibility, totals."""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.io import results as results_io
from cnyx_sim.pipeline import prepare_scenario
from cnyx_sim.runner import run_one, simulate


@pytest.fixture(scope="module")
def prepared(baseline_path):
    return prepare_scenario(baseline_path)


@pytest.fixture(scope="module")
def model(prepared):
    return simulate(prepared.calibration.base, prepared.params, prepared.seed, 0)


def test_projects_conserve_investment_arrived_equals_located_plus_outside(model):
    book = model.transfer.book
    arrived = book.investment.sum()
    located = book.investment[book.host >= 0].sum()
    outside = book.investment[book.host < 0].sum()
    assert arrived == pytest.approx(located + outside)
    assert located > 0 and outside > 0
    # relocations never leave the region; only external arrivals can go outside
    assert np.all(book.host[book.relocated_from >= 0] >= 0)


def test_project_capital_never_exceeds_what_entered_and_closed_projects_hold_none(model):
    book = model.transfer.book
    assert np.all(book.capital <= book.investment + 1e-9)
    assert np.all(book.capital[book.closed_year > 0] == 0)
    assert np.all(book.capital[book.host < 0] == 0)


def test_parks_never_hold_more_land_than_they_have_developed(model):
    # Parks grow (PD1-PD6): the land a park holds is its initial capacity plus what joint development delivered,
    # never more than its planned area; free land is what the live projects left of it. The baseline's budgets
    # develop no park land of their own (B9 share 0), so nothing else adds land.
    assert model.params.sharing.park_land_share == 0
    book, parks = model.transfer.book, model.params.transfer.parks
    developed = model.park_land.developed
    live = (book.park >= 0) & (book.closed_year == 0)
    used = np.bincount(book.park[live], weights=book.land[live], minlength=len(parks.ids))
    assert np.all(used <= developed + 1e-6)
    assert np.allclose(model.transfer.park_remaining, developed - used)
    assert np.all(developed >= parks.land_capacity)
    assert np.all(developed <= model.params.park_development.max_multiple * parks.land_capacity + 1e-6)
    assert np.any(developed > parks.land_capacity)  # the baseline's parks did grow


def test_parks_admit_only_their_target_sectors_after_opening(model):
    book, parks = model.transfer.book, model.params.transfer.parks
    in_park = np.flatnonzero(book.park >= 0)
    assert len(in_park) > 0
    assert np.all(parks.target_sectors[book.park[in_park], book.sector[in_park]])
    assert np.all(book.year_arrived[in_park] >= parks.start_year[book.park[in_park]])
    assert np.all(book.host[in_park] == parks.host[book.park[in_park]])


def test_same_seed_reproduces_the_projects_and_another_run_differs(prepared):
    base, params, seed = prepared.calibration.base, prepared.params, prepared.seed
    first, again, other = (simulate(base, params, seed, run).transfer.book for run in (0, 0, 1))
    for column in ("sector", "origin", "investment", "host", "park", "year_arrived"):
        assert np.array_equal(getattr(first, column), getattr(again, column))
    assert len(first) != len(other) or not np.array_equal(first.investment, other.investment)


def test_region_project_totals_equal_the_sum_of_units_and_va_is_an_attribution(prepared):
    result = run_one(prepared.name, prepared.calibration.base, prepared.params, prepared.seed, 0)
    totals = results_io.unit_level_arrays(result)
    for name in ("projects_arrived", "project_investment", "project_va_nominal"):
        assert np.allclose(totals[name][:, -1], totals[name][:, :-1].sum(axis=1))
    # project value added is a part of GDP, never more
    assert np.all(totals["project_va_nominal"] <= totals["gdp_nominal"] + 1e-9)
    book = result.projects
    assert np.allclose(book.va_nominal.sum(axis=0), totals["project_va_nominal"][:, -1])
    arrived_external = book.relocated_from < 0
    counts = np.bincount(book.year_arrived[arrived_external & (book.host >= 0)] - result.years[0],
                         minlength=len(result.years))
    assert np.array_equal(counts, totals["projects_arrived"][:, -1])

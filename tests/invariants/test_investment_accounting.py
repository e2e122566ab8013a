"""Investment accounting and projects that add up (issue 9): every yuan of investment enters capital once,
capital, labour and value added are counted once between projects and incumbents, projects raise GDP over
``no_transfer`` unless crowding-out is complete, and a policy that does not touch arrivals leaves the arriving
projects identical run by run (common random numbers).

The identities are computed here from the model's own arrays and the project book, independently of the code
that writes the output tables (``checks.check_run`` checks the tables' version on every run).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnyx_sim.core.model import CnyxModel
from cnyx_sim.mechanisms import capital as capital_rules
from cnyx_sim.pipeline import prepare_scenario
from cnyx_sim.runner import simulate


@pytest.fixture(scope="module")
def short(tmp_path_factory, baseline_path):
    path = tmp_path_factory.mktemp("scenario") / "short.yaml"
    path.write_text(f"extends: {baseline_path}\nname: short\nyears: {{start: 2021, end: 2027}}\n", encoding="utf-8")
    return prepare_scenario(path)


def with_transfer(prepared, **changes):
    return dataclasses.replace(prepared.params, transfer=dataclasses.replace(prepared.params.transfer, **changes))


class Recording(CnyxModel):
    """The model, keeping what each year hands to the next (test-side only): the state, the projects' real
    spending of the year and the book's capital at year end."""

    def step(self) -> None:
        super().step()
        if not hasattr(self, "kept"):
            self.kept = []
        book = self.transfer.book
        t = self.state.year - self.params.start_year
        self.kept.append({"state": self.state, "book_capital": book.capital.copy(),
                          "project_spending_real": book.spending_nominal[:, t].sum() / self.state.price_index})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phi=st.just(0.0) | st.floats(0.01, 0.6), crowding=st.floats(0.0, 1.0),
       local=st.just(0.0) | st.floats(0.01, 0.6), realised=st.floats(0.1, 1.0), run=st.integers(0, 1000))
def test_total_investment_is_incumbents_plus_projects_and_enters_capital_once(short, phi, crowding, local, realised,
                                                                              run):
    params = with_transfer(short, project_investment_share=phi, crowding_out=crowding, local_purchase_share=local,
                           realised_share=realised)
    model = Recording(short.calibration.base, params, seed=short.seed, run=run)
    for _ in range(params.end_year - params.start_year):
        model.step()
    delta = params.capital.depreciation_rate
    book = model.transfer.book
    for kept, nxt in zip(model.kept, model.kept[1:]):
        year, t = nxt["state"].year, nxt["state"].year - params.start_year
        # the capital the projects that closed or relocated in ``year`` held once last year's spending was in
        before = np.zeros(len(book))
        before[: len(kept["book_capital"])] = kept["book_capital"]
        installed = (1 - delta) * before + book.spending_nominal[:, t - 1] / kept["state"].price_index
        written_off = installed[book.closed_year == year].sum()
        # total investment = incumbents' (with their supplier capacity) + projects' spending, each counted once
        total_investment = kept["state"].private_investment.sum() + kept["project_spending_real"]
        expected = (1 - delta) * kept["state"].capital.sum() + total_investment - written_off
        assert nxt["state"].capital.sum() == pytest.approx(expected, rel=1e-10)
        closed = book.closed_year[: len(nxt["book_capital"])]
        open_then = (closed == 0) | (closed > year)
        assert nxt["state"].project_capital.sum() == pytest.approx(nxt["book_capital"][open_then].sum(), rel=1e-10)
    assert np.all(model.state.capital >= model.state.project_capital - 1e-9)


def test_incumbents_rate_excludes_the_historical_projects_and_their_suppliers_by_hand():
    # s = 0.4, phi = 0.25, psi = 0.02, c = 0.2: s' = 0.4 (1 - 0.8 x 0.25 - 0.02) = 0.312 (K4)
    rate = capital_rules.autonomous_investment_rate(np.array([0.4, 0.4]), np.array([0.25, 0.0]),
                                                    np.array([0.02, 0.0]), 0.2)
    assert rate.tolist() == pytest.approx([0.312, 0.4])
    # at base-year flows P = phi s Y and I_sup = psi s Y, K5 displaces c P and the total is s Y again
    y = 100.0
    incumbents = capital_rules.crowd_out(np.array([[0.312 * y]]), np.array([0.25 * 0.4 * y]), 0.2)
    assert incumbents.sum() + 0.25 * 0.4 * y + 0.02 * 0.4 * y == pytest.approx(0.4 * y)


def test_crowding_out_takes_c_per_yuan_of_project_spending_pro_rata_and_never_below_zero():
    incumbents = np.array([[30.0, 10.0], [5.0, 5.0]])
    out = capital_rules.crowd_out(incumbents, np.array([8.0, 100.0]), 0.5)
    np.testing.assert_allclose(out[0], [27.0, 9.0])  # 4 of 40 displaced, pro rata
    np.testing.assert_allclose(out[1], [0.0, 0.0])  # more than everything: zero, not negative


def test_capital_labour_and_value_added_are_counted_once_between_projects_and_incumbents(short):
    model = simulate(short.calibration.base, short.params, short.seed, 3)
    book, s = model.transfer.book, model.state
    t = s.year - model.params.start_year
    live = (book.host >= 0) & (book.va_nominal[:, t] > 0)
    shape = s.va_real.shape
    va, jobs = np.zeros(shape), np.zeros(shape)
    np.add.at(va, (book.host[live], book.sector[live]), book.va_nominal[live, t])
    np.add.at(jobs, (book.host[live], book.sector[live]), book.jobs[live, t])
    capital = np.zeros(shape)
    alive = (book.host >= 0) & (book.closed_year == 0)
    np.add.at(capital, (book.host[alive], book.sector[alive]), book.capital[alive])
    assert live.sum() > 100
    # project parts never exceed their city-sector, so the incumbents' rests are non-negative
    assert np.all(va <= s.va_real * s.price_index * (1 + 1e-12))
    assert np.all(jobs <= s.employment * (1 + 1e-12))
    np.testing.assert_allclose(capital, s.project_capital, rtol=1e-12, atol=1e-12)
    # each project's value added and jobs are the same share of its city-sector (J2): jobs/L = VA/Y
    rows = np.flatnonzero(live)
    host, sector = book.host[rows], book.sector[rows]
    np.testing.assert_allclose(book.jobs[rows, t] / s.employment[host, sector],
                               book.va_nominal[rows, t] / (s.va_real[host, sector] * s.price_index), rtol=1e-9)


@pytest.fixture(scope="module")
def paired(baseline_path, repo_root):
    return prepare_scenario(baseline_path), prepare_scenario(repo_root / "scenarios" / "no_transfer.yaml")


@pytest.mark.parametrize("crowding", [0.0, 0.5, 0.9])
def test_projects_raise_the_regions_gdp_over_no_transfer_in_every_paired_run(paired, crowding):
    baseline, none = paired
    gaps = []
    for run in range(4):
        with_projects = simulate(baseline.calibration.base, with_transfer(baseline, crowding_out=crowding),
                                 baseline.seed, run)
        without = simulate(none.calibration.base, with_transfer(none, crowding_out=crowding), none.seed, run)
        assert np.array_equal(with_projects.incumbent_rate, without.incumbent_rate)  # the same incumbents (K4)
        gap = (with_projects.recorder.by_sector["va_real"].sum(axis=(1, 2))
               - without.recorder.by_sector["va_real"].sum(axis=(1, 2)))
        # 2021-2022 use capital installed before any project: identical; the end year is higher in every run
        assert gap[0] == 0.0 and gap[1] == 0.0 and gap[-1] > 0
        if crowding == 0.0:
            assert np.all(gap[2:] > 0)  # no crowding-out: higher from the first installed projects on
        # with strong crowding-out the displaced incumbents' capital is fully productive at once while the
        # projects ramp up (T7): a short dip is possible, the gap is positive once projects reach full production
        assert np.all(gap[5:] > 0)
        gaps.append(gap[-1])
    assert len(without.transfer.book) == 0
    assert min(gaps) > 0


def test_full_crowding_out_removes_the_investment_the_projects_add(paired):
    # c = 1: every yuan the external projects spend displaces a yuan of incumbents' investment (K5)
    baseline, _ = paired
    model = simulate(baseline.calibration.base, with_transfer(baseline, crowding_out=1.0, local_purchase_share=0.0),
                     baseline.seed, 0)
    crowded = model.recorder.by_city["crowded_out_investment"].sum(axis=1)
    spent = model.recorder.by_city["project_investment"].sum(axis=1)
    external = spent  # relocations' spending is not crowded out; they are few: the two agree within them
    assert crowded[1:].sum() == pytest.approx(external[1:].sum(), rel=0.05)
    assert crowded[1:].sum() > 0


def test_enlarging_one_park_leaves_each_runs_arriving_projects_identical(baseline_path, tmp_path):
    bigger = tmp_path / "bigger_park.yaml"
    text = baseline_path.read_text(encoding="utf-8")
    parks = prepare_scenario(baseline_path).loaded.scenario.parks
    import yaml

    document = yaml.safe_load(text)
    document["extends"] = str(baseline_path)
    for key in list(document):
        if key not in ("extends", "parks"):
            document.pop(key)
    document["name"] = "bigger_park"
    document["parks"] = [park.model_dump(mode="json") for park in parks]
    document["parks"][0]["land_capacity"] = 30_000.0
    bigger.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    base, big = prepare_scenario(baseline_path), prepare_scenario(bigger)
    moved = 0
    for run in range(3):
        books = [simulate(p.calibration.base, p.params, p.seed, run).transfer.book for p in (base, big)]
        external = [b.relocated_from < 0 for b in books]
        for column in ("year_arrived", "origin", "sector", "signed_investment"):
            np.testing.assert_array_equal(getattr(books[0], column)[external[0]], getattr(books[1], column)[external[1]])
        moved += int((books[0].host[external[0]] != books[1].host[external[1]]).sum())
    assert moved > 0  # the bigger park changed where some of them went

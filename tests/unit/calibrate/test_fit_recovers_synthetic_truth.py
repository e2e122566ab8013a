"""Synthetic truth: simulate the history configuration with known parameters, calibrate on what it produced,
and recover the parameters the data identify (docs/model.md 5.6)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.calibrate import fit as fitting
from cnyx_sim.calibrate.observations import OBSERVATION_COLUMNS, THREE, information_set
from cnyx_sim.calibrate.run import load_template
from cnyx_sim.calibrate.settings import load_settings

END = 2025


@pytest.fixture(scope="module")
def synthetic(repo_root):
    directory = repo_root / "calibration"
    settings = load_settings(directory)
    template, calibration = load_template(directory)
    geo = calibration.base.geography
    info = information_set(directory, 2021, settings)
    info = dataclasses.replace(info, cutoff=END, inflation=np.full(END - info.start_year + 1, 0.02))
    problem = fitting.build_problem(info, settings, template, geo)
    rng = np.random.default_rng(1)
    names = problem.names
    truth = problem.prior_mean.copy()
    truth[:4] = [0.02, 0.03, 0.015, 0.025]  # mu by group, away from the prior means (0.01)
    for prefix, sd in (("d.", 0.01), ("e.", 0.005)):
        index = [i for i, n in enumerate(names) if n.startswith(prefix)]
        truth[index] = rng.normal(0.0, sd, len(index))
    truth[names.index("log_half_life")] = np.log(12.0)
    truth[names.index("log_investment_scale")] = 0.1
    truth[names.index("log_capital_output_scale")] = -0.2
    # Every unit, every year: real growth and the change of the three nominal shares; small sds so that the
    # data, not the priors, decide wherever they identify.
    rows = []
    for unit in geo.cities.codes:
        for year in range(info.start_year + 1, END + 1):
            common = dict(region=unit, year=year, first_year=year - 1, value=0.0, sd=0.001, quality="official",
                          derived=False, method="synthetic", source="synthetic")
            rows.append(dict(kind="real_growth", group="total", **common))
            rows += [dict(kind="share_change", group=parent, **common) for parent in THREE]
    observations = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)
    observations["value"] = fitting.predict(problem, fitting.backcast(problem, truth), 0.0, observations)
    problem = fitting.build_problem(dataclasses.replace(info, observations=observations), settings, template, geo)
    return problem, truth, fitting.fit(problem)


def test_fit_recovers_each_units_tfp_growth_by_three_sector_parent(synthetic):
    problem, truth, result = synthetic
    true, fitted = fitting.unpack(problem, truth), fitting.unpack(problem, result.theta)
    va = problem.info.start_va
    for parent in range(len(THREE)):
        members = problem.sector_parent == parent
        weights = va[:, members] / va[:, members].sum(axis=1, keepdims=True)
        error = ((fitted.tfp_start - true.tfp_start)[:, members] * weights).sum(axis=1)
        assert np.abs(error).max() < 0.002, THREE[parent]


def test_fit_recovers_the_capital_path_and_the_convergence_half_life(synthetic):
    problem, truth, result = synthetic
    true, fitted = fitting.unpack(problem, truth), fitting.unpack(problem, result.theta)
    assert fitted.half_life == pytest.approx(true.half_life, rel=0.1)
    np.testing.assert_allclose(fitted.investment_rate, true.investment_rate, rtol=0.05)
    np.testing.assert_allclose(fitted.capital_output, true.capital_output, rtol=0.05)


def test_fit_reproduces_the_synthetic_record_and_reports_success(synthetic):
    problem, _, result = synthetic
    assert result.status > 0
    np.testing.assert_allclose(result.fitted, problem.info.observations["value"], atol=5e-4)
    assert result.at_bound == ()


"""Posterior draws: read from the fitted file, applied per run to the point values, shared across variants."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.core.model import CnyxModel
from cnyx_sim.core.params import ParameterDraws
from cnyx_sim.io.draws import DrawsError, column_names, read_draws
from cnyx_sim.pipeline import prepare_scenario


@pytest.fixture(scope="module")
def baseline(baseline_path):
    return prepare_scenario(baseline_path)


def test_baseline_reads_the_fitted_draws_and_parameter_uncertainty_is_on_by_default(baseline):
    draws = baseline.params.parameter_draws
    assert draws is not None and draws.n_draws == 200
    geo = baseline.calibration.base.geography
    assert draws.tfp_initial_growth.shape == (200, geo.n_cities, geo.n_sectors)
    assert draws.capital_output_ratio.shape == (200, geo.n_cities, geo.n_sectors)


def test_with_draw_applies_deviations_to_the_point_values_additively_and_in_logs(baseline):
    p = baseline.params
    drawn = p.with_draw(7)
    d = p.parameter_draws
    np.testing.assert_allclose(drawn.production.tfp_initial_growth,
                               p.production.tfp_initial_growth + d.tfp_initial_growth[7], rtol=1e-15)
    np.testing.assert_allclose(drawn.capital.capital_output_ratio,
                               np.asarray(p.capital.capital_output_ratio) * np.exp(d.capital_output_ratio[7]))
    np.testing.assert_allclose(drawn.capital.investment_rate, p.capital.investment_rate * np.exp(d.investment_rate[7]))
    assert drawn.production.tfp_convergence_half_life == pytest.approx(
        p.production.tfp_convergence_half_life * np.exp(d.tfp_convergence_half_life[7]))
    # a parameter changed after loading keeps the draw around its own value (sweeps, overrides)
    swept = dataclasses.replace(p, capital=dataclasses.replace(p.capital, investment_rate=p.capital.investment_rate * 0 + 0.3))
    np.testing.assert_allclose(swept.with_draw(7).capital.investment_rate, 0.3 * np.exp(d.investment_rate[7]))


def test_each_run_uses_one_draw_chosen_by_its_own_stream_the_same_in_every_variant(baseline, tmp_path):
    p = baseline.params
    base = baseline.calibration.base
    draws = [CnyxModel(base, p, seed=11, run=r).parameter_draw for r in range(30)]
    assert len(set(draws)) > 10 and all(0 <= d < 200 for d in draws)
    # another variant (different policy parameters, same seed): the same draw for every run
    other = dataclasses.replace(p, fiscal=dataclasses.replace(p.fiscal, growth_target=0.05))
    assert [CnyxModel(base, other, seed=11, run=r).parameter_draw for r in range(30)] == draws


def test_parameter_uncertainty_off_gives_point_values_in_every_run(tmp_path, baseline_path):
    path = tmp_path / "point.yaml"
    path.write_text(f"extends: {baseline_path}\nname: point\ncalibration:\n  parameter_uncertainty: false\n",
                    encoding="utf-8")
    prepared = prepare_scenario(path)
    assert prepared.params.parameter_draws is None
    model = CnyxModel(prepared.calibration.base, prepared.params, seed=1, run=3)
    assert model.parameter_draw == -1
    np.testing.assert_array_equal(model.tfp_initial_growth, prepared.params.production.tfp_initial_growth)


def test_draws_file_with_an_unknown_column_is_refused_with_its_name(tmp_path, baseline):
    geo = baseline.calibration.base.geography
    frame = pd.DataFrame({"draw": [0], "tfp_initial_growth.atlantis.industry": [0.01]})
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(DrawsError, match="unknown column 'tfp_initial_growth.atlantis.industry'"):
        read_draws(tmp_path / "d.csv", geo)


def test_draws_file_with_a_non_finite_value_is_refused(tmp_path, baseline):
    geo = baseline.calibration.base.geography
    pd.DataFrame({"draw": [0, 1], "investment_rate": [0.1, float("inf")]}).to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(DrawsError, match="every deviation must be a finite number"):
        read_draws(tmp_path / "d.csv", geo)


def test_a_group_column_applies_to_every_sector_of_the_group(tmp_path, baseline):
    geo = baseline.calibration.base.geography
    pd.DataFrame({"draw": [0], "tfp_initial_growth.zigong.industry": [0.004]}).to_csv(tmp_path / "d.csv", index=False)
    deviations = read_draws(tmp_path / "d.csv", geo)
    industry = np.asarray(geo.is_industry)
    np.testing.assert_array_equal(deviations.tfp[0, 0, industry], 0.004)
    assert np.all(deviations.tfp[0, 0, ~industry] == 0) and np.all(deviations.tfp[0, 1:] == 0)
    assert set(column_names(geo)) >= {"draw", "investment_rate", "tfp_convergence_half_life"}


def test_tfp_draws_are_not_applied_to_the_p6_fallback(baseline):
    p = baseline.params
    fallback = dataclasses.replace(p, production=dataclasses.replace(p.production, tfp_initial_growth=None))
    assert fallback.with_draw(3).production.tfp_initial_growth is None
    assert isinstance(p.parameter_draws, ParameterDraws)

"""The EMA Workbench adapter drives experiments (skipped when ema_workbench is not installed; it is in the
dev extras, so CI runs it)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

import cnyx_sim  # noqa: E402
from cnyx_sim.ema import build_model, ema_name  # noqa: E402
from cnyx_sim.scenario.errors import ScenarioError  # noqa: E402

OUTCOMES = ["gdp_nominal@2025", "yibin:tax_local_after_sharing@2025", "target:gdp_nominal_2025"]


@pytest.fixture(scope="module")
def model():
    return build_model("baseline",
                       uncertainties={"production.tfp_long_run_growth": (0.005, 0.02),
                                      "macro.deflator_growth": (0.0, 0.03)},
                       levers={"fiscal.growth_target": (0.07, 0.10)},
                       outcomes=OUTCOMES, constants={"years.end": 2025})


def test_eight_experiments_run_and_each_outcome_is_the_models(model):
    from ema_workbench import SequentialEvaluator

    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4, policies=2)
    assert len(experiments) == 8
    assert set(outcomes) == {"gdp_nominal_2025", "yibin__tax_local_after_sharing_2025", "p_met__gdp_nominal_2025"}
    assert all(len(v) == 8 and np.isfinite(v).all() for v in outcomes.values())
    assert len(np.unique(outcomes["gdp_nominal_2025"])) > 1     # the sampled parameters matter
    # Experiment 5 again, directly: same overrides, same numbers.
    row = experiments.iloc[5]
    out = cnyx_sim.run("baseline", write=False, overrides={
        "years.end": 2025, "production.tfp_long_run_growth": float(row["production__tfp_long_run_growth"]),
        "macro.deflator_growth": float(row["macro__deflator_growth"]),
        "fiscal.growth_target": float(row["fiscal__growth_target"])})
    gdp = out["trajectories"].query("region == 'cnyx' and variable == 'gdp_nominal' and year == 2025")["value"]
    assert outcomes["gdp_nominal_2025"][5] == pytest.approx(float(gdp.mean()), rel=1e-12)


def test_parameters_levers_and_outcomes_carry_identifier_names(model):
    assert [u.name for u in model.uncertainties] == ["production__tfp_long_run_growth", "macro__deflator_growth"]
    assert [lever.name for lever in model.levers] == ["fiscal__growth_target"]
    assert ema_name("yibin:gdp_nominal@2035") == "yibin__gdp_nominal_2035"


def test_a_range_the_schema_rejects_fails_when_the_model_is_built():
    with pytest.raises(ScenarioError, match="override production.tfp_long_run_growth"):
        build_model("baseline", uncertainties={"production.tfp_long_run_growth": (0.0, 0.5)})

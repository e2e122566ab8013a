"""Sensitivity indices agree with SALib's analyzers on the same design and outputs, confidence intervals
included; batch folders carry SALib's problem and rows in SALib's order."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.batch.design import (Sweep, SweepParameter, elementary_effects, load_sweep, morris_confidence,
                                   morris_effects, morris_unit_points, salib_outputs, sample_points,
                                   sobol_confidence, sobol_indices)

SALib = pytest.importorskip("SALib")
from SALib.analyze import morris as salib_morris  # noqa: E402
from SALib.analyze import sobol as salib_sobol  # noqa: E402

PI = float(np.pi)


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def _sweep(method: str, samples: int, seed: int = 5) -> Sweep:
    params = tuple(SweepParameter(f"a.x{i}", low=-PI, high=PI) for i in range(3))
    return Sweep("sweep.yaml", method, samples, seed, params, (), {}, {})


PROBLEM = {"num_vars": 3, "names": ["x0", "x1", "x2"], "bounds": [[-PI, PI]] * 3}


def test_sobol_indices_and_intervals_equal_salibs_on_our_design():
    y = ishigami(sample_points(_sweep("saltelli", 64)))
    salib = salib_sobol.analyze(PROBLEM, y, calc_second_order=False, num_resamples=500, seed=9)
    first, total = sobol_indices(y, 3)
    first_conf, total_conf = sobol_confidence(y, 3, num_resamples=500, seed=9)
    np.testing.assert_allclose(first, salib["S1"], atol=1e-12)
    np.testing.assert_allclose(total, salib["ST"], atol=1e-12)
    np.testing.assert_allclose(first_conf, salib["S1_conf"], atol=1e-12)
    np.testing.assert_allclose(total_conf, salib["ST_conf"], atol=1e-12)


def test_our_saltelli_rows_are_in_salibs_block_order():
    x = sample_points(_sweep("saltelli", 4)).reshape(4, 5, 3)
    a, b = x[:, 0], x[:, 4]
    for i in range(3):
        expected = a.copy()
        expected[:, i] = b[:, i]
        np.testing.assert_array_equal(x[:, 1 + i], expected)


def test_morris_indices_and_mu_star_interval_equal_salibs():
    sweep = Sweep("sweep.yaml", "morris", 12, 3, _sweep("morris", 12).parameters, (), {}, {}, 4)
    unit = morris_unit_points(sweep)
    x = -PI + 2 * PI * unit
    y = ishigami(x)
    salib = salib_morris.analyze(PROBLEM, x, y, num_levels=4, num_resamples=500, seed=9)
    mu_star, mu, sigma = morris_effects(y, unit, sweep.morris_step)
    conf = morris_confidence(elementary_effects(y, unit, sweep.morris_step), num_resamples=500, seed=9)
    np.testing.assert_allclose(mu_star, salib["mu_star"], atol=1e-12)
    np.testing.assert_allclose(mu, salib["mu"], atol=1e-12)
    np.testing.assert_allclose(sigma, salib["sigma"], atol=1e-12)
    np.testing.assert_allclose(conf, salib["mu_star_conf"], atol=1e-12)


def test_intervals_shrink_with_more_base_points():
    small = sobol_confidence(ishigami(sample_points(_sweep("saltelli", 32))), 3)[1]
    large = sobol_confidence(ishigami(sample_points(_sweep("saltelli", 512))), 3)[1]
    assert np.all(large < small)


@pytest.fixture(scope="module")
def saltelli_batch(tmp_path_factory, repo_root):
    from cnyx_sim.batch.engine import run_batch

    root = tmp_path_factory.mktemp("salib")
    short = root / "short.yaml"
    short.write_text(f"extends: {repo_root / 'scenarios' / 'baseline.yaml'}\nname: short\n"
                     "years: {start: 2021, end: 2024}\nparks: []\nsharing: {agreements: []}\n", encoding="utf-8")
    sweep = root / "sweep.yaml"
    sweep.write_text("sweep:\n  method: saltelli\n  samples: 4\n  seed: 2\n  parameters:\n"
                     "    production.tfp_long_run_growth: {low: 0.0, high: 0.05}\n"
                     "    macro.deflator_growth: {low: 0.0, high: 0.04}\n"
                     "  sensitivity: {outcomes: [gdp_nominal@2024]}\n", encoding="utf-8")
    run_batch([short], runs=1, out=root / "b", sweep=sweep)
    return root


def test_a_batch_writes_salibs_problem_and_outputs_salib_can_analyse(saltelli_batch):
    folder = saltelli_batch / "b"
    record = json.loads((folder / "salib_problem.json").read_text(encoding="utf-8"))
    assert record["problem"] == {"num_vars": 2, "names": ["production.tfp_long_run_growth", "macro.deflator_growth"],
                                 "bounds": [[0.0, 0.05], [0.0, 0.04]]}
    assert record["row_order"].startswith("per base point: A, AB_1..AB_d, B")
    problem, x, y = salib_outputs(folder, "gdp_nominal@2024")
    np.testing.assert_allclose(x, sample_points(load_sweep(saltelli_batch / "sweep.yaml")))
    salib = salib_sobol.analyze(problem, y, calc_second_order=False, seed=3)
    table = pd.read_csv(folder / "sensitivity.csv")
    np.testing.assert_allclose(table["first_order"], salib["S1"], atol=1e-10)
    np.testing.assert_allclose(table["total"], salib["ST"], atol=1e-10)
    assert table["first_order_conf"].notna().all() and (table["total_conf"] >= 0).all()


def test_a_folder_in_the_old_row_order_is_reordered_for_salib(saltelli_batch, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(saltelli_batch / "b", old)
    (old / "salib_problem.json").unlink()
    samples = pd.read_csv(old / "samples.csv")
    # Rewrite the folder as the pre-issue-11 engine did: rows A, B, AB_1..d per base point (d = 2).
    order = np.arange(len(samples)).reshape(-1, 4)[:, [0, 3, 1, 2]].reshape(-1)
    names = samples["scenario"].to_numpy()
    renamed = dict(zip(names[order], names))          # point at new position k was written as variant k
    samples.iloc[:, 3:] = samples.iloc[order, 3:].to_numpy()
    samples.to_csv(old / "samples.csv", index=False)
    traj = pd.read_parquet(old / "trajectories")
    traj["scenario"] = traj["scenario"].map(renamed)
    shutil.rmtree(old / "trajectories")
    (old / "trajectories").mkdir()
    traj.to_parquet(old / "trajectories" / "part-v0000-r0000000.parquet", index=False)
    with pytest.raises(ValueError, match="sweep="):
        salib_outputs(old, "gdp_nominal@2024")
    problem, x, y = salib_outputs(old, "gdp_nominal@2024", sweep=saltelli_batch / "sweep.yaml")
    _, x_new, y_new = salib_outputs(saltelli_batch / "b", "gdp_nominal@2024")
    np.testing.assert_allclose(x, x_new)
    np.testing.assert_allclose(y, y_new)

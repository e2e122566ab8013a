"""Every shipped sweep file validates against the baseline (its samples pass scenario validation)."""

from __future__ import annotations

import pytest

from cnyx_sim.batch.plan import plan_batch


@pytest.mark.parametrize("sweep_name", ["growth_uncertainty.yaml"])
def test_shipped_sweep_plans_valid_variants_of_the_baseline(repo_root, sweep_name):
    sweep = repo_root / "scenarios" / "sweeps" / sweep_name
    assert sweep.is_file()
    plan = plan_batch([repo_root / "scenarios" / "baseline.yaml"], runs=1, sweep=sweep)
    names = [variant.name for variant in plan.variants]
    assert len(names) == 16 and len(set(names)) == 16
    assert all(name.startswith("baseline.s") for name in names)

"""``cnyx-sim compare``: paired differences by run index, checked by hand on a tiny batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cnyx_sim
from cnyx_sim.batch.compare import key_outcomes, paired_summary
from cnyx_sim.cli import main

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def tiny_batch(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("compare")
    short = root / "short.yaml"
    short.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2025}}\n", encoding="utf-8")
    policy = root / "policy.yaml"
    policy.write_text(f"extends: {short}\nname: policy\nproduction: {{tfp_long_run_growth: 0.03}}\n",
                      encoding="utf-8")
    out = root / "batch"
    assert main(["batch", str(short), str(policy), "--runs", "4", "--out", str(out), "--quiet"]) == 0
    return out


def test_paired_summary_matches_a_hand_computation():
    base = pd.Series([10.0, 20.0, 30.0, 40.0], index=[0, 1, 2, 3])
    variant = pd.Series([11.0, 23.0, 30.0, 44.0, 99.0], index=[0, 1, 2, 3, 4])  # run 4 has no pair
    out = paired_summary(base, variant)
    # differences by run: 1, 3, 0, 4 -> sorted 0, 1, 3, 4; median 2; p5 = 0 + 0.15 * 1; p95 = 3 + 0.85 * 1
    assert out["n_pairs"] == 4
    assert out["diff_median"] == pytest.approx(2.0)
    assert out["diff_p05"] == pytest.approx(0.15)
    assert out["diff_p95"] == pytest.approx(3.85)
    assert out["baseline_median"] == pytest.approx(25.0)
    assert out["variant_median"] == pytest.approx(26.5)  # (23 + 30) / 2, the unpaired run 4 left out


def test_pairing_is_by_run_index_not_by_sorted_values():
    # Sorted-value differences would be all zero; paired ones are not.
    base = pd.Series([1.0, 2.0, 3.0], index=[0, 1, 2])
    variant = pd.Series([3.0, 1.0, 2.0], index=[0, 1, 2])
    out = paired_summary(base, variant)
    assert out["diff_median"] == pytest.approx(-1.0)
    assert out["diff_p95"] > 1.5


def test_compare_csv_equals_hand_computed_paired_differences(tiny_batch, capsys):
    assert main(["compare", str(tiny_batch), "--min-pairs", "4"]) == 0
    printed = capsys.readouterr().out
    assert "policy vs short" in printed
    assert "GDP credited: absent" in printed or "gdp_credited_nominal" in printed
    table = pd.read_csv(tiny_batch / "compare.csv")
    traj = cnyx_sim.load(tiny_batch)["trajectories"]
    for region in ("cnyx", "yibin"):
        rows = traj.query("variable == 'gdp_nominal' and sector == 'total' and year == 2025 and region == @region")
        base = rows[rows["scenario"] == "short"].sort_values("run")["value"].to_numpy()
        policy = rows[rows["scenario"] == "policy"].sort_values("run")["value"].to_numpy()
        diff = policy - base
        got = table.query("kind == 'paired_difference' and outcome == 'gdp_nominal' and region == @region "
                          "and year == 2025").iloc[0]
        assert got["n_pairs"] == 4
        assert got["diff_median"] == pytest.approx(np.median(diff), rel=1e-12)
        assert got["diff_p05"] == pytest.approx(np.percentile(diff, 5), rel=1e-12)
        assert got["diff_p95"] == pytest.approx(np.percentile(diff, 95), rel=1e-12)
    targets = cnyx_sim.load(tiny_batch)["targets"]
    met = targets.query("scenario == 'policy' and target == 'gdp_nominal_2025'")["met"].mean()
    got = table.query("kind == 'p_target_met' and variant == 'policy' and outcome == 'gdp_nominal_2025'")
    assert got["variant_median"].iloc[0] == pytest.approx(met)


def test_baseline_option_reverses_the_sign(tiny_batch):
    from cnyx_sim.batch.compare import compare

    forward, _ = compare([tiny_batch])
    backward, _ = compare([tiny_batch], baseline="policy")
    pick = "kind == 'paired_difference' and outcome == 'gdp_nominal' and region == 'cnyx'"
    assert backward.query(pick)["diff_median"].to_numpy() == pytest.approx(-forward.query(pick)["diff_median"].to_numpy())


def test_two_run_folders_compare_like_a_batch(tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2025}}\n", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"extends: {short}\nname: policy\nproduction: {{tfp_long_run_growth: 0.03}}\n")
    cnyx_sim.run(short, runs=2, out=tmp_path / "a")
    cnyx_sim.run(policy, runs=2, out=tmp_path / "b")
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    assert not (tmp_path / "a" / "compare.csv").exists()   # never written into a run folder (issue 12)
    table = pd.read_csv(tmp_path / "compare-b-vs-a.csv")
    assert set(table["variant"]) == {"policy"} and set(table["baseline"]) == {"short"}  # no self-comparison
    assert (table.query("kind == 'paired_difference'")["n_pairs"] == 2).all()


def test_unknown_baseline_is_bad_input(tiny_batch, capsys):
    assert main(["compare", str(tiny_batch), "--baseline", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_key_outcomes_use_what_is_present_and_name_what_is_absent():
    outcomes, notes = key_outcomes({"gdp_nominal", "tax_local_collected"})
    assert [o.variable for o in outcomes] == ["gdp_nominal", "tax_local_collected"]
    assert len(notes) == 3
    outcomes, notes = key_outcomes({"gdp_nominal", "gdp_credited_nominal", "tax_local_after_sharing",
                                    "projects_arrived", "tax_local_collected"})
    assert [o.variable for o in outcomes] == ["gdp_nominal", "gdp_credited_nominal", "tax_local_after_sharing",
                                              "projects_arrived"]
    assert notes == []


# -- issue 11/12: labels, self-comparison, warnings, minimum pairs, failed runs, run folders ---------------
def test_the_chosen_baseline_is_labelled_by_name_and_never_compared_with_itself(tiny_batch, capsys):
    from cnyx_sim.batch.compare import compare

    table, _ = compare([tiny_batch], baseline="policy")
    assert set(table["variant"]) == {"short"} and set(table["baseline"]) == {"policy"}
    assert main(["compare", str(tiny_batch), "--baseline", "policy", "--csv", str(tiny_batch.parent / "c.csv")]) == 0
    printed = capsys.readouterr().out
    assert "short vs policy (baseline)" in printed
    assert "variant" not in printed.split("note:")[0]   # columns are headed by scenario names


def test_no_interval_below_the_minimum_number_of_pairs(tiny_batch):
    from cnyx_sim.batch.compare import compare

    table, notes = compare([tiny_batch])                 # 4 pairs < 20
    paired = table[table["kind"] == "paired_difference"]
    assert paired["diff_median"].notna().all()
    assert paired["diff_p05"].isna().all() and paired["diff_p95"].isna().all()
    assert any("at least 20 paired runs" in n for n in notes)
    table, notes = compare([tiny_batch], min_pairs=4)
    assert table.loc[table["kind"] == "paired_difference", "diff_p05"].notna().all()
    assert not any("paired runs" in n for n in notes)


def test_failed_runs_and_differing_run_sets_are_reported(tmp_path, monkeypatch):
    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2025}}\n", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"extends: {short}\nname: policy\nproduction: {{tfp_long_run_growth: 0.03}}\n", encoding="utf-8")
    from cnyx_sim.batch import worker

    real = worker.run_tables

    def run_tables(prepared, run):  # run 2 of policy fails (in-process executor: workers 1)
        if (prepared.name, run) == ("policy", 2):
            raise RuntimeError("deliberate failure")
        return real(prepared, run)

    monkeypatch.setattr(worker, "run_tables", run_tables)
    assert main(["batch", str(short), str(policy), "--runs", "3", "--out", str(tmp_path / "b"), "--quiet"]) == 3
    from cnyx_sim.batch.compare import compare

    table, notes = compare([tmp_path / "b"])
    text = "\n".join(notes)
    assert "failed runs: policy runs 2" in text
    assert "the run sets differ: policy has 2 run(s), short 3" in text
    assert (table.loc[table["kind"] == "paired_difference", "n_pairs"] == 2).all()


def test_different_seeds_give_a_warning(tmp_path):
    from cnyx_sim.batch.compare import compare

    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2023}}\n", encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {short}\nname: other\nseed: 99\n", encoding="utf-8")
    cnyx_sim.run(short, out=tmp_path / "a")
    cnyx_sim.run(other, out=tmp_path / "b")
    _, notes = compare([tmp_path / "a", tmp_path / "b"])
    assert any(n.startswith("warning: other has seed 99 and short seed") for n in notes)


def test_compare_never_writes_into_a_run_folder(tmp_path, capsys):
    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2023}}\n", encoding="utf-8")
    cnyx_sim.run(short, out=tmp_path / "a")
    cnyx_sim.run(short, out=tmp_path / "b")
    before = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--csv", str(tmp_path / "a" / "x.csv")]) == 2
    assert "never writes into a run folder" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "a")]) == 0          # one run folder: CSV beside it
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == before
    assert (tmp_path / "compare-a.csv").is_file()

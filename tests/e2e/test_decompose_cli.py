"""``cnyx-sim decompose`` end to end on a short horizon: the channels add up to the total in channels.csv,
2 workers give the same numbers as 1, the full coalition reproduces a plain run of the variant, bad input is
one line with exit 2 and nothing written, and an interrupted write leaves no partial channels.csv."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
VARIABLES = "gdp_nominal,population,tax_local_after_sharing"


@pytest.fixture(scope="module")
def short(tmp_path_factory) -> tuple[Path, Path]:
    """deep_integration and no_integration over 2021-2025 (six channels, the 2024 lever dates inside)."""
    folder = tmp_path_factory.mktemp("scenarios")
    files = []
    for name in ("deep_integration", "no_integration"):
        path = folder / f"short_{name}.yaml"
        path.write_text(f"extends: {SCENARIOS / name}.yaml\nname: short_{name}\nyears: {{start: 2021, end: 2025}}\n",
                        encoding="utf-8")
        files.append(path)
    return files[0], files[1]


def _decompose(short, out: Path, *extra: str) -> int:
    variant, base = short
    return main(["decompose", str(variant), "--against", str(base), "--runs", "2", "--out", str(out),
                 "--variables", VARIABLES, "--quiet", *extra])


@pytest.fixture(scope="module")
def one_worker(short, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one") / "dec"
    assert _decompose(short, out) == 0
    return out


def test_channel_means_add_up_to_the_total_mean(one_worker):
    table = pd.read_csv(one_worker / "channels.csv")
    assert list(table.columns[:7]) == ["channel", "variable", "year", "mean", "median", "p05", "p95"]
    assert set(table["channel"]) == {"competition", "incentives", "market_access", "public_services", "statistics", "tax_sharing",
                                     "total"}
    assert set(table["variable"]) == set(VARIABLES.split(",")) and set(table["year"]) == set(range(2021, 2026))
    parts = table[table["channel"] != "total"].groupby(["variable", "year"])["mean"].sum()
    total = table[table["channel"] == "total"].set_index(["variable", "year"])["mean"]
    np.testing.assert_allclose(parts.sort_index(), total.sort_index(), rtol=1e-12, atol=1e-9)
    # The levers of 2024 move GDP by 2025: the decomposition is not of a zero difference.
    assert abs(total["gdp_nominal", 2025]) > 1.0


def test_the_total_is_the_variant_minus_the_base_run_by_run(one_worker, short, tmp_path):
    variant, base = short
    traj = pd.read_parquet(one_worker / "trajectories")
    region = traj[(traj["region"] == "cnyx") & (traj["variable"] == "gdp_nominal") & (traj["year"] == 2025)]
    by = region.set_index(["scenario", "run"])["value"]
    plain = {}
    for path in (variant, base):
        out = tmp_path / path.stem
        assert main(["run", str(path), "--runs", "2", "--out", str(out)]) == 0
        run = pd.read_parquet(out / "trajectories.parquet")
        plain[path.stem] = run[(run["region"] == "cnyx") & (run["variable"] == "gdp_nominal")
                               & (run["year"] == 2025)].set_index("run")["value"]
    full = max(s for s, _ in by.index)
    for r in range(2):
        assert by["coalition_0000", r] == plain[base.stem][r]
        assert by[full, r] == plain[variant.stem][r]
    info = json.loads((one_worker / "decompose.json").read_text(encoding="utf-8"))
    assert info["coalitions"][-1]["name"] == full and info["runs_used"] == 2 and info["seed"] == 20230302
    assert [c["name"] for c in info["channels"]][-1] == "tax_sharing"
    assert "sharing.agreements" in info["channels"][-1]["key_paths"]


def test_two_workers_give_the_same_numbers_as_one(one_worker, short, tmp_path):
    out = tmp_path / "two"
    assert _decompose(short, out, "--workers", "2") == 0
    assert (out / "channels.csv").read_bytes() == (one_worker / "channels.csv").read_bytes()


def test_the_summary_shows_channels_total_and_interval(one_worker, short, capsys):
    assert _decompose(short, one_worker, "--resume") == 0
    text = capsys.readouterr().out
    assert "into 6 channel(s):\n  2^6 = 64 coalitions x 2 runs" in text
    assert "Region GDP, nominal" in text and "2025" in text and "\ntotal " in text
    assert all(len(line) <= 100 for line in text.splitlines() if "channels.csv" not in line), text


@pytest.mark.parametrize("argv, expected", [
    (["no_such_scenario", "--against", "baseline"], "not a bundled scenario"),
    (["baseline", "--against", "baseline"], "nothing to decompose"),
    (["baseline", "--against", "no_parks"], "not a valid scenario"),
    (["baseline", "--against", "no_integration", "--variables", "gdp"], "unknown variable"),
    (["baseline", "--against", "no_integration", "--merge", "parks,statistics"], "'parks' is not one of them"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(argv, expected, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["decompose", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1
    assert not out.exists()


def test_more_channels_than_the_limit_is_refused_unless_lifted(tmp_path, capsys, monkeypatch):
    import cnyx_sim.limits as limits

    monkeypatch.setattr(limits, "DEFAULT_LIMITS", limits.Limits(decompose_channels=2))
    out = tmp_path / "out"
    assert main(["decompose", "baseline", "--against", "no_integration", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "4 channels" in err and "--lift-limits" in err and not out.exists()


def test_an_interrupted_write_leaves_no_partial_channels_csv(short, tmp_path, monkeypatch):
    import cnyx_sim.batch.store as store

    real = store.os.replace

    def failing(src, dst):
        if Path(dst).name == "channels.csv":
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(store.os, "replace", failing)
    out = tmp_path / "dec"
    variant, base = short
    code = main(["decompose", str(variant), "--against", str(base), "--runs", "1", "--out", str(out), "--quiet",
                 "--variables", "gdp_nominal"])
    assert code == 2
    assert not (out / "channels.csv").exists() and not (out / "decompose.json").exists()
    assert not list(out.glob(".*.tmp"))


def test_the_python_api_gives_the_table_of_channels_csv(one_worker, short):
    import cnyx_sim

    variant, base = short
    result = cnyx_sim.decompose(variant, base, runs=2, out=one_worker, variables=VARIABLES.split(","), resume=True)
    written = pd.read_csv(one_worker / "channels.csv")
    pd.testing.assert_frame_equal(result.table.reset_index(drop=True), written, check_dtype=False)


def test_a_run_that_fails_in_one_coalition_is_left_out_and_exit_3(short, tmp_path, monkeypatch, capsys):
    import cnyx_sim.batch.worker as worker

    real = worker.run_tables

    def flaky(prepared, run):
        if prepared.name == "coalition_0003" and run == 1:
            raise RuntimeError("boom")
        return real(prepared, run)

    monkeypatch.setattr(worker, "run_tables", flaky)
    out = tmp_path / "dec"
    variant, base = short
    code = main(["decompose", str(variant), "--against", str(base), "--runs", "2", "--out", str(out), "--quiet",
                 "--variables", "gdp_nominal"])
    assert code == 3
    assert "coalition_0003 run 1" in capsys.readouterr().err
    info = json.loads((out / "decompose.json").read_text(encoding="utf-8"))
    assert info["runs_used"] == 1 and info["runs_dropped"] == [1]
    assert set(pd.read_csv(out / "channels.csv")["runs"]) == {1}


def test_the_scenario_files_warnings_are_printed_once_per_file(tmp_path, capsys):
    files = []
    for name in ("baseline", "no_integration"):
        path = tmp_path / f"{name}_2024.yaml"
        path.write_text(f"extends: {SCENARIOS / name}.yaml\nname: {name}_2024\nyears: {{start: 2021, end: 2024}}\n",
                        encoding="utf-8")
        files.append(path)
    assert main(["decompose", str(files[0]), "--against", str(files[1]), "--runs", "1", "--out",
                 str(tmp_path / "dec"), "--quiet", "--variables", "gdp_nominal"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: ") == 2 and "regime_date: no effect" in err

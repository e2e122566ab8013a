"""``cnyx_sim.plots`` and ``cnyx-sim plot``: the figures draw what the tables say, Chinese labels render with
the bundled font (no missing glyphs), the report holds the target table, and run folders are left alone."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

import cnyx_sim  # noqa: E402
import cnyx_sim.plots as cp  # noqa: E402
from cnyx_sim import labels  # noqa: E402
from cnyx_sim.analysis.fonts import has_glyphs  # noqa: E402
from cnyx_sim.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("plots") / "b"
    cnyx_sim.run_batch(["baseline", "no_integration"], runs=3, out=out)
    return out


@pytest.fixture(scope="module")
def tables(batch):
    return cnyx_sim.load(batch)


def test_the_bundled_font_has_every_chinese_label_the_package_draws(repo_root):
    texts = [zh for zh, _ in labels.VARIABLES.values()] + [t.zh for t in labels.TARGETS.values()]
    texts += list(pd.read_csv(repo_root / "calibration" / "regions.csv")["name_zh"])
    texts += [zh for zh, _ in cp_origin_labels()] + ["川南渝西", "年份", "亿元(现价)", "交互/残差", "区外(未落地)"]
    missing = [t for t in texts if not has_glyphs(t)]
    assert not missing


def cp_origin_labels():
    from cnyx_sim.analysis.figures import ORIGIN_LABELS

    return ORIGIN_LABELS.values()


def test_chinese_figures_render_without_missing_glyphs(tables):
    names = cp.unit_names()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        for fig in (cp.fan_chart(tables["trajectories"], "gdp_nominal", tables["targets"], names=names),
                    cp.unit_small_multiples(tables["trajectories"], "gdp_real", names),
                    cp.project_flows(tables["projects"], names)):
            fig.canvas.draw()


def test_fan_chart_median_line_and_target_threshold(tables):
    traj, targets = tables["trajectories"], tables["targets"]
    fig = cp.fan_chart(traj, "gdp_nominal", targets, lang="en")
    ax = fig.axes[0]
    line = next(l for l in ax.get_lines() if l.get_label() == "baseline")
    expected = traj.query("scenario == 'baseline' and region == 'cnyx' and variable == 'gdp_nominal'"
                          ).groupby("year")["value"].median()
    np.testing.assert_allclose(line.get_ydata(), expected.to_numpy())
    threshold = targets.query("target == 'gdp_nominal_2025'")["threshold"].median()
    star = next(l for l in ax.get_lines() if "target threshold" in l.get_label())
    assert star.get_ydata()[0] == pytest.approx(threshold)


def test_target_dashboard_shows_the_share_of_runs_meeting_each_target(tables):
    targets = tables["targets"]
    fig = cp.target_dashboard(targets)
    shown = fig.axes[0].images[0].get_array()
    expected = targets.pivot_table(index="target", columns="scenario", values="met", aggfunc="mean")
    expected = expected.reindex(index=list(dict.fromkeys(targets["target"])), columns=["baseline", "no_integration"])
    np.testing.assert_allclose(np.asarray(shown), expected.to_numpy(dtype=float))


def test_difference_vs_baseline_is_the_paired_median(tables):
    traj = tables["trajectories"]
    fig = cp.difference_vs_baseline(traj, "no_integration", "gdp_nominal", min_pairs=2)
    line = fig.axes[0].get_lines()[0]
    wide = traj.query("region == 'cnyx' and variable == 'gdp_nominal'").pivot_table(
        index=["scenario", "run"], columns="year", values="value")
    diff = (wide.loc["baseline"] - wide.loc["no_integration"]).median()
    np.testing.assert_allclose(line.get_ydata(), diff.to_numpy())


def test_channel_waterfall_closes_on_the_total_with_an_interaction_bar():
    channels = pd.DataFrame({
        "channel": ["a", "b", "total"], "variable": "gdp_nominal", "year": 2035,
        "mean": [10.0, -4.0, 9.0], "median": [10.0, -4.0, 9.0], "p05": [5.0, -6.0, 4.0], "p95": [15.0, -2.0, 14.0]})
    fig = cp.channel_waterfall(channels, lang="en")
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    bottoms = [p.get_y() for p in ax.patches]
    assert heights == pytest.approx([10.0, -4.0, 3.0, 9.0])      # a, b, interaction (9 - 6), total
    assert bottoms == pytest.approx([0.0, 10.0, 6.0, 0.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "interaction", "total"]


def test_plot_verb_writes_figures_and_a_report_with_the_target_table(batch, tmp_path):
    out = tmp_path / "figs"
    assert main(["plot", str(batch), "--out", str(out), "--lang", "en", "--baseline", "no_integration"]) == 0
    pngs = sorted(p.name for p in out.glob("*.png"))
    for name in ("fan_gdp_nominal.png", "targets.png", "units_gdp_real.png", "diff_gdp_nominal.png",
                 "ledgers_by_unit.png", "project_flows_baseline.png"):
        assert name in pngs
    assert all((out / p).stat().st_size > 10_000 for p in pngs)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| target | code | scenario | P(met) |" in report and "gdp_nominal_2025" in report
    assert all(f"]({p})" in report for p in pngs)
    assert "<table" in (out / "report.html").read_text(encoding="utf-8")


def test_plot_of_a_run_folder_writes_beside_it_and_never_into_it(tmp_path, capsys):
    run_dir = tmp_path / "r"
    cnyx_sim.run("baseline", out=run_dir, overrides={"years.end": 2025})
    before = sorted(p.name for p in run_dir.iterdir())
    assert main(["plot", str(run_dir), "--out", str(run_dir / "figs")]) == 2
    assert "never writes into a run folder" in capsys.readouterr().err
    assert main(["plot", str(run_dir)]) == 0
    assert sorted(p.name for p in run_dir.iterdir()) == before
    assert (tmp_path / "r-figures" / "report.html").is_file()


def test_plot_without_matplotlib_is_bad_input_naming_the_extra(batch, tmp_path, monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)     # as if the plot extra were not installed
    assert main(["plot", str(batch), "--out", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cnyx-sim[plot]" in err
    assert not (tmp_path / "f").exists()

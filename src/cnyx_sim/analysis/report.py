"""``cnyx-sim plot DIR``: every figure of a run or batch folder as PNG, plus report.md and report.html.

The report holds the target table (P(target met) per scenario, median value against its threshold) and the
figures. Figures are written into ``--out`` (default: ``DIR/figures`` for a batch folder, ``DIR-figures``
beside a run folder: a run folder is only ever written by ``cnyx-sim run``).
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cnyx_sim.analysis import figures as fg
from cnyx_sim.labels import REGION_NAME, format_target_value, target_label, unit_names

FAN_VARIABLES = ("gdp_nominal", "gdp_real", "industry_va_real", "population")
DIFFERENCE_VARIABLES = ("gdp_nominal", "tax_local_after_sharing")


@dataclass
class Report:
    out_dir: Path
    figures: list[Path] = field(default_factory=list)
    markdown: Path | None = None
    html: Path | None = None


def _atomic_bytes(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_figure(fig, path: Path, dpi: int = 130) -> Path:
    """Write ``fig`` as PNG atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_bytes(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png"))
    return path


def names_for(folder: Path, tables: dict, lang: str) -> dict[str, str]:
    """Unit names from the calibration the folder was run with (its manifest), else the shipped data."""
    manifest = tables.get("manifest") or {}
    directory = manifest.get("calibration_dir") if isinstance(manifest, dict) else None
    if directory and Path(directory).is_dir():
        return unit_names(directory, lang)
    return unit_names(None, lang)


def default_out(folder: Path) -> Path:
    from cnyx_sim.batch.store import is_batch_dir

    folder = Path(folder)
    return folder / "figures" if is_batch_dir(folder) else folder.resolve().parent / f"{folder.resolve().name}-figures"


def target_table(targets: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One row per target and scenario: P(met) as k/n, median value and threshold as an economist reads them."""
    rows = []
    for (target, scenario), group in targets.groupby(["target", "scenario"], sort=False):
        met, n = int(group["met"].sum()), len(group)
        rows.append({
            "target": target_label(target, lang), "code": target, "scenario": scenario,
            "P(met)": f"{met / n:.0%} ({met}/{n})",
            "value (median)": format_target_value(target, float(group["value"].median())),
            "threshold": format_target_value(target, float(group["threshold"].median())),
        })
    return pd.DataFrame(rows)


def _markdown_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |\n|" + "|".join("---" for _ in frame.columns) + "|\n"
    return head + "".join("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |\n"
                          for row in frame.itertuples(index=False))


def write_report(folder: str | Path, out: str | Path | None = None, lang: str = "zh",
                 baseline: str | None = None) -> Report:
    """Draw every figure of ``folder`` into ``out`` and write report.md and report.html there."""
    from cnyx_sim.api import load
    from cnyx_sim.batch.compare import refuse_run_folder
    from cnyx_sim.batch.store import BatchError

    folder = Path(folder)
    if not folder.is_dir():
        raise BatchError(f"{folder}: no such folder")
    tables = load(folder)
    if "trajectories" not in tables:
        raise BatchError(f"{folder}: neither a run folder (trajectories.parquet) nor a batch folder (batch.json)")
    out_dir = Path(out) if out is not None else default_out(folder)
    refuse_run_folder(out_dir / "report.md", verb="plot", option="--out")
    out_dir.mkdir(parents=True, exist_ok=True)
    traj, targets = tables["trajectories"], tables.get("targets")
    # Only the total rows of the variables drawn (a batch holds millions of rows; filtering once is cheap).
    needed = set(FAN_VARIABLES) | set(DIFFERENCE_VARIABLES) | {"gdp_credited_nominal", "tax_local_collected"}
    traj = traj[(traj["sector"] == "total") & traj["variable"].isin(needed)].reset_index(drop=True)
    projects = tables.get("projects")
    names = names_for(folder, tables, lang)
    scenarios = list(dict.fromkeys(traj["scenario"]))
    baseline = scenarios[0] if baseline is None else baseline
    if baseline not in scenarios:
        raise BatchError(f"--baseline {baseline!r} is not a scenario here; scenarios: {', '.join(scenarios)}")
    report = Report(out_dir)
    captions: list[tuple[str, str]] = []

    def add(fig, name: str, caption: str) -> None:
        report.figures.append(save_figure(fig, out_dir / name))
        captions.append((name, caption))

    present = set(traj["variable"].unique())
    for variable in FAN_VARIABLES:
        if variable in present:
            add(fg.fan_chart(traj, variable, targets, lang=lang, names=names), f"fan_{variable}.png",
                fg._t(f"{fg.variable_label(variable, lang)}: 中位数与运行区间, 含规划目标",
                      f"{fg.variable_label(variable, lang)}: median and bands over runs, with the plan's target",
                      lang))
    if targets is not None and not targets.empty:
        add(fg.target_dashboard(targets, lang), "targets.png", fg._t("规划目标达成概率", "P(target met)", lang))
    add(fg.unit_small_multiples(traj, "gdp_real", names, lang), "units_gdp_real.png",
        fg._t("各单元实际GDP", "real GDP by unit", lang))
    if len(scenarios) > 1:
        for variable in DIFFERENCE_VARIABLES:
            if variable in present:
                add(fg.difference_vs_baseline(traj, baseline, variable, lang=lang, names=names),
                    f"diff_{variable}.png", fg._t(f"相对于 {baseline} 的差异", f"differences from {baseline}", lang))
    if {"gdp_credited_nominal", "tax_local_after_sharing"} <= present:
        add(fg.ledgers_by_unit(traj, names=names, lang=lang), "ledgers_by_unit.png",
            fg._t("分算与分成: 各单元得失", "splits and sharing: gains and losses by unit", lang))
    if projects is not None and not projects.empty:
        for scenario in scenarios[:3]:
            if (projects["scenario"] == scenario).any():
                add(fg.project_flows(projects, names, lang, scenario), f"project_flows_{scenario}.png",
                    fg._t(f"项目流向({scenario})", f"project flows ({scenario})", lang))
    channels_path = folder / "channels.csv"
    if channels_path.is_file():
        channels = pd.read_csv(channels_path)
        for variable in list(dict.fromkeys(channels["variable"]))[:4]:
            add(fg.channel_waterfall(channels, variable, lang=lang), f"channels_{variable}.png",
                fg._t(f"渠道分解: {variable}", f"channel decomposition: {variable}", lang))

    table = target_table(targets, lang) if targets is not None and not targets.empty else pd.DataFrame()
    title = fg._t(f"cnyx_sim 报告: {folder.name} ({REGION_NAME['zh']})",
                  f"cnyx_sim report: {folder.name} ({REGION_NAME['en']})", lang)
    scenario_line = fg._t("情景", "Scenarios", lang) + ": " + ", ".join(scenarios)
    md = [f"# {title}", "", scenario_line, ""]
    if not table.empty:
        md += [f"## {fg._t('规划目标', 'Targets', lang)}", "", _markdown_table(table)]
    for name, caption in captions:
        md += [f"## {caption}", "", f"![{caption}]({name})", ""]
    report.markdown = out_dir / "report.md"
    text = "\n".join(md)
    _atomic_bytes(report.markdown, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    body = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(scenario_line)}</p>"]
    if not table.empty:
        body.append(f"<h2>{html.escape(fg._t('规划目标', 'Targets', lang))}</h2>")
        body.append(table.to_html(index=False, escape=True, border=0, classes="targets"))
    for name, caption in captions:
        body.append(f"<h2>{html.escape(caption)}</h2><img src=\"{html.escape(name)}\" alt=\"{html.escape(caption)}\">")
    page = ("<!DOCTYPE html>\n<html lang=\"" + ("zh" if lang == "zh" else "en") + "\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:1100px;margin:auto}}"
            "img{max-width:100%}table.targets td,table.targets th{padding:2px 8px;text-align:left}</style>"
            "</head><body>\n" + "\n".join(body) + "\n</body></html>\n")
    report.html = out_dir / "report.html"
    _atomic_bytes(report.html, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    meta = {"source": str(folder), "lang": lang, "baseline": baseline, "figures": [p.name for p in report.figures]}
    _atomic_bytes(out_dir / "report.json",
                  lambda tmp: Path(tmp).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"))
    return report

"""One test per kind of failure that issue 12 measured with hostile scenario, sweep and data files (at
cfa82c4 about a third of them were accepted or crashed). Each test names the kind; the property test
``tests/invariants/test_scenario_documents.py`` covers the space around them.

Kinds (issue 12, "What we measured") and the tests here:

- one year written as ``2022:`` and ``"2022":``                 -> test_year_written_as_int_and_as_string_...
- an agreement relying on its default start year > 100 %        -> test_agreement_relying_on_default_start_...
- a misspelt or cyclic template parent                          -> test_template_with_misspelt_parent_..., ..._cycle_...
- ``.nan`` in a cap (and a bare NaN in manifest.json)           -> test_nan_cap_..., test_manifest_is_strict_json
- ``.inf``/1e308 in weights, sizes, K/Y, arrival rates, masses  -> test_infinite_or_huge_value_is_refused
- absurd finite magnitudes (project size 1e300)                 -> test_absurd_finite_magnitude_is_refused
- arrival rate 1e9, sweep of 1e8 samples, 40^4 grid             -> test_arrival_*, test_sweep_too_large_*
- ``extends`` at /dev/zero or a FIFO                            -> test_extends_device_or_fifo_...
- a 17 MB year dictionary                                       -> test_oversized_scenario_file_...
- binary travel-time file, zero/NaN population                  -> test_binary_travel_time_..., test_bad_population_...
- sweeps: infinite bound, unknown outcome, ``5e-3``             -> test_sweep_* below
- messages: year not named, 1.5 kB line, files echoed           -> test_*_message_*
- numerical failure inside a run                                -> test_numerical_failure_...
- faults: truncated part, changed data, --out file, leftovers,
  read-only parent, unreachable scheduler, corrupt batch.json   -> test_resume_*, test_out_*, test_dask_*, ...
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cnyx_sim import cli
from cnyx_sim.batch.engine import run_batch
from cnyx_sim.batch.store import BatchError

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "scenarios" / "baseline.yaml"
MAX_LINE = 200


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scenario(folder: Path, body: str, name: str = "hostile.yaml", short: bool = True) -> Path:
    """A scenario extending the baseline (a three-year horizon when ``short``) with ``body`` appended."""
    years = "years: {start: 2021, end: 2023}\n" if short else ""
    path = folder / name
    path.write_text(f"extends: {BASELINE}\nname: hostile\n{years}{body}", encoding="utf-8")
    return path


def refused(capsys, argv: list[str], *fragments: str) -> str:
    """The CLI exits 2 with one stderr line holding every fragment, no traceback; returns the line."""
    code = cli.main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("warning:")]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


def nothing_written(folder: Path, *allowed: str) -> None:
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(allowed), names


# ------------------------------------------------------------------------------------------- scenario values
@pytest.mark.parametrize("command", ["validate", "run"])
def test_year_written_as_int_and_as_string_is_a_duplicate_key_naming_both_lines(command, workdir, capsys):
    path = scenario(workdir, "macro:\n  deflator_growth:\n    2022: 0.02\n    \"2022\": 0.45\n")
    argv = [command, str(path)] + (["--out", str(workdir / "out")] if command == "run" else [])
    refused(capsys, argv, f"{path}:7:", "macro.deflator_growth.2022", "duplicate key", "first at line 6")
    nothing_written(workdir, "hostile.yaml")


def test_year_written_twice_through_the_api_is_refused_naming_the_year():
    from cnyx_sim.scenario.schema import Macro

    with pytest.raises(Exception, match="year 2022 is given twice"):
        Macro.model_validate({"deflator_growth": {2022: 0.02, "2022": 0.45}})


def test_agreement_relying_on_default_start_year_cannot_give_away_more_than_all_of_a_revenue(workdir, capsys):
    path = scenario(workdir, """sharing:
  agreements:
    - {id: a, applies_to: zigong_qijiang, taxes: [vat], split: 0.6, window: {length: 3}}
    - {id: b, applies_to: zigong_qijiang, taxes: [vat], split: 0.6, start_year: 2023, window: {length: 3}}
""", short=False)
    refused(capsys, ["validate", str(path)], "sharing.agreements[1].split", "120%", "(at most 100%)")


def test_template_with_misspelt_parent_is_refused_not_dropped(workdir, capsys):
    path = scenario(workdir, """sharing:
  templates:
    weak: {template: gaozu, enforcement_probability: 0.3}
  agreements:
    - {id: a, template: weak, applies_to: zigong_qijiang}
""", short=False)
    refused(capsys, ["validate", str(path)], f"{path}:5:", "sharing.templates.weak.template", "'gaozu'")


def test_templates_naming_each_other_are_refused_as_a_cycle(workdir, capsys):
    path = scenario(workdir, """sharing:
  templates:
    first: {template: second}
    second: {template: first}
""", short=False)
    refused(capsys, ["validate", str(path)], "sharing.templates", "cycle")


def test_partner_that_hosts_the_park_is_refused(workdir, capsys):
    path = scenario(workdir, """sharing:
  agreements:
    - {id: a, template: gaozhu, applies_to: zigong_qijiang, partner: zigong}
""", short=False)
    refused(capsys, ["validate", str(path)], "sharing.agreements[0].partner", "hosts the park")


@pytest.mark.parametrize("command", ["validate", "run"])
def test_an_empty_year_path_is_refused_naming_the_field_not_an_internal_error(command, workdir, capsys):
    # found by the scenario-document property test: ``{}`` used to reach ``keys[0]`` (IndexError, exit 1)
    path = scenario(workdir, "population: {external_real_wage_growth: {}}\n")
    argv = [command, str(path)] + (["--out", str(workdir / "out")] if command == "run" else [])
    refused(capsys, argv, f"{path}:4:", "population.external_real_wage_growth", "empty year path")
    nothing_written(workdir, "hostile.yaml")


@pytest.mark.parametrize("command", ["validate", "run"])
def test_nan_cap_is_refused_not_ignored(command, workdir, capsys):
    path = scenario(workdir, "sharing:\n  agreements:\n"
                             "    - {id: a, template: gaozhu, applies_to: zigong_qijiang, cap: .nan}\n")
    argv = [command, str(path)] + (["--out", str(workdir / "out")] if command == "run" else [])
    refused(capsys, argv, f"{path}:6:", "sharing.agreements[0].cap", "finite number")
    nothing_written(workdir, "hostile.yaml")


def test_manifest_is_strict_json_without_nan(workdir, capsys):
    assert cli.main(["run", str(scenario(workdir, "")), "--out", str(workdir / "out")]) == 0
    capsys.readouterr()

    def refuse(constant):
        raise ValueError(f"bare {constant} in manifest.json")

    manifest = json.loads((workdir / "out" / "manifest.json").read_text(encoding="utf-8"), parse_constant=refuse)
    assert manifest["resolved_scenario"]["name"] == "hostile"


@pytest.mark.parametrize("body, key", [
    ("transfer:\n  sector_weights: {electronics: .inf}\n", "transfer.sector_weights.electronics"),
    ("transfer:\n  mean_size: .inf\n", "transfer.mean_size"),
    ("transfer:\n  mean_size: {equipment: 1.0e308}\n", "transfer.mean_size.equipment"),
    ("capital:\n  capital_output_ratio: {electronics: .inf}\n", "capital.capital_output_ratio.electronics"),
    ("capital:\n  capital_output_ratio: 1.0e308\n", "capital.capital_output_ratio"),
    ("transfer:\n  arrival_rate: {abroad: .inf}\n", "transfer.arrival_rate.abroad"),
    ("infrastructure:\n  external_mass: {chengdu: 1.0e308}\n", "infrastructure.external_mass.chengdu"),
    ("infrastructure:\n  external_mass: {chengdu: -.inf}\n", "infrastructure.external_mass.chengdu"),
], ids=["weight-inf", "size-inf", "size-1e308", "ky-inf", "ky-1e308", "arrivals-inf", "mass-1e308", "mass-minus-inf"])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_infinite_or_huge_value_is_refused_before_any_run(command, body, key, workdir, capsys):
    path = scenario(workdir, body)
    argv = [command, str(path)] + (["--out", str(workdir / "out")] if command == "run" else [])
    refused(capsys, argv, f"{path}:", key)
    nothing_written(workdir, "hostile.yaml")


def test_absurd_finite_magnitude_is_refused_with_the_plausibility_bound(workdir, capsys):
    path = scenario(workdir, "transfer:\n  mean_size: 1.0e300\n")
    refused(capsys, ["validate", str(path)], "transfer.mean_size", "less than or equal to 1000")


def test_arrival_rate_of_a_billion_is_refused_by_its_bound(workdir, capsys):
    path = scenario(workdir, "transfer:\n  arrival_rate: {chengdu: 1000000000}\n")
    refused(capsys, ["validate", str(path)], "transfer.arrival_rate.chengdu", "10000")


def test_arrival_volume_above_the_limit_is_refused_and_the_flag_lifts_the_limit(workdir, capsys):
    path = scenario(workdir, "transfer:\n  arrival_rate: {chengdu: 9000, chongqing_core: 9000, east_coast: 9000}\n",
                    short=False)
    refused(capsys, ["validate", str(path)], "transfer.arrival_rate", "limit 200,000", "--lift-limits")
    assert cli.main(["validate", "--lift-limits", str(path)]) == 0
    assert "ok:" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------------- files
@pytest.mark.parametrize("target", ["/dev/zero", "fifo.yaml", "folder.yaml"])
def test_extends_device_fifo_or_folder_is_refused_without_hanging(target, workdir):
    if target == "fifo.yaml":
        os.mkfifo(workdir / "fifo.yaml")
    if target == "folder.yaml":
        (workdir / "folder.yaml").mkdir()
    path = workdir / "child.yaml"
    path.write_text(f"extends: {target}\nname: child\n", encoding="utf-8")
    # In a subprocess with a timeout: before the fix, a FIFO or /dev/zero made this hang or fill memory.
    result = subprocess.run([sys.executable, "-m", "cnyx_sim.cli", "validate", str(path)], capture_output=True,
                            text=True, timeout=120, cwd=workdir)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "not a regular file" in result.stderr or "a folder" in result.stderr or ".yaml" in result.stderr


def test_oversized_scenario_file_is_refused_before_it_is_read(workdir, capsys):
    lines = [f"    {2022 + i}: 0.01" for i in range(30_000)]
    path = scenario(workdir, "macro:\n  deflator_growth:\n" + "\n".join(lines) + "\n")
    assert path.stat().st_size > 256_000
    refused(capsys, ["validate", str(path)], str(path), "limit", "--lift-limits")


def test_short_file_reached_through_extends_is_not_echoed(workdir, capsys):
    (workdir / "secret.yaml").write_text("hunter2-password\n", encoding="utf-8")
    (workdir / "syntax.yaml").write_text("key: [unclosed, hunter3-password\n", encoding="utf-8")
    for parent in ("secret.yaml", "syntax.yaml"):
        path = workdir / f"child_{parent}"
        path.write_text(f"extends: {parent}\nname: child\n", encoding="utf-8")
        line = refused(capsys, ["validate", str(path)], parent)
        assert "password" not in line


def test_extends_must_name_a_yaml_file(workdir, capsys):
    path = workdir / "child.yaml"
    path.write_text("extends: /etc/hostname\nname: child\n", encoding="utf-8")
    refused(capsys, ["validate", str(path)], f"{path}:1:", "extends", ".yaml")


def test_binary_travel_time_file_is_one_located_line_not_an_internal_error(workdir, capsys):
    (workdir / "times.csv").write_bytes(b"from,to,hours\n\x00\xff\xfe binary \x89PNG\n")
    path = scenario(workdir, "infrastructure:\n  travel_times_file: times.csv\n")
    refused(capsys, ["validate", str(path)], "times.csv:")


def test_travel_time_file_with_an_infinite_time_is_refused_at_its_line(workdir, capsys):
    rows = (REPO / "calibration" / "travel_times_2021.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = ",".join(rows[3].split(",")[:3] + ["inf"] + rows[3].split(",")[4:])
    (workdir / "times.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = scenario(workdir, "infrastructure:\n  travel_times_file: times.csv\n")
    refused(capsys, ["validate", str(path)], "times.csv:4:", "hours", "finite")


@pytest.mark.parametrize("value, expected", [("0", "must be > 0"), ("nan", "finite"), ("-3", "must be > 0")])
def test_bad_population_in_the_calibration_fails_validate_at_its_line(value, expected, workdir, capsys):
    calibration = workdir / "cal"
    calibration.mkdir()
    for name in ("regions.csv", "sectors.csv", "base_year_2021.csv", "travel_times_2021.csv"):
        (calibration / name).write_bytes((REPO / "calibration" / name).read_bytes())
    table = (calibration / "base_year_2021.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, row in enumerate(table) if row.startswith("luzhou,population,total,"))
    cells = table[line].split(",")
    cells[3] = value
    table[line] = ",".join(cells)
    (calibration / "base_year_2021.csv").write_text("\n".join(table) + "\n", encoding="utf-8")
    path = scenario(workdir, "data:\n  calibration_dir: cal\n")
    refused(capsys, ["validate", str(path)], f"base_year_2021.csv:{line + 1}:", "value", expected)


# ---------------------------------------------------------------------------------------------------- sweeps
def sweep_file(folder: Path, body: str) -> Path:
    path = folder / "sweep.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_sweep_with_an_infinite_bound_exits_2_before_any_run(workdir, capsys):
    sweep = sweep_file(workdir, "sweep:\n  method: lhs\n  samples: 2\n  parameters:\n"
                                "    production.tfp_long_run_growth: {low: 0.0, high: .inf}\n")
    refused(capsys, ["batch", str(scenario(workdir, "")), "--sweep", str(sweep), "--out", str(workdir / "b")],
            "sweep.yaml:5:", "finite")
    nothing_written(workdir, "hostile.yaml", "sweep.yaml")


@pytest.mark.parametrize("outcome, expected", [
    ("gdp_nominl@2023", "unknown outcome variable"), ("atlantis:gdp_nominal@2023", "unknown region"),
    ("gdp_nominal@2035", "outside the simulated years"), ("va_real@2023", "by sector"),
])
def test_sweep_with_an_outcome_that_cannot_be_computed_exits_2(outcome, expected, workdir, capsys):
    sweep = sweep_file(workdir, "sweep:\n  method: saltelli\n  samples: 2\n  parameters:\n"
                                "    production.tfp_long_run_growth: {low: 0.01, high: 0.02}\n"
                                f"  sensitivity: {{outcomes: ['{outcome}']}}\n")
    refused(capsys, ["batch", str(scenario(workdir, "")), "--sweep", str(sweep), "--out", str(workdir / "b")],
            "sweep.sensitivity.outcomes[0]", expected)
    nothing_written(workdir, "hostile.yaml", "sweep.yaml")


def test_sweep_accepts_5e_minus_3_like_scenario_files_do(workdir):
    from cnyx_sim.batch.design import load_sweep

    sweep = load_sweep(sweep_file(workdir, "sweep:\n  method: lhs\n  samples: 2\n  parameters:\n"
                                           "    production.tfp_long_run_growth: {low: 5e-3, high: 2e-2}\n"))
    assert (sweep.parameters[0].low, sweep.parameters[0].high) == (0.005, 0.02)


@pytest.mark.parametrize("body, where", [
    ("sweep:\n  method: lhs\n  samples: 100000000\n  parameters:\n"
     "    production.tfp_long_run_growth: {low: 0.01, high: 0.02}\n", "sweep.samples"),
    ("sweep:\n  method: grid\n  parameters:\n" + "".join(
        f"    {key}: {{values: [{', '.join(str(0.001 * i) for i in range(40))}]}}\n"
        for key in ("production.tfp_long_run_growth", "production.tfp_shock_sd", "capital.depreciation_rate",
                    "labour.reallocation_speed")), "sweep.parameters"),
], ids=["1e8-samples", "40^4-grid"])
def test_sweep_too_large_is_refused_before_sampling(body, where, workdir, capsys):
    sweep = sweep_file(workdir, body)
    refused(capsys, ["batch", str(scenario(workdir, "")), "--sweep", str(sweep), "--out", str(workdir / "b")],
            where, "limit is 10,000", "--lift-limits")
    nothing_written(workdir, "hostile.yaml", "sweep.yaml")


# -------------------------------------------------------------------------------------------------- messages
def test_year_key_error_names_the_year(workdir, capsys):
    path = scenario(workdir, "macro:\n  national_real_growth: {2022: 0.05, 2023: abc}\n")
    refused(capsys, ["validate", str(path)], "macro.national_real_growth.2023", "'abc'")


@pytest.mark.parametrize("body", [
    "capital:\n  " + "k" * 900 + "_rate: 1\n",
    "name: '" + "n" * 1500 + "'\n",
    "production:\n  tfp_initial_growth: {" + ", ".join(f"unit{i}: 0.01" for i in range(200)) + "}\n",
    "transfer:\n  transfer_sectors: [" + ", ".join(f"s{i}" for i in range(200)) + "]\n",
], ids=["long-key", "long-name", "many-unknown-units", "many-unknown-sectors"])
def test_messages_stay_under_200_characters(body, workdir, capsys):
    path = scenario(workdir, body, name="h.yaml")
    line = refused(capsys, ["validate", "h.yaml"])
    assert len(line) - len("error: ") <= MAX_LINE, line
    assert path.is_file()


# ------------------------------------------------------------------------------------------------- numerics
def test_numerical_failure_inside_a_run_is_one_located_line_naming_the_suspect_parameter(workdir, capsys,
                                                                                        monkeypatch):
    import numpy as np

    from cnyx_sim.mechanisms import transfer

    def overflowing_sizes(normal, mean_size, log_sd, cap):
        return np.exp(np.asarray(mean_size) * 1e6)  # what an absurd size would do without its bound

    monkeypatch.setattr(transfer, "signed_sizes", overflowing_sizes)
    path = scenario(workdir, "transfer:\n  mean_size: 3.0\n")
    with _no_runtime_warnings():
        line = refused(capsys, ["run", str(path), "--out", str(workdir / "out")],
                       f"{path}:", "transfer", "failed numerically", "overflow")
    assert "transfer.mean_size" in line  # the suspect the scenario file itself writes
    nothing_written(workdir, "hostile.yaml")


class _no_runtime_warnings:
    """Fail if a RuntimeWarning is emitted inside the block (pytest also turns them into errors)."""

    def __enter__(self):
        import warnings

        self._catcher = warnings.catch_warnings(record=True)
        self._caught = self._catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._catcher.__exit__(*exc)
        assert not [w for w in self._caught if issubclass(w.category, RuntimeWarning)]
        return False


# ---------------------------------------------------------------------------------------------------- faults
@pytest.fixture
def small_batch(workdir) -> tuple[Path, Path]:
    path = scenario(workdir, "")
    out = workdir / "b"
    assert run_batch([path], runs=4, out=out, chunk_size=2).ok
    return path, out


def test_resume_redoes_a_part_file_cut_in_half(small_batch):
    path, out = small_batch
    part = out / "trajectories" / "part-v0000-r0000002.parquet"
    whole = part.read_bytes()
    part.write_bytes(whole[: len(whole) // 2])
    summary = run_batch([path], runs=4, out=out, resume=True)
    assert summary.runs_ran == 2 and summary.runs_done_before == 2
    assert part.read_bytes() == whole
    assert len(pd.read_parquet(out / "trajectories")["run"].unique()) == 4


def test_resume_after_a_data_file_changed_is_refused_naming_the_file(workdir):
    original = (REPO / "calibration" / "travel_times_2021.csv").read_text(encoding="utf-8")
    (workdir / "times.csv").write_text(original, encoding="utf-8")
    path = scenario(workdir, "infrastructure:\n  travel_times_file: times.csv\n")
    out = workdir / "b"
    assert run_batch([path], runs=4, out=out, chunk_size=2).ok
    assert run_batch([path], runs=4, out=out, resume=True).runs_ran == 0  # same data: nothing to redo
    # Same scenario values, another travel time: a resume must not mix runs on old and new data.
    (workdir / "times.csv").write_text(original.replace(",1.59,", ",1.60,", 1), encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(BatchError, match="data file.*travel_times"):
        run_batch([path], runs=4, out=out, resume=True)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_corrupt_batch_json_is_exit_2_naming_the_file(small_batch, capsys):
    path, out = small_batch
    (out / "batch.json").write_text('{"format": "cnyx_sim.batch/2", "chunks": {', encoding="utf-8")
    refused(capsys, ["batch", str(path), "--runs", "4", "--out", str(out), "--resume"], "batch.json",
            "not a valid batch manifest")


def test_out_naming_an_existing_regular_file_is_refused_and_the_file_kept(workdir, capsys):
    target = workdir / "notes.txt"
    target.write_text("my notes", encoding="utf-8")
    refused(capsys, ["run", str(scenario(workdir, "")), "--out", str(target)], "notes.txt", "not a folder")
    assert target.read_text(encoding="utf-8") == "my notes"


def test_out_naming_a_folder_that_is_not_a_result_is_refused_and_kept(workdir, capsys):
    target = workdir / "thesis"
    target.mkdir()
    (target / "chapter1.md").write_text("draft", encoding="utf-8")
    refused(capsys, ["run", str(scenario(workdir, "")), "--out", str(target)], "thesis", "not a run's results")
    assert (target / "chapter1.md").read_text(encoding="utf-8") == "draft"
    refused(capsys, ["batch", str(scenario(workdir, "")), "--out", str(target)], "thesis", "not a batch folder")


def test_staging_folders_of_a_killed_run_are_removed_by_the_next_run(workdir, capsys):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # the pid of a process that has exited
    leftover = workdir / f".out.stage-{dead}.abc123.tmp"
    leftover.mkdir()
    (leftover / "trajectories.parquet").write_bytes(b"half")
    assert cli.main(["run", str(scenario(workdir, "")), "--out", str(workdir / "out")]) == 0
    capsys.readouterr()
    assert not leftover.exists() and (workdir / "out" / "manifest.json").is_file()


def test_permission_problem_writing_results_is_exit_2_naming_the_path(workdir, capsys, monkeypatch):
    # The tests may run as root, for whom a read-only folder is writable: simulate the refusal itself.
    from cnyx_sim.io import results

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(workdir / "locked"))

    monkeypatch.setattr(results.tempfile, "mkdtemp", refuse)
    refused(capsys, ["run", str(scenario(workdir, "")), "--out", str(workdir / "locked" / "out")],
            "locked", "permission denied")


def test_permission_problem_creating_a_batch_folder_is_exit_2_naming_the_path(workdir, capsys, monkeypatch):
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):
        if self.name == "b":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    refused(capsys, ["batch", str(scenario(workdir, "")), "--out", str(workdir / "b")], "b", "permission denied")


def test_unreachable_dask_scheduler_is_exit_2_and_leaves_nothing(workdir):
    path = scenario(workdir, "")
    with pytest.raises(BatchError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_batch([path], runs=2, out=workdir / "b", executor="dask", scheduler="tcp://127.0.0.1:9",
                  connect_timeout=1.0)
    nothing_written(workdir, "hostile.yaml")

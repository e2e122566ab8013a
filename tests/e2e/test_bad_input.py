"""Bad scenario input through the CLI: exit code 2, exactly one stderr line naming file, key path and line,
no traceback, and nothing written. One test per kind of bad input (issue 2, "Scenarios" and "CLI").

Every scenario is written into ``tmp_path`` and, where it needs a valid rest, extends the repo's baseline by
absolute path. The working directory is ``tmp_path`` so that the default ``results/<name>/`` folder would
appear there if anything were written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cnyx_sim import cli

COMMANDS = ("run", "validate")


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def child_of_baseline(workdir: Path, baseline_path: Path, body: str, name: str = "bad.yaml") -> Path:
    """A scenario named ``bad`` that extends the baseline and adds ``body`` from line 3 on."""
    return write(workdir / name, f"extends: {baseline_path}\nname: bad\n{body}")


def invoke(command: str, scenario: Path, workdir: Path) -> list[str]:
    """Run ``cnyx-sim <command> scenario`` in process; returns argv used."""
    argv = [command, str(scenario)]
    if command == "run":
        argv += ["--out", str(workdir / "out")]
    return argv


def assert_one_line_bad_input(capsys, argv: list[str], workdir: Path, *fragments: str) -> str:
    """Exit 2, one stderr line containing every fragment, no traceback, nothing written; returns the line."""
    before = sorted(p.name for p in workdir.iterdir())
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    line = lines[0]
    assert "Traceback" not in captured.err
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    after = sorted(p.name for p in workdir.iterdir())
    assert after == before, "a bad scenario must not write anything"
    assert not (workdir / "out").exists()
    assert not (workdir / "results").exists()
    return line


# ------------------------------------------------------------------------------------------- schema level
@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_top_level_key_names_file_line_and_key(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "bogus_section: 1\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:3:", "bogus_section", "unknown key")


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_nested_key_names_dotted_path_and_line(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "capital:\n  depreciation_rate: 0.1\n  bogus_rate: 1\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:5:", "capital.bogus_rate", "unknown key")


@pytest.mark.parametrize("command", COMMANDS)
def test_wrong_type_names_key_line_and_offending_value(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "runs: many\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir, f"{path}:3:", "runs", "'many'")


@pytest.mark.parametrize("command", COMMANDS)
def test_out_of_range_value_names_key_line_and_value(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "capital:\n  depreciation_rate: 0.9\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:4:", "capital.depreciation_rate", "0.9")


@pytest.mark.parametrize("command", COMMANDS)
def test_negative_runs_in_file_is_out_of_range(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "runs: 0\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir, f"{path}:3:", "runs")


@pytest.mark.parametrize("command", COMMANDS)
def test_end_year_not_after_start_year_is_inconsistent(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "years:\n  start: 2021\n  end: 2021\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              str(path), "years", "end (2021) must be after start (2021)")


@pytest.mark.parametrize("command", COMMANDS)
def test_public_investment_bounds_low_above_high_is_inconsistent(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "fiscal:\n  public_investment_share_bounds: [0.5, 0.2]\n")
    line = assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                                     str(path), "fiscal", "public_investment_share_bounds")
    # Located at the fiscal section (line 3) or at the bounds themselves (line 4).
    assert f"{path}:3:" in line or f"{path}:4:" in line


# ------------------------------------------------------------------------------------ data consistency
@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_region_code_names_the_code_and_lists_known_ones(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "production:\n  tfp_initial_growth: {atlantis: 0.01}\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:4:", "production.tfp_initial_growth.atlantis", "unknown region", "zigong")


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_sector_code_names_the_code(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "capital:\n  investment_rate:\n    steel: 0.3\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:5:", "capital.investment_rate.steel", "unknown sector", "agriculture")


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_province_code_in_province_take(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "fiscal:\n  province_take:\n    SC: 0.3\n    XX: 0.3\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:6:", "fiscal.province_take.XX", "unknown province")


@pytest.mark.parametrize("command", COMMANDS)
def test_year_path_starting_after_first_simulated_year(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "population:\n  natural_growth_rate:\n    2023: 0.0\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              str(path), "population.natural_growth_rate", "2022")


@pytest.mark.parametrize("command", COMMANDS)
def test_start_year_other_than_base_data_year(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "years:\n  start: 2020\n  end: 2030\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:4:", "years.start", "2021")


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_calibration_folder_names_the_data_key(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "data:\n  calibration_dir: no_such_folder\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:4:", "data.calibration_dir", "not found")


# ------------------------------------------------------------------------------------------- YAML level
@pytest.mark.parametrize("command", COMMANDS)
def test_duplicate_key_names_both_lines(command, workdir, baseline_path, capsys):
    path = child_of_baseline(workdir, baseline_path, "seed: 1\nseed: 2\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:4:", "seed", "duplicate", "line 3")


@pytest.mark.parametrize("command", COMMANDS)
def test_extends_cycle_names_the_files_in_the_cycle(command, workdir, capsys):
    first = write(workdir / "first.yaml", "extends: second.yaml\nname: first\n")
    write(workdir / "second.yaml", "extends: first.yaml\nname: second\n")
    assert_one_line_bad_input(capsys, invoke(command, first, workdir), workdir,
                              "extends", "cycle", "first.yaml", "second.yaml")


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_parent_names_child_file_and_extends_line(command, workdir, capsys):
    path = write(workdir / "orphan.yaml", "name: orphan\nextends: no_such_parent.yaml\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:2:", "extends", "no_such_parent.yaml")


@pytest.mark.parametrize("command", COMMANDS)
def test_unsafe_yaml_tag_is_rejected_and_not_executed(command, workdir, baseline_path, capsys):
    marker = workdir / "pwned"
    path = child_of_baseline(
        workdir, baseline_path, f"description: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir,
                              f"{path}:3:", "description", "tag")
    assert not marker.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_non_existent_scenario_file(command, workdir, capsys):
    path = workdir / "does_not_exist.yaml"
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir, str(path), "cannot read")


@pytest.mark.parametrize("command", COMMANDS)
def test_file_that_is_not_a_mapping(command, workdir, capsys):
    path = write(workdir / "list.yaml", "- name: a\n- name: b\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir, str(path), "mapping")


@pytest.mark.parametrize("command", COMMANDS)
def test_invalid_yaml_syntax(command, workdir, capsys):
    path = write(workdir / "broken.yaml", "name: broken\nyears: {start: 2021, end: 2035\n")
    assert_one_line_bad_input(capsys, invoke(command, path, workdir), workdir, str(path), "invalid YAML")


def test_validate_reports_each_bad_file_and_still_checks_the_good_ones(workdir, baseline_path, capsys):
    bad = child_of_baseline(workdir, baseline_path, "bogus: 1\n")
    code = cli.main(["validate", str(baseline_path), str(bad)])
    captured = capsys.readouterr()
    assert code == 2
    assert len(captured.err.splitlines()) == 1 and str(bad) in captured.err
    assert "ok:" in captured.out and "baseline" in captured.out


# ---------------------------------------------------------------------------------------- CLI arguments
@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["run", "scenario.yaml", "--runs", "0"], "--runs"),
        (["run", "scenario.yaml", "--runs", "abc"], "--runs"),
        (["run", "scenario.yaml", "--seed", "-1"], "--seed"),
        (["run"], "scenario"),
        (["validate"], "files"),
        (["no-such-command"], "no-such-command"),
    ],
    ids=["runs-zero", "runs-not-a-number", "negative-seed", "run-without-file", "validate-without-files",
         "unknown-command"],
)
def test_bad_cli_arguments_exit_2_with_one_line(argv, fragment, workdir, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    captured = capsys.readouterr()
    assert exit_info.value.code == 2
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert fragment in lines[0]
    assert "Traceback" not in captured.err
    assert list(workdir.iterdir()) == []


def test_top_level_argument_error_points_to_the_real_help_command(workdir, capsys):
    with pytest.raises(SystemExit):
        cli.main(["no-such-command"])
    assert "cnyx-sim cnyx-sim" not in capsys.readouterr().err


# ----------------------------------------------------------------------------------------- internal error
def test_internal_error_exits_1_with_one_line_and_no_traceback(workdir, baseline_path, capsys, monkeypatch):
    import cnyx_sim.api

    def broken_run(*args, **kwargs):
        raise RuntimeError("simulated failure in the model")

    monkeypatch.setattr(cnyx_sim.api, "run", broken_run)
    code = cli.main(["run", str(baseline_path), "--out", str(workdir / "out")])
    captured = capsys.readouterr()
    assert code == 1
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "RuntimeError" in lines[0] and "simulated failure in the model" in lines[0]
    assert "Traceback" not in captured.err
    assert not (workdir / "out").exists()


def test_internal_error_with_debug_shows_the_traceback(workdir, baseline_path, capsys, monkeypatch):
    import cnyx_sim.api

    def broken_run(*args, **kwargs):
        raise RuntimeError("simulated failure in the model")

    monkeypatch.setattr(cnyx_sim.api, "run", broken_run)
    code = cli.main(["--debug", "run", str(baseline_path)])
    assert code == 1
    assert "Traceback" in capsys.readouterr().err

"""Invalid sharing agreements through the CLI (issue 4): each kind is rejected at validation with exit code 2,
exactly one stderr line naming the file and the key path, and nothing written - for ``validate`` and ``run``.

Every scenario extends the repo's baseline by absolute path; the working directory is ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cnyx_sim import cli

BAD_AGREEMENTS = {
    "split_above_one": ("    - {id: a1, applies_to: zigong_qijiang, split: 1.5}\n",
                        "sharing.agreements[0].split", "between 0 and 1"),
    "negative_split": ("    - {id: a1, applies_to: zigong_qijiang, split: -0.1}\n",
                       "sharing.agreements[0].split", "between 0 and 1"),
    "unknown_partner_unit": ("    - {id: a1, applies_to: zigong_qijiang, partner: chengdu_x}\n",
                             "sharing.agreements[0].partner", "unknown region unit or partner"),
    "agreement_ends_before_start": ("    - {id: a1, applies_to: zigong_qijiang, start_year: 2030, end_year: 2025}\n",
                                    "sharing.agreements[0]", "ends (end_year 2025) before it starts"),
    "window_ends_before_start": ("    - {id: a1, applies_to: zigong_qijiang, window: {length: 0}}\n",
                                 "sharing.agreements[0].window", "window ends before it starts"),
    "more_than_all_revenue": ("    - {id: a1, applies_to: zigong_qijiang, split: 0.7}\n"
                              "    - {id: a2, applies_to: zigong_qijiang, split: 0.6}\n",
                              "sharing.agreements[1].split", "130%"),
    "unknown_park": ("    - {id: a1, applies_to: no_such_park}\n",
                     "sharing.agreements[0].applies_to", "unknown park or rule 'no_such_park'"),
}


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("kind", list(BAD_AGREEMENTS))
def test_invalid_agreement_is_rejected_with_one_located_line_and_nothing_written(
    kind, command, workdir, baseline_path, capsys
):
    agreements, key_path, expected = BAD_AGREEMENTS[kind]
    scenario = workdir / "bad_sharing.yaml"
    scenario.write_text(f"extends: {baseline_path}\nname: bad\nsharing:\n  agreements:\n{agreements}",
                        encoding="utf-8")
    argv = [command, str(scenario)] + (["--out", str(workdir / "out")] if command == "run" else [])
    before = sorted(p.name for p in workdir.iterdir())

    code = cli.main(argv)

    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    for fragment in ("bad_sharing.yaml", key_path, expected):
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert sorted(p.name for p in workdir.iterdir()) == before
    assert not (workdir / "out").exists() and not (workdir / "results").exists()


def test_valid_agreement_on_a_rule_passes_validation(workdir, baseline_path, capsys):
    scenario = workdir / "ok.yaml"
    scenario.write_text(f"extends: {baseline_path}\nname: ok\nsharing:\n  agreements:\n"
                        "    - {id: r1, template: jingjinji_92, applies_to: government_led_relocation}\n",
                        encoding="utf-8")
    assert cli.main(["validate", str(scenario)]) == 0
    assert "ok:" in capsys.readouterr().out

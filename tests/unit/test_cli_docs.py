"""docs/cli.md documents every verb and every option of the parser (it cannot silently fall behind)."""

from __future__ import annotations

import argparse

from cnyx_sim.cli import build_parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_verb_and_option_is_in_docs_cli_md(repo_root):
    text = (repo_root / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    missing = []
    for option in ("--version", "--debug"):
        if f"`{option}" not in text:
            missing.append(option)
    for verb, sub in _subparsers(parser).items():
        if f"## `{verb}" not in text:
            missing.append(verb)
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help" and f"`{flag}" not in text:
                    missing.append(f"{verb} {flag}")
    assert not missing, f"docs/cli.md does not document: {', '.join(missing)}"


def test_the_readme_links_the_cli_and_scenario_references(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert "docs/cli.md" in readme and "docs/scenarios.md" in readme

"""Run mutmut one module at a time, each with only the tests relevant to it (``make mutation``).

mutmut reads its configuration from ``pyproject.toml`` in the working directory and learns which test reaches
which function by running the whole test selection once. Running it over the whole package with the whole
suite costs hours on two shared cores; here every module in :data:`PLAN` gets its own working directory
``mutation-work/<module>/`` (links to ``src``, ``tests`` and the data folders, and a ``pyproject.toml`` whose
``[tool.mutmut]`` mutates that one file and selects that module's tests), so a module's run takes minutes and
a module can be re-run alone after its code or tests change. Each directory keeps its results
(``mutants/**.meta``) and ``run.json`` (tests, wall time, command); ``tools/mutation_report.py``, run after each
module, copies them into the committed record ``docs/mutation-results.json`` and writes ``docs/mutation.md`` from
it (mutation-work/ itself is not committed).

Usage (from the repository root, in the venv with the ``mutation`` extra)::

    python tools/mutation_run.py                      # every module of PLAN, in its order
    python tools/mutation_run.py input_output checks  # the modules named (last part of the name suffices)
    python tools/mutation_run.py --list               # the plan: module and its tests
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutation-work"
LINKED = ("src", "tests", "calibration", "scenarios", "docs", "notebooks", "README.md", "setup.py")

_LEVERS = "tests/invariants/test_lever_properties.py"
_PROJECTS = ["tests/unit/core/test_transfer_engine.py", "tests/invariants/test_investment_accounting.py"]
_SHARING = ["tests/unit/core/test_sharing_engine.py", "tests/invariants/test_sharing_conservation.py"]

#: Module -> the tests that exercise it (its unit tests first, then the engine and invariant tests that call it),
#: in the order the modules are run: the mechanisms added by issues 9-10 first, then the accounting checks,
#: targets and the fiscal mechanisms.
PLAN: dict[str, list[str]] = {
    "cnyx_sim.mechanisms.input_output": ["tests/unit/mechanisms/test_input_output.py", *_PROJECTS],
    "cnyx_sim.mechanisms.project_production": ["tests/unit/mechanisms/test_project_production.py", *_PROJECTS],
    "cnyx_sim.mechanisms.market_access": ["tests/unit/mechanisms/test_market_access.py", _LEVERS],
    "cnyx_sim.mechanisms.public_services": ["tests/unit/mechanisms/test_public_services.py", _LEVERS],
    "cnyx_sim.mechanisms.ecology": ["tests/unit/mechanisms/test_ecology.py", _LEVERS],
    "cnyx_sim.mechanisms.opening": ["tests/unit/mechanisms/test_opening.py", _LEVERS],
    "cnyx_sim.mechanisms.relocation": ["tests/unit/mechanisms/test_relocation.py"],
    "cnyx_sim.mechanisms.competition": ["tests/unit/mechanisms/test_competition.py"],
    "cnyx_sim.mechanisms.park_development": ["tests/unit/mechanisms/test_park_development.py",
                                             "tests/unit/core/test_park_development_engine.py"],
    "cnyx_sim.mechanisms.capital": ["tests/unit/mechanisms/test_capital.py",
                                    "tests/invariants/test_investment_accounting.py"],
    "cnyx_sim.mechanisms.transfer": ["tests/unit/mechanisms/test_transfer.py", "tests/unit/test_numerics.py",
                                     "tests/unit/core/test_project_draws.py",
                                     "tests/unit/core/test_transfer_engine.py"],
    "cnyx_sim.checks": ["tests/unit/test_checks_capital.py", "tests/unit/test_checks.py",
                        "tests/unit/test_checks_identities.py"],
    "cnyx_sim.targets": ["tests/unit/test_targets.py"],
    "cnyx_sim.mechanisms.tax_sharing": ["tests/unit/mechanisms/test_tax_sharing.py",
                                        "tests/validation/test_statutory_parameters.py", *_SHARING],
    "cnyx_sim.mechanisms.stats_sharing": ["tests/unit/mechanisms/test_stats_sharing.py", *_SHARING],
    "cnyx_sim.mechanisms.budget": ["tests/unit/mechanisms/test_budget.py", "tests/unit/core/test_model_schedule.py"],
    # issue 13 item 1, fourth round: the batch store and the core engines
    # (the store: tests/e2e/test_batch_resume_damaged_parts.py left out, test_store.py damages parts the same way)
    "cnyx_sim.batch.store": ["tests/unit/batch/test_store_folder.py", "tests/unit/batch/test_store.py"],
    "cnyx_sim.core.rng": ["tests/unit/core/test_rng_streams.py", "tests/unit/core/test_project_draws.py",
                          "tests/unit/core/test_transfer_engine.py"],
    "cnyx_sim.core.network": ["tests/unit/core/test_network.py", "tests/unit/core/test_transfer_engine.py",
                              _LEVERS],
    "cnyx_sim.core.recorder": ["tests/unit/core/test_recorder.py", "tests/unit/core/test_model_schedule.py",
                               "tests/invariants/test_independent_accounting.py"],
    "cnyx_sim.core.parks": ["tests/unit/core/test_park_engine_by_hand.py",
                            "tests/unit/core/test_park_development_engine.py"],
    "cnyx_sim.core.levers": ["tests/unit/core/test_lever_engine_by_hand.py", "tests/unit/core/test_levers.py",
                             _LEVERS],
    "cnyx_sim.core.sharing": [*_SHARING, "tests/unit/core/test_model_schedule.py"],
    "cnyx_sim.core.state": ["tests/unit/core/test_state.py", "tests/unit/core/test_city_agent.py",
                            "tests/validation/test_base_year_state.py",
                            "tests/unit/core/test_model_schedule.py"],
    # fifth round: the agents, the transfer engine (project book) and the model's schedule, reached by nearly every
    # model-running test, so each gets the unit tests on the two-unit world and one invariant test at most; projects
    # none: with tests/invariants/test_investment_accounting.py its 1648 mutants ran at ~18 a minute (> 1.5 hours)
    "cnyx_sim.core.agents": ["tests/unit/core/test_city_agent.py", "tests/unit/core/test_model_schedule.py"],
    "cnyx_sim.core.projects": ["tests/unit/core/test_transfer_engine.py", "tests/unit/core/test_project_draws.py",
                               "tests/unit/core/test_transfer_engine_refusals.py",
                               "tests/unit/core/test_model_schedule.py"],
    "cnyx_sim.core.model": ["tests/unit/core/test_model_schedule.py", "tests/unit/core/test_city_agent.py",
                            "tests/unit/core/test_transfer_engine.py",
                            "tests/invariants/test_independent_accounting.py"],
}


def source_file(module: str) -> str:
    return "src/" + module.replace(".", "/") + ".py"


def resolve(names: list[str]) -> list[str]:
    """Full module names for ``names`` (a full name or its last part), in PLAN order."""
    if not names:
        return list(PLAN)
    chosen = set()
    for name in names:
        matches = [m for m in PLAN if m == name or m.rsplit(".", 1)[1] == name]
        if not matches:
            raise SystemExit(f"mutation_run: {name!r} is not in the plan (tools/mutation_run.py PLAN): "
                             f"{', '.join(m.rsplit('.', 1)[1] for m in PLAN)}")
        chosen.update(matches)
    return [m for m in PLAN if m in chosen]


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def pyproject_for(module: str) -> str:
    """The repository's pyproject.toml with a ``[tool.mutmut]`` for ``module`` and its tests only."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    base = tomllib.loads(text)["tool"]["mutmut"]
    head = text.split("[tool.mutmut]")[0]
    existing = [t for t in PLAN[module] if (ROOT / t).exists()]
    return head + "\n".join([
        "[tool.mutmut]",
        'source_paths = ["src"]',
        f"only_mutate = {toml_list([source_file(module)])}",
        f"also_copy = {toml_list(base['also_copy'])}",
        f"pytest_add_cli_args_test_selection = {toml_list(existing)}",
        f"timeout_constant = {base['timeout_constant']}",
        f"timeout_multiplier = {base['timeout_multiplier']}",
        "use_git_change_detection = false",
        # hypothesis searches from a fixed seed, so a run is reproducible (a property test's new find would
        # otherwise fail mutmut's clean run at random)
        'pytest_add_cli_args = ["--hypothesis-seed=0"]',
        "",
    ])


def run_module(module: str, children: int) -> dict:
    sandbox = WORK / module
    shutil.rmtree(sandbox, ignore_errors=True)
    sandbox.mkdir(parents=True)
    for name in LINKED:
        (sandbox / name).symlink_to(ROOT / name)
    (sandbox / "pyproject.toml").write_text(pyproject_for(module), encoding="utf-8")
    command = [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(children)]
    start = time.monotonic()
    with (sandbox / "mutmut.log").open("w", encoding="utf-8") as log:
        proc = subprocess.run(command, cwd=sandbox, stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    info = {"module": module, "tests": PLAN[module], "wall_seconds": round(time.monotonic() - start, 1),
            "exit_code": proc.returncode, "command": f"python tools/mutation_run.py {module.rsplit('.', 1)[1]}",
            "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
    (sandbox / "run.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to run (default: all of PLAN, in order)")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested in parallel")
    parser.add_argument("--list", action="store_true", help="print the plan and stop")
    args = parser.parse_args(argv)
    modules = resolve(args.modules)
    if args.list:
        for module in modules:
            print(module, " ".join(PLAN[module]))
        return 0
    failed = 0
    for module in modules:
        info = run_module(module, args.max_children)
        failed += info["exit_code"] != 0
        # a module's first run is its 'before' score (kept in docs/mutation-before.json; later runs do not change it)
        subprocess.run([sys.executable, str(ROOT / "tools" / "mutation_report.py"), "--save-before"], cwd=ROOT,
                       stdout=subprocess.DEVNULL, check=False)
        print(f"{module}: {info['wall_seconds'] / 60:.1f} min, mutmut exit {info['exit_code']}"
              + ("" if info["exit_code"] == 0 else f" (log: {WORK.name}/{module}/mutmut.log)"), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

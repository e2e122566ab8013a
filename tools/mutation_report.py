"""Write docs/mutation.md from the results of the mutmut runs (``make mutation``; docs/mutation-method.md explains).

The committed record of every module's last run is ``docs/mutation-results.json`` (per module: its ``run.json``,
the status of every mutant and the change of every mutant the report can list). For each module of the plan
whose run folder ``mutation-work/<module>/`` holds results (mutmut's ``mutants/src/**/*.py.meta`` and the mutated
sources), the module's entry is read from that folder (changes from mutmut's diff) and replaces the entry in the
data file; a module without a run folder keeps its entry. docs/mutation.md is then rendered from the data file,
the verdicts written by hand for surviving mutants (``docs/mutation-verdicts.yaml``: mutant name ->
``killed by <test>`` or ``equivalent: <why>``) and the score of each module's first run (``docs/mutation-before.json``;
``--save-before`` writes it from the current results). So the report regenerates from the repository alone, and
a run folder is only needed to bring a module's entry up to date. Run from the repository root.

Score of a module = (killed + timeout) / mutants run (mutants not run are left out; a mutant no selected test
reaches, "no tests", counts as run and not killed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from mutation_run import PLAN, WORK, source_file  # noqa: E402  (tools/ is not a package)

REPORT = ROOT / "docs" / "mutation.md"
RESULTS = ROOT / "docs" / "mutation-results.json"
VERDICTS = ROOT / "docs" / "mutation-verdicts.yaml"
BEFORE = ROOT / "docs" / "mutation-before.json"
TARGET = 0.90

#: mutmut exit code -> status (mutmut.stats.status_by_exit_code, repeated so the report needs no mutmut import
#: to classify; anything else is "suspicious").
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout",
          -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault",
          None: "not checked", 2: "interrupted"}


def sandbox_of(module: str) -> Path:
    """The working directory of ``module``'s run (tools/mutation_run.py)."""
    return WORK / module


def module_of(name: str) -> str:
    """``cnyx_sim.checks.x_compare__mutmut_6`` -> ``cnyx_sim.checks`` (mutants are named after their module)."""
    return name.rsplit(".", 1)[0]


class ResultsError(Exception):
    """A run folder or the data file cannot give what the report needs (the message names module and reason)."""


#: statuses that count as killed (summary()); every other mutant of a run gets its change recorded
KILLED = ("killed", "timeout")
#: statuses of a survivor, listed in the report with its verdict
SURVIVING = ("survived", "no tests")


def read_statuses(module: str) -> dict[str, str]:
    """``{mutant: status}`` of ``module``'s run in mutation-work/ (empty when the folder has no results)."""
    meta = sandbox_of(module) / "mutants" / (source_file(module) + ".meta")
    if not meta.is_file():
        return {}
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return {name: STATUS.get(code, "suspicious") for name, code in codes.items()}


def run_info(module: str) -> dict:
    path = sandbox_of(module) / "run.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def short_name(name: str, module: str) -> str:
    """``cnyx_sim.checks.x_f__mutmut_6`` -> ``x_f__mutmut_6`` (the data file keys mutants by module)."""
    if not name.startswith(module + "."):
        raise ResultsError(f"{module}: mutant {name!r} is not named after its module")
    return name.removeprefix(module + ".")


def read_work(verdicts: dict[str, str], before: dict) -> dict[str, dict]:
    """The data-file entry of every module whose run folder has results, in the plan's order (then the others).

    An entry is ``{"run": run.json, "status": {mutant: status}, "change": {mutant: diff line}}``, mutants named
    without their module. A change is recorded for every mutant not killed, with a verdict or among the module's
    'before' survivors (every mutant the report may list); one that mutmut cannot diff is an error."""
    out: dict[str, dict] = {}
    for module in [*PLAN, *sorted(p.name for p in WORK.glob("*") if p.name not in PLAN)]:
        statuses = read_statuses(module)
        if not statuses:
            continue
        listed = set(before.get("survivors", {}).get(module, []))
        change = {}
        for name, status in statuses.items():
            if status not in KILLED or name in verdicts or name in listed:
                try:
                    change[short_name(name, module)] = diff_line(name, module)
                except Exception as error:  # noqa: BLE001  (mutmut raises bare Exceptions; any is fatal here)
                    raise ResultsError(f"{WORK.name}/{module}: cannot compute the change of mutant {name} "
                                       f"({type(error).__name__}: {error})") from error
        out[module] = {"run": run_info(module), "status": {short_name(n, module): st for n, st in statuses.items()},
                       "change": change}
    return out


def load_data() -> dict[str, dict]:
    """The entries of docs/mutation-results.json (empty when the file does not exist yet)."""
    if not RESULTS.is_file():
        return {}
    try:
        modules = json.loads(RESULTS.read_text(encoding="utf-8"))["modules"]
    except (ValueError, KeyError) as error:
        raise ResultsError(f"{RESULTS.relative_to(ROOT)}: not a results file ({error})") from error
    return modules


def merge(data: dict[str, dict], work: dict[str, dict]) -> dict[str, dict]:
    """The data file's entries with those read from mutation-work/ replacing theirs, in the plan's order and then
    the modules not in the plan, sorted."""
    merged = {**data, **work}
    return {m: merged[m] for m in [*(m for m in PLAN if m in merged), *sorted(m for m in merged if m not in PLAN)]}


def statuses_of(entries: dict[str, dict]) -> dict[str, dict[str, str]]:
    """``module -> {full mutant name: status}``."""
    return {m: {f"{m}.{n}": st for n, st in e["status"].items()} for m, e in entries.items()}


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_data(entries: dict[str, dict]) -> None:
    about = ("Last mutmut run of each module of tools/mutation_run.py's plan: run.json, the status of every "
             "mutant (names without the module) and the change of every mutant not killed, with a verdict or a "
             "'before' survivor. Written by tools/mutation_report.py; docs/mutation.md is rendered from it.")
    text = json.dumps({"about": about, "modules": entries}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(RESULTS, text)


def summary(statuses: dict[str, str]) -> dict[str, float | int]:
    count = Counter(statuses.values())
    tested = len(statuses) - count["skipped"] - count["not checked"]
    killed = count["killed"] + count["timeout"]
    return {"mutants": len(statuses), "killed": count["killed"], "timeout": count["timeout"],
            "survived": count["survived"], "no_tests": count["no tests"], "not_checked": count["not checked"],
            "other": count["suspicious"] + count["segfault"] + count["interrupted"],
            "score": killed / tested if tested else float("nan")}


def diff_line(name: str, module: str) -> str:
    """The mutated line(s) of a mutant, ``- old`` / ``+ new``, from ``mutmut show``'s diff (raises when mutmut
    cannot compute it, e.g. the mutated sources are missing)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    path = Path(source_file(module))
    cwd = os.getcwd()
    try:
        os.chdir(sandbox_of(module))  # mutmut reads mutants/ and its configuration relative to the run's folder
        diff = get_diff_for_mutant(name, path=path)
    finally:
        os.chdir(cwd)
    changed = [line for line in diff.splitlines()[2:] if line[:1] in "+-" and line[1:].strip()]
    if not changed:
        raise ValueError("the diff has no changed line")
    return " / ".join(f"{line[0]} {line[1:].strip()}" for line in changed)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def percent(value) -> str:
    return "-" if value is None or value != value else f"{100 * value:.1f} %"


def load_verdicts() -> dict[str, str]:
    return (yaml.safe_load(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.is_file() else None) or {}


def load_before() -> dict:
    return json.loads(BEFORE.read_text(encoding="utf-8")) if BEFORE.is_file() else {"modules": {}, "survivors": {}}


def change_of(name: str, module: str, entry: dict) -> str:
    """The recorded change of mutant ``name``; a mutant not among the module's mutants any more (its code changed
    since the 'before' run) has none."""
    short = name.removeprefix(module + ".")
    if short in entry["change"]:
        return entry["change"][short]
    if short not in entry["status"]:
        return "(gone: not a mutant of the last run)"
    raise ResultsError(f"{RESULTS.relative_to(ROOT)}: {module}: no change recorded for mutant {short}; run "
                       f"tools/mutation_report.py with the module's run folder in {WORK.name}/")


def render(entries: dict[str, dict], verdicts: dict[str, str], before: dict) -> tuple[str, int]:
    """docs/mutation.md from the data file's entries, the verdicts and the 'before' scores; and the number of
    survivors without a verdict."""
    results = statuses_of(entries)
    status_now = {name: status for statuses in results.values() for name, status in statuses.items()}
    total_seconds = sum(entries[m]["run"].get("wall_seconds", 0.0) for m in results)
    lines = [
        "# Mutation testing",
        "",
        "Generated by `make mutation` (`tools/mutation_run.py`, then `tools/mutation_report.py`); do not edit by",
        "hand. How it works, what is in scope and how to read it: `docs/mutation-method.md`.",
        "",
        "Each module is run on its own with only its tests (`python tools/mutation_run.py MODULE`; the modules and",
        "their tests: `python tools/mutation_run.py --list`). Wall time of the modules below: "
        f"{total_seconds / 60:.1f} min on this machine (2 cores shared with other sessions), per module in the table.",
        "",
        "## Score per module",
        "",
        "Score = (killed + timeout) / mutants run (a mutant no selected test reaches counts as not killed). "
        f"Target: {TARGET:.0%} per module. *Before*: the first run of the module, with the tests as they were "
        "before issue 13's new tests for it. *Equivalents left out*: the same score over the mutants that are not "
        "argued equivalent in docs/mutation-verdicts.yaml.",
        "",
        "| module | mutants | killed | timeout | survived | no tests | score before | score now | "
        "now, equivalents left out | wall time | run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for module in [*results, *(m for m in PLAN if m not in results)]:
        if module not in results:
            lines.append(f"| `{module}` | | | | | | {percent(before['modules'].get(module, {}).get('score'))} | "
                         f"not run | | | `python tools/mutation_run.py {module.rsplit('.', 1)[1]}` |")
            continue
        s = summary(results[module])
        info = entries[module]["run"]
        previous = before["modules"].get(module, {}).get("score")
        equivalent = sum(1 for n, st in results[module].items()
                         if st in ("survived", "no tests") and verdicts.get(n, "").startswith("equivalent"))
        tested = s["mutants"] - s["not_checked"] - equivalent
        net = (s["killed"] + s["timeout"]) / tested if tested else float("nan")
        finished = (f"{info['wall_seconds'] / 60:.1f} min | {info['finished']}" if info else
                    f"| **unfinished** ({s['not_checked']} not run yet)")
        lines.append(f"| `{module}` | {s['mutants']} | {s['killed']} | {s['timeout']} | {s['survived']} | "
                     f"{s['no_tests']} | {percent(previous)} | {percent(s['score'])} | {percent(net)} | {finished} |")
    lines += ["", "## Surviving mutants and their verdicts", "",
              "Every mutant that survived the first run or survives now, with its verdict: `killed by <test>` "
              "(a test added for it; the mutant is killed now) or `equivalent: <why>` (no test can tell it from "
              "the original). A survivor without a verdict is listed as **NO VERDICT**.", ""]
    survivors: dict[str, list[str]] = defaultdict(list)
    for module, names in before.get("survivors", {}).items():
        survivors[module].extend(names)
    for module, statuses in results.items():
        survivors[module].extend(n for n, st in statuses.items() if st in ("survived", "no tests")
                                 and n not in survivors[module])
    missing = 0
    for module in results:
        names = sorted(survivors.get(module, []), key=lambda n: (n.rsplit("__mutmut_", 1)[0],
                                                                  int(n.rsplit("__mutmut_", 1)[1])))
        if not names:
            continue
        lines += [f"### `{module}`", "", "| mutant | change | now | verdict |", "|---|---|---|---|"]
        for name in names:
            verdict = verdicts.get(name)
            now = status_now.get(name, "gone")
            if verdict is None and now in ("killed", "timeout"):
                # a survivor of the first run that the module's tests now kill: killed by the tests added since
                # (mutmut stops at the first failing test and does not record which; --attribute can name it)
                verdict = "killed by the tests added since the first run (not attributed to one test)"
            elif verdict is None:
                missing += 1
                verdict = "**NO VERDICT**"
            elif now == "gone":  # its function was rewritten since the first run: the verdict is history
                verdict = f"{verdict} (in the first run; the function was rewritten since)"
            elif verdict.startswith("killed by") and now not in ("killed", "timeout"):
                verdict = f"**CLAIMED {verdict}, BUT {now.upper()} NOW**"
            short = name.removeprefix(module + ".")
            lines.append(f"| `{short}` | `{cell(change_of(name, module, entries[module]))}` | {now} | "
                         f"{cell(verdict)} |")
        lines.append("")
    lines += [f"Survivors without a verdict: {missing}.", ""]
    return "\n".join(lines), missing


def mutant_env(name: str) -> dict[str, str]:
    """Environment that runs the working tree's tests against mutant ``name`` (the mutated code of its run)."""
    return {**os.environ, "PYTHONPATH": str(sandbox_of(module_of(name)) / "mutants" / "src"), "MUTANT_UNDER_TEST": name}


def verify(names: list[str] | None = None) -> int:
    """Run each ``killed by <test>`` verdict's test against its mutant (the mutated code in ``mutants/src``, the
    tests of the working tree) and report claims the test does not back; returns the number of such claims."""
    import subprocess

    verdicts = yaml.safe_load(VERDICTS.read_text(encoding="utf-8")) or {}
    claims = {n: v.removeprefix("killed by ").strip() for n, v in verdicts.items()
              if v.startswith("killed by") and (not names or n in names)}
    tests = sorted(set(claims.values()))
    clean = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT,
                           env={**os.environ, "MUTANT_UNDER_TEST": ""}, capture_output=True, text=True)
    if tests and clean.returncode != 0:
        raise SystemExit(f"the claimed tests fail without a mutant: fix them first\n{clean.stdout[-2000:]}")
    wrong = 0
    for name, test in sorted(claims.items()):
        if not (sandbox_of(module_of(name)) / "mutants" / "src").is_dir():
            continue  # the module was not run: nothing to verify against
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", test],
                              cwd=ROOT, env=mutant_env(name), capture_output=True, text=True)
        ok = proc.returncode == 1
        wrong += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name} <- {test}" + ("" if ok else f" (pytest exit {proc.returncode})"))
    print(f"{len(claims) - wrong}/{len(claims)} claimed kills confirmed")
    return wrong


def attribute(tests: str, pattern: str) -> None:
    """For every survivor without a verdict whose name matches ``pattern`` (fnmatch), run ``tests`` against it and,
    if one fails, append ``killed by <first failing test>`` to the verdicts file (a helper for writing verdicts)."""
    import fnmatch
    import re
    import subprocess

    verdicts = load_verdicts()
    names = {n for names in load_before()["survivors"].values() for n in names}
    for module in PLAN:  # survivors of the runs in mutation-work/ (the only ones a test can be run against)
        names |= {n for n, st in read_statuses(module).items() if st in SURVIVING}
    todo = sorted(n for n in names if n not in verdicts and fnmatch.fnmatch(n, pattern))
    clean = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests.split()],
                           cwd=ROOT, env={**os.environ, "MUTANT_UNDER_TEST": ""}, capture_output=True, text=True)
    if clean.returncode != 0:
        raise SystemExit(f"{tests} fail without a mutant: fix them first\n{clean.stdout[-2000:]}")
    added = []
    for name in todo:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-rf", "-p", "no:cacheprovider",
                               *tests.split()], cwd=ROOT, env=mutant_env(name),
                              capture_output=True, text=True)
        failed = re.search(r"^FAILED (.+?)(?: - .*)?$", proc.stdout, flags=re.MULTILINE)  # ids may hold spaces
        print(f"{name}: {'killed by ' + failed.group(1) if failed else 'not killed'}")
        if failed:
            added.append(f'{name}: "killed by {failed.group(1)}"')
    if added:
        with VERDICTS.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(added) + "\n")


def save_before(entries: dict[str, dict], modules: list[str], before: dict) -> tuple[dict, list[str]]:
    """``before`` with the current results of ``modules`` (default: the modules run that have no 'before' yet) as
    their 'before' scores and survivors, the other modules' entries kept; and the modules stored."""
    data = json.loads(json.dumps(before))  # a copy
    results = statuses_of(entries)
    chosen = [m for m in results if (m in modules or m.rsplit(".", 1)[1] in modules)] if modules else \
        [m for m in results if m not in data["modules"] and entries[m]["run"]]  # run.json: the run has finished
    for m in chosen:
        data["modules"][m] = summary(results[m])
        data["survivors"][m] = sorted(n for n, st in results[m].items() if st in SURVIVING)
    return data, chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save-before", nargs="*", metavar="MODULE",
                        help="store the results of the modules named (default: those without one) as 'before'")
    parser.add_argument("--verify", nargs="*", metavar="MUTANT",
                        help="run each 'killed by' test against its mutant (all, or the mutants named) and stop")
    parser.add_argument("--attribute", nargs=2, metavar=("TESTS", "PATTERN"),
                        help="try TESTS (space-separated paths) on the survivors without a verdict matching PATTERN "
                             "and write 'killed by' verdicts for those a test kills; then stop")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.attribute:
        attribute(*args.attribute)
        return 0
    if args.verify is not None:
        return 1 if verify(args.verify) else 0
    verdicts, before = load_verdicts(), load_before()
    try:  # everything is computed before anything is written: an error leaves every file as it was
        entries = merge(load_data(), read_work(verdicts, before))
        if not entries:
            print(f"no mutmut results in {RESULTS.relative_to(ROOT)} or under {WORK.name}/: run `make mutation` "
                  "first", file=sys.stderr)
            return 2
        if args.save_before is not None:
            new_before, chosen = save_before(entries, args.save_before, before)
        report, missing = render(entries, verdicts, new_before if args.save_before is not None else before)
    except ResultsError as error:
        print(f"mutation_report: {error}", file=sys.stderr)
        return 2
    if args.save_before is not None:
        atomic_write(BEFORE, json.dumps(new_before, indent=1, sort_keys=True) + "\n")
        print(f"wrote {BEFORE.relative_to(ROOT)} for {', '.join(chosen) or 'no module'}")
    write_data(entries)
    atomic_write(REPORT, report)
    print(f"wrote {RESULTS.relative_to(ROOT)} and {REPORT.relative_to(ROOT)} ({missing} survivors without a verdict)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

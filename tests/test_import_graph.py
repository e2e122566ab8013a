"""The package's import graph is acyclic and every module imports on its own (issue 13, item 4).

Two checks, chosen over import-linter/grimp so that no dependency is added and so that imports inside
functions count as much as those at the top (a "hidden" cycle such as engine -> executors -> engine through
a function-level import is still a cycle, and it breaks as soon as someone imports the other end first):

1. a static graph of ``cnyx_sim`` modules built with ``ast`` from every ``import`` anywhere in a module,
   except imports under ``if TYPE_CHECKING:`` (never executed) and imports of the root package
   ``cnyx_sim`` itself (every submodule implies its parent; the root re-exports the API lazily) -- it must
   have no cycle;
2. every module imported first, in a fresh interpreter state: one subprocess preloads the third-party
   libraries (numpy, pandas, pydantic, yaml, scipy, mesa), then forks one child per module that imports
   only that module, so no other ``cnyx_sim`` module is loaded before it.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "cnyx_sim"


def module_names() -> dict[str, Path]:
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__main__":
            continue  # running it is its purpose; it is imported by nothing
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names[name] = path
    return names


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return skipped


def import_graph() -> dict[str, set[str]]:
    """module -> the ``cnyx_sim`` modules it imports anywhere (see the module docstring)."""
    modules = module_names()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_nodes(tree)
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.add(node.module)
                targets.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[name] = {t for t in targets if t in modules and t not in (name, "cnyx_sim")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_two_and_a_three_module_cycle():
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert sorted(cycles(graph)) == [["a", "b"], ["c", "d", "e"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_import_graph_has_no_cycle_even_through_imports_inside_functions():
    graph = import_graph()
    assert "cnyx_sim.scenario.schema" in graph and "cnyx_sim.batch.engine" in graph
    assert cycles(graph) == []


def test_batch_modules_point_one_way_and_nothing_imports_the_engine_back():
    graph = import_graph()
    assert {"cnyx_sim.batch.plan", "cnyx_sim.batch.executors", "cnyx_sim.batch.store"} <= graph["cnyx_sim.batch.engine"]
    importers = {name for name, targets in graph.items() if "cnyx_sim.batch.engine" in targets}
    assert importers <= {"cnyx_sim.api", "cnyx_sim.cli"}, importers


FRESH_IMPORTS = r"""
import importlib, json, os, sys, traceback
import numpy, pandas, pydantic, yaml, scipy.stats, mesa  # third-party only; no cnyx_sim module yet
assert not [m for m in sys.modules if m.split(".")[0] == "cnyx_sim"]
names, parallel = json.loads(sys.argv[1]), int(sys.argv[2])
running, failures = {}, {}

def reap():
    pid, status = os.wait()
    name, read = running.pop(pid)
    message = os.read(read, 400).decode(errors="replace")
    os.close(read)
    if status:
        failures[name] = message or f"exit status {status}"

for name in names:
    if len(running) >= parallel:
        reap()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            code = 0
        except BaseException:
            os.write(write, traceback.format_exc().splitlines()[-1].encode()[:300])
            code = 1
        os._exit(code)
    os.close(write)
    running[pid] = (name, read)
while running:
    reap()
print(json.dumps(failures))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_every_module_imports_first_in_a_fresh_interpreter():
    names = sorted(module_names())
    parallel = str(max(1, min(2, os.cpu_count() or 1)))
    result = subprocess.run([sys.executable, "-c", FRESH_IMPORTS, json.dumps(names), parallel], capture_output=True,
                            text=True, timeout=300, cwd=SRC.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert failures == {}
    assert len(names) > 40  # every module was tried

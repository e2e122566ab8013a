"""core/ and mechanisms/ depend only on numpy, the standard library's computing modules and each other
(+ mesa in core, scipy in mechanisms): no scenario, io, batch or cli, no pandas, no file or logging I/O.

Dependencies point one way (docs/model.md, style.md §1): scenario -> core -> runner -> outputs -> CLI, and
``core/params.py`` (the interface the scenario layer fills) imports nothing from the package. Checked on the
source text, so imports inside functions and ``if TYPE_CHECKING`` blocks count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "cnyx_sim"
#: Standard-library modules with no I/O that the model code may use.
STDLIB = {"__future__", "hashlib", "dataclasses", "typing", "datetime", "math", "functools", "itertools", "collections",
          "enum", "abc"}
ALLOWED = {
    "core": STDLIB | {"numpy", "mesa", "cnyx_sim.core", "cnyx_sim.mechanisms"},
    "mechanisms": STDLIB | {"numpy", "scipy", "cnyx_sim.mechanisms", "cnyx_sim.core.params", "cnyx_sim.core.state",
                            "cnyx_sim.core.rng"},
}
#: Built-in calls that do I/O.
IO_CALLS = {"print", "open", "input"}


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            # ``from cnyx_sim.mechanisms import fiscal`` imports cnyx_sim.mechanisms.fiscal
            names += [f"{base}.{alias.name}" if base.startswith("cnyx_sim") else base for alias in node.names]
    return names


def is_allowed(module: str, allowed: set[str]) -> bool:
    return any(module == a or module.startswith(a + ".") for a in allowed)


def modules_of(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).glob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_model_code_imports_only_numpy_the_stdlib_and_its_own_layers(layer):
    assert modules_of(layer), f"no modules found in {layer}"
    bad = [f"{path.name}: {module}" for path in modules_of(layer) for module in imported_modules(path)
           if not is_allowed(module, ALLOWED[layer])]
    assert not bad, f"{layer}/ imports outside its allowed dependencies: {bad}"


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_model_code_does_no_io(layer):
    bad = []
    for path in modules_of(layer):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in IO_CALLS:
                bad.append(f"{path.name}:{node.lineno} {node.func.id}()")
    assert not bad, f"{layer}/ does I/O: {bad}"


def test_params_import_nothing_from_the_package():
    imports = imported_modules(PACKAGE / "core" / "params.py")
    assert [m for m in imports if m.startswith("cnyx_sim")] == []


def test_the_import_check_sees_imports_inside_functions_and_type_checking_blocks(tmp_path):
    source = tmp_path / "example.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cnyx_sim.io import results\n"
                      "def f():\n    import pandas\n", encoding="utf-8")
    assert [m for m in imported_modules(source) if not is_allowed(m, ALLOWED["core"])] == [
        "cnyx_sim.io.results", "pandas"]

"""The notebooks run headless from top to bottom with inline figures, and are committed without outputs.

They are documentation that must not rot: the quick start (two scenarios, compare, plot) and the policy study
(who gains and who loses from the sharing rules).
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = ("quickstart.ipynb", "policy_sharing.ipynb")


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes_headless_with_inline_figures(repo_root, name):
    path = repo_root / "notebooks" / name
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.get("output_type") == "error"]
    assert not errors
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(figures) >= 2, "the figures must show inline (no Agg-only backend, no figure left undisplayed)"
    assert any("text/html" in o.get("data", {}) for o in outputs)  # tables render


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_has_no_outputs(repo_root, name):
    notebook = nbformat.read(repo_root / "notebooks" / name, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    dirty = [i for i, cell in enumerate(code) if cell.get("outputs") or cell.get("execution_count") is not None]
    assert not dirty, f"{name}: outputs committed in code cells {dirty}; strip them (e.g. nbstripout) before committing"


def test_every_notebook_in_the_folder_is_tested(repo_root):
    assert sorted(p.name for p in (repo_root / "notebooks").glob("*.ipynb")) == sorted(NOTEBOOKS)

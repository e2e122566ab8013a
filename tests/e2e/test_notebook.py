"""The example notebook runs headless from top to bottom (it is documentation that must not rot)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient


@pytest.mark.slow
def test_example_notebook_executes_headless(repo_root):
    path = repo_root / "notebooks" / "explore_baseline.ipynb"
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any(o.get("output_type") == "execute_result" for o in outputs)

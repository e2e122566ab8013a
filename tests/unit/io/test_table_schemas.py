"""Empty and full output tables write the same Parquet schema, so a batch folder whose chunks have no
sharing (or no projects) still reads as one dataset, and notebooks see stable dtypes."""

from __future__ import annotations

import pyarrow as pa
import pytest

from cnyx_sim.io import results as results_io
from cnyx_sim.pipeline import prepare_scenario, run_tables


class _RunWithout:
    """A finished run with neither projects nor a sharing ledger."""

    projects = None
    sharing = None


def _schema(frame):
    return pa.Schema.from_pandas(frame, preserve_index=False).remove_metadata()


@pytest.fixture(scope="module")
def deep_tables(repo_root):
    return run_tables(prepare_scenario(repo_root / "scenarios" / "deep_integration.yaml"), 0)


def test_sharing_ledger_has_the_same_parquet_schema_when_empty(deep_tables):
    assert len(deep_tables["sharing"]) > 0
    assert _schema(deep_tables["sharing"]) == _schema(results_io.sharing_frame(_RunWithout()))
    assert list(deep_tables["sharing"].columns) == list(results_io.SHARING_COLUMNS)


def test_projects_table_has_the_same_parquet_schema_when_empty(deep_tables):
    assert len(deep_tables["projects"]) > 0
    empty = results_io.projects_frame(_RunWithout())
    assert _schema(deep_tables["projects"]) == _schema(empty)
    assert {c: str(t) for c, t in deep_tables["projects"].dtypes.items()} == \
        {c: str(t) for c, t in empty.dtypes.items()}

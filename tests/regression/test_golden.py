"""Golden outputs of every shipped scenario: the model's numbers may change only on purpose.

For each ``scenarios/*.yaml`` (not the sweeps folder), runs 0 and 1 at the file's seed are computed through
``pipeline.run_tables`` (the code path of ``cnyx-sim run`` and of every batch executor) and compared with
two committed files in ``tests/regression/golden/``:

- ``<scenario>.hashes.json``: a SHA-256 of each output table's contents (trajectories, targets, projects,
  sharing), computed from the DataFrame, not from Parquet bytes, so pyarrow versions do not matter. Rows are
  sorted first, so only contents count, not the row order the writer happens to use. Exact: a refactor that
  claims "no behaviour change" must leave every hash as it is.
- ``<scenario>.region_totals.csv``: region (``cnyx``) totals of key variables by run and year, compared with
  an explicit tolerance, so a failure prints which numbers moved and by how much.

``pytest --regen-golden`` rewrites both files (tests/regression/README.md: a golden change must be explained
in the commit that makes it).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.pipeline import OUTPUT_FILES, prepare_scenario, run_tables

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
SCENARIOS = sorted(p for p in (REPO / "scenarios").glob("*.yaml"))
RUNS = (0, 1)
#: Region totals written to the readable CSV (sector ``total``, region ``cnyx``), when a scenario has them.
KEY_VARIABLES = (
    "gdp_nominal", "gdp_real", "industry_va_real", "population", "employment", "capital_stock",
    "net_migration", "public_capital", "public_investment", "tax_revenue_gross", "tax_local_collected",
    "tax_local_after_sharing", "gdp_credited_nominal", "debt", "incentive_cost", "projects_arrived",
    "project_investment", "project_va_nominal",
)
#: Tolerance of the readable comparison (the hashes are exact).
RTOL, ATOL = 1e-12, 1e-12


def _column_bytes(values: pd.Series) -> bytes:
    """A column's contents as bytes: numbers by their little-endian bit patterns, text as UTF-8."""
    kind = values.dtype.kind
    if kind == "f":
        return values.to_numpy(dtype="<f8").tobytes()
    if kind in "iu" and isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
        # nullable integers (pandas Int64, e.g. projects' years with <NA> for "none"): the missing mask, then
        # the values with missing ones as the smallest int64
        missing = values.isna().to_numpy()
        return missing.tobytes() + values.to_numpy(dtype="<i8", na_value=np.iinfo(np.int64).min).tobytes()
    if kind in "iu":
        return values.to_numpy(dtype="<i8").tobytes()
    if kind == "b":
        return values.to_numpy(dtype="u1").tobytes()
    parts = []
    for value in values.to_numpy(dtype=object):
        text = b"\x00<NA>" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).encode()
        parts.append(len(text).to_bytes(4, "little") + text)
    return b"".join(parts)


def table_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and row-sorted contents."""
    ordered = frame.sort_values(list(frame.columns), kind="mergesort", na_position="first").reset_index(drop=True)
    digest = hashlib.sha256()
    for name in ordered.columns:
        column = ordered[name]
        digest.update(f"{name}:{column.dtype}:{len(column)}\n".encode())
        digest.update(_column_bytes(column))
    return digest.hexdigest()


@lru_cache(maxsize=None)
def scenario_outputs(path: Path) -> tuple[int, dict[str, pd.DataFrame]]:
    """The scenario's seed and its output tables for ``RUNS`` (concatenated in run order)."""
    prepared = prepare_scenario(path)
    per_run = [run_tables(prepared, run) for run in RUNS]
    tables = {name: pd.concat([tables[name] for tables in per_run], ignore_index=True) for name in OUTPUT_FILES}
    return prepared.seed, tables


def region_totals(trajectories: pd.DataFrame) -> pd.DataFrame:
    rows = trajectories[(trajectories["region"] == "cnyx") & (trajectories["sector"] == "total")
                        & trajectories["variable"].isin(KEY_VARIABLES)]
    order = {name: i for i, name in enumerate(KEY_VARIABLES)}
    out = rows[["run", "year", "variable", "value"]].copy()
    out["_order"] = out["variable"].map(order)
    return out.sort_values(["run", "_order", "year"]).drop(columns="_order").reset_index(drop=True)


def hashes_path(path: Path) -> Path:
    return GOLDEN / f"{path.stem}.hashes.json"


def totals_path(path: Path) -> Path:
    return GOLDEN / f"{path.stem}.region_totals.csv"


def write_golden(path: Path) -> None:
    seed, tables = scenario_outputs(path)
    record = {
        "scenario_file": f"scenarios/{path.name}", "seed": seed, "runs": list(RUNS),
        "tables": {name: {"rows": len(frame), "sha256": table_digest(frame)} for name, frame in tables.items()},
    }
    GOLDEN.mkdir(exist_ok=True)
    hashes_path(path).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    # repr() of a float is the shortest text that reads back to the same number.
    totals = region_totals(tables["trajectories"])
    lines = ["run,year,variable,value"] + [f"{r.run},{r.year},{r.variable},{r.value!r}" for r in totals.itertuples()]
    totals_path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def golden(request, path: Path) -> Path:
    """Regenerates the scenario's golden files first when pytest runs with ``--regen-golden``."""
    if request.config.getoption("--regen-golden"):
        write_golden(path)
    if not hashes_path(path).exists() or not totals_path(path).exists():
        pytest.fail(f"no golden outputs for {path.name}: run `pytest tests/regression --regen-golden` and "
                    f"explain the new scenario in the commit")
    return path


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_output_tables_are_identical_to_the_golden_hashes(golden, path):
    seed, tables = scenario_outputs(path)
    expected = json.loads(hashes_path(path).read_text(encoding="utf-8"))
    assert expected["seed"] == seed, f"{path.name}: seed changed from {expected['seed']} to {seed}"
    changed = []
    for name, frame in tables.items():
        want = expected["tables"].get(name)
        got = {"rows": len(frame), "sha256": table_digest(frame)}
        if want != got:
            changed.append(f"{name} (rows {want and want['rows']} -> {got['rows']})")
    assert not changed, (f"{path.name}: output tables differ from the golden run: {', '.join(changed)}. "
                         f"See the region-totals test for which numbers moved; if the change is intended, "
                         f"run `pytest tests/regression --regen-golden` and explain it in the commit.")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_region_totals_of_key_variables_match_the_golden_csv(golden, path):
    _, tables = scenario_outputs(path)
    actual = region_totals(tables["trajectories"])
    expected = pd.read_csv(totals_path(path), dtype={"run": "int64", "year": "int64", "variable": str,
                                                    "value": "float64"})
    merged = expected.merge(actual, on=["run", "year", "variable"], how="outer", suffixes=("_golden", "_now"),
                            indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"{path.name}: rows only in one side:\n{missing.to_string(index=False)}"
    golden_value, value = merged["value_golden"].to_numpy(), merged["value_now"].to_numpy()
    bad = ~np.isclose(value, golden_value, rtol=RTOL, atol=ATOL, equal_nan=True)
    if bad.any():
        moved = merged.loc[bad, ["run", "year", "variable", "value_golden", "value_now"]].copy()
        moved["relative_change"] = (moved["value_now"] - moved["value_golden"]) / moved["value_golden"].abs()
        pytest.fail(f"{path.name}: {int(bad.sum())} region totals moved beyond rtol={RTOL} (first 25):\n"
                    f"{moved.head(25).to_string(index=False)}")


def test_every_golden_file_belongs_to_a_shipped_scenario():
    stems = {p.stem for p in SCENARIOS}
    stale = sorted(f.name for f in GOLDEN.glob("*") if f.name.split(".")[0] not in stems)
    assert not stale, f"golden files without a scenario in scenarios/: {stale} (delete them)"


def test_table_digest_ignores_row_order_but_sees_every_value_name_and_dtype():
    frame = pd.DataFrame({"region": ["a", "b", None], "year": [2021, 2022, 2023], "value": [1.0, 2.0, np.nan],
                          "met": [True, False, True]})
    digest = table_digest(frame)
    assert table_digest(frame.iloc[::-1]) == digest
    changed_value = frame.assign(value=[1.0, 2.0 + 1e-15, np.nan])
    changed_text = frame.assign(region=["a", "c", None])
    renamed = frame.rename(columns={"value": "amount"})
    retyped = frame.assign(year=frame["year"].astype(float))
    digests = {table_digest(f) for f in (changed_value, changed_text, renamed, retyped)}
    assert digest not in digests and len(digests) == 4

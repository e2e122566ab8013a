"""The reusable CSV validator for data files (io/datafile.py) and the calibration and travel-time readers
built on it: every problem is one line ``file:line: column: expected``, text cells are never echoed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cnyx_sim.io.calibration import CalibrationError, load_calibration, load_travel_times
from cnyx_sim.io.datafile import Column, DataFileError, TableSpec, bounded, read_table
from cnyx_sim.limits import Limits

REPO = Path(__file__).resolve().parents[3]
SPEC = TableSpec(
    columns=(Column("code", "code"), Column("value", "float", gt=0.0, le=100.0), Column("count", "int", ge=0),
             Column("flag", "bool"), Column("kind", "code", choices=("a", "b")),
             Column("note", "text", required=False, nullable=True)),
    unique=("code",), what="test table")


def csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem(path: Path, spec: TableSpec = SPEC, **kwargs) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        read_table(path, spec, **kwargs)
    assert "\n" not in str(info.value)
    return info.value


HEADER = "code,value,count,flag,kind,note\n"


def test_a_valid_table_is_read_as_typed_rows_with_their_lines(tmp_path):
    path = csv(tmp_path, "\ufeff" + HEADER + "x,1.5,3,true,a,\n\ny,100,0,no,b,some text\n")
    table = read_table(path, SPEC)
    assert table.rows == [{"code": "x", "value": 1.5, "count": 3, "flag": True, "kind": "a", "note": None},
                          {"code": "y", "value": 100.0, "count": 0, "flag": False, "kind": "b", "note": "some text"}]
    assert table.lines == [2, 4] and len(table.sha256) == 64


@pytest.mark.parametrize("row, column, expected", [
    ("x,nan,1,true,a,", "value", "finite number, got nan"),
    ("x,inf,1,true,a,", "value", "finite number, got inf"),
    ("x,0,1,true,a,", "value", "> 0 and <= 100, got 0"),
    ("x,1e308,1,true,a,", "value", "<= 100, got 1e+308"),
    ("x,abc,1,true,a,", "value", "expected a number"),
    ("x,1,-1,true,a,", "count", ">= 0, got -1"),
    ("x,1,1.5,true,a,", "count", "whole number"),
    ("x,1,1,maybe,a,", "flag", "true or false"),
    ("x,1,1,true,c,", "kind", "one of a, b"),
    ("x,,1,true,a,", "value", "empty cell"),
    ("x y,1,1,true,a,", "code", "a code"),
])
def test_a_bad_cell_names_file_line_and_column(tmp_path, row, column, expected):
    path = csv(tmp_path, HEADER + "ok,1,1,true,a,\n" + row + "\n")
    error = problem(path)
    assert (error.line, error.column) == (3, column)
    assert str(error).startswith(f"{path}:3: column {column}: ") and expected in str(error)


def test_text_cells_and_headers_are_never_echoed(tmp_path):
    path = csv(tmp_path, "root:x:0:0:secret-name:/root:/bin/bash\n")
    assert "secret" not in str(problem(path))
    path = csv(tmp_path, HEADER + "x,secret-value,1,true,a,\n")
    assert "secret" not in str(problem(path))


def test_missing_and_repeated_columns_are_header_problems(tmp_path):
    error = problem(csv(tmp_path, "code,value\nx,1\n"))
    assert error.line == 1 and "missing column(s) count, flag, kind" in str(error)
    error = problem(csv(tmp_path, "code,code,value,count,flag,kind\nx,y,1,1,true,a\n"))
    assert error.column == "code" and "named twice" in str(error)


def test_two_rows_with_the_same_key_are_refused_at_the_second(tmp_path):
    error = problem(csv(tmp_path, HEADER + "x,1,1,true,a,\nx,2,1,true,a,\n"))
    assert error.line == 3 and "same code as line 2" in str(error)


def test_a_row_rule_by_variable_applies_to_its_rows_only(tmp_path):
    spec = TableSpec(columns=(Column("variable", "code"), Column("value", "float")),
                     row_checks=(bounded("value", {"population": ("gt", 0.0, 1e5)}),))
    assert len(read_table(csv(tmp_path, "variable,value\nother,-5\npopulation,3\n"), spec).rows) == 2
    error = problem(csv(tmp_path, "variable,value\npopulation,0\n"), spec)
    assert (error.line, error.column) == (2, "value") and "population must be > 0" in str(error)


def test_a_binary_file_is_reported_at_the_line_of_its_first_undecodable_byte(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(HEADER.encode() + b"x,1,1,true,a,\n\xff\xfe\x00binary\n")
    error = problem(path)
    assert error.line == 3 and "not UTF-8" in str(error)


def test_nul_bytes_are_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(HEADER.encode() + b"x,1,1,true,a,\x00\n")
    assert "NUL" in str(problem(path))


@pytest.mark.parametrize("target", ["fifo", "folder", "/dev/zero", "missing"])
def test_only_regular_files_are_read(tmp_path, target):
    path = tmp_path / target
    if target == "fifo":
        os.mkfifo(path)
    elif target == "folder":
        path.mkdir()
    elif target == "/dev/zero":
        path = Path("/dev/zero")
    error = problem(path)
    assert error.line is None
    assert any(word in str(error) for word in ("not a regular file", "a folder", "not found"))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = csv(tmp_path, HEADER + "x,1,1,true,a,\n" * 100)
    error = problem(path, limits=Limits(data_file_bytes=100))
    assert "limit" in str(error) and "--lift-limits" in str(error)
    assert len(read_table(path, SPEC.__class__(columns=SPEC.columns), limits=Limits.lifted()).rows) == 100


def test_an_empty_file_has_no_header(tmp_path):
    assert "empty" in str(problem(csv(tmp_path, "\n\n")))


# ----------------------------------------------------------------------------------------------- calibration
def copy_calibration(tmp_path: Path) -> Path:
    folder = tmp_path / "cal"
    folder.mkdir()
    for name in ("regions.csv", "sectors.csv", "base_year_2021.csv", "travel_times_2021.csv"):
        (folder / name).write_bytes((REPO / "calibration" / name).read_bytes())
    return folder


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` by ``new``; returns the 1-based line of the change."""
    text = path.read_text(encoding="utf-8")
    position = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, position) + 1


def test_the_shipped_calibration_loads_with_file_hashes():
    calibration = load_calibration()
    assert set(calibration.files) == {"regions.csv", "sectors.csv", "base_year_2021.csv", "io_coefficients.csv"}
    assert calibration.base.population.min() > 0


def test_value_added_not_summing_to_gdp_is_reported_at_the_units_gdp_row(tmp_path):
    folder = copy_calibration(tmp_path)
    line = edit(folder / "base_year_2021.csv", "zigong,gdp_nominal,total,1601.310000", "zigong,gdp_nominal,total,1700")
    with pytest.raises(CalibrationError) as info:
        load_calibration(folder)
    assert info.value.line == line and "sums to 1601.31, not its gdp_nominal 1700" in str(info.value)


def test_a_unit_without_a_row_is_named(tmp_path):
    folder = copy_calibration(tmp_path)
    edit(folder / "base_year_2021.csv", "zigong,population,total", "zigong,population_typo,total")
    with pytest.raises(CalibrationError, match="no population .total. row for unit.s. zigong"):
        load_calibration(folder)


def test_a_regions_file_with_a_repeated_code_is_refused_at_its_line(tmp_path):
    folder = copy_calibration(tmp_path)
    text = (folder / "regions.csv").read_text(encoding="utf-8").splitlines()
    (folder / "regions.csv").write_text("\n".join(text + [text[1]]) + "\n", encoding="utf-8")
    with pytest.raises(CalibrationError) as info:
        load_calibration(folder)
    assert info.value.line == len(text) + 1 and "same code as line 2" in str(info.value)


def test_a_travel_time_table_missing_a_pair_names_the_pair(tmp_path):
    folder = copy_calibration(tmp_path)
    path = folder / "travel_times_2021.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("zigong,luzhou,")) + "\n",
                    encoding="utf-8")
    nodes = ("zigong", "luzhou", "neijiang")
    with pytest.raises(DataFileError, match="no travel time for zigong-luzhou"):
        load_travel_times(path, nodes)


def test_travel_times_are_symmetric_with_a_zero_diagonal():
    times = load_travel_times(REPO / "calibration" / "travel_times_2021.csv", ("zigong", "luzhou", "chengdu"))
    assert (times.hours == times.hours.T).all() and times.hours.diagonal().tolist() == [0.0, 0.0, 0.0]
    assert times.hours[0, 1] == 1.59


def test_input_output_coefficients_that_do_not_add_up_to_their_total_are_refused(tmp_path):
    import shutil

    import numpy as np

    from cnyx_sim.io.calibration import DEFAULT_CALIBRATION_DIR

    folder = tmp_path / "calibration"
    shutil.copytree(DEFAULT_CALIBRATION_DIR, folder)
    loaded = load_calibration(folder)
    assert loaded.io_coefficients.shape == (10, 10)
    np.testing.assert_allclose(1.0 - loaded.va_ratio, loaded.io_coefficients.sum(axis=0), atol=1e-4)
    edit(folder / "io_coefficients.csv", "auto_moto,total,0.8077526", "auto_moto,total,0.9")
    with pytest.raises(CalibrationError, match="auto_moto to add up to its total 0.9"):
        load_calibration(folder)
    (folder / "io_coefficients.csv").unlink()
    assert load_calibration(folder).io_coefficients is None  # a folder without the table: no local purchases

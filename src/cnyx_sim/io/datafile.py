"""A small, reusable validator for the CSV data files a scenario reads (calibration tables, travel times,
and any table later issues add, e.g. fitted parameters or macro forecasts).

A table is declared once as a :class:`TableSpec` of :class:`Column` s; :func:`read_table` reads the file and
returns the rows as typed values, or raises :class:`DataFileError` -- one line ``file:line: column: what was
expected`` -- for the first problem:

- the file: only a regular file, at most ``Limits.data_file_bytes``, UTF-8 text (a byte-order mark is
  tolerated; a binary file is reported with the line of its first undecodable byte);
- the header: every required column present, no column named twice;
- each cell: its type (``text``, ``code``, ``int``, ``float``, ``bool``), empty only where allowed, numbers
  finite (no ``nan``/``inf``) and inside the column's bounds, text among the allowed values;
- the table: no two rows with the same key (``TableSpec.unique``), at least ``min_rows`` rows, and any
  row-level rule (``TableSpec.row_checks``, e.g. "population must be positive" for rows of one variable).

Messages quote numbers (``got -3``) but never the text of a cell or a header, so a data path that points
outside the project (``/etc/...``) cannot leak that file's content into a message.

Example::

    TRAVEL_TIMES = TableSpec(columns=(Column("from", "code"), Column("to", "code"),
                                      Column("hours", "float", gt=0.0, le=100.0)),
                             unique=("from", "to"))
    table = read_table(path, TRAVEL_TIMES)
    for row, line in zip(table.rows, table.lines): ...
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cnyx_sim.errors import MAX_MESSAGE_CHARS, InputError, shorten
from cnyx_sim.io.files import read_regular_file
from cnyx_sim.limits import DEFAULT_LIMITS, Limits

__all__ = ["Column", "DataFileError", "Table", "TableSpec", "bounded", "read_table"]

Kind = Literal["text", "code", "int", "float", "bool"]
_CODE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_INTEGER = re.compile(r"[+-]?\d+")
_TRUE, _FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no"})


class DataFileError(InputError):
    """A problem in a data file: ``file:line: column: expected`` on one line (CLI exit 2).

    ``line`` is the 1-based line in the file (None for the whole file); ``column`` may be empty.
    """

    def __init__(self, file: str | os.PathLike[str], line: int | None, column: str, expected: str) -> None:
        self.file, self.line, self.column, self.expected = os.fspath(file), line, column, expected
        super().__init__(self.file, line, column, expected)

    def __str__(self) -> str:
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        head = f"{location}: " + (f"column {self.column}: " if self.column else "")
        return head + shorten(self.expected, max(MAX_MESSAGE_CHARS - len(head), 60))


@dataclass(frozen=True)
class Column:
    """One column of a table.

    kind : ``text`` (any text), ``code`` (letters, digits, ``_ . -``), ``int``, ``float`` or ``bool``
        (true/false, 1/0, yes/no).
    required : the column must be in the header.
    nullable : an empty cell is allowed (read as None).
    ge, gt, le, lt : bounds of numbers (numbers are always finite).
    choices : the allowed values of a text or code column.
    """

    name: str
    kind: Kind = "text"
    required: bool = True
    nullable: bool = False
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    choices: tuple[str, ...] | None = None

    def bounds_text(self) -> str:
        parts = []
        if self.gt is not None:
            parts.append(f"> {self.gt:g}")
        if self.ge is not None:
            parts.append(f">= {self.ge:g}")
        if self.lt is not None:
            parts.append(f"< {self.lt:g}")
        if self.le is not None:
            parts.append(f"<= {self.le:g}")
        return " and ".join(parts)

    def parse(self, text: str) -> tuple[Any, str | None]:
        """``(value, None)`` or ``(None, what was expected)`` for one cell."""
        text = text.strip()
        if not text:
            return (None, None) if self.nullable else (None, "expected a value, found an empty cell")
        if self.kind == "text":
            value: Any = text
        elif self.kind == "code":
            if not _CODE.fullmatch(text):
                return None, "expected a code (letters, digits, _ . -)"
            value = text
        elif self.kind == "bool":
            lowered = text.lower()
            if lowered not in _TRUE | _FALSE:
                return None, "expected true or false"
            return lowered in _TRUE, None
        elif self.kind == "int":
            if not _INTEGER.fullmatch(text):
                return None, "expected a whole number"
            value = int(text)
        else:
            try:
                value = float(text)
            except ValueError:
                return None, "expected a number"
            if not math.isfinite(value):
                return None, f"expected a finite number, got {value}"
        if self.choices is not None and value not in self.choices:
            return None, f"expected one of {', '.join(self.choices[:8])}"
        if self.kind in ("int", "float"):
            low_ok = (self.ge is None or value >= self.ge) and (self.gt is None or value > self.gt)
            high_ok = (self.le is None or value <= self.le) and (self.lt is None or value < self.lt)
            if not (low_ok and high_ok):
                return None, f"expected a number {self.bounds_text()}, got {value:g}"
        return value, None


#: A row-level rule: ``(column, what was expected)`` when the row breaks it, else None.
RowCheck = Callable[[dict[str, Any]], "tuple[str, str] | None"]


@dataclass(frozen=True)
class TableSpec:
    """A CSV table: its columns, the columns that identify a row, row rules, and the minimum row count.

    Columns of the file that the spec does not list are allowed and ignored (sources, notes, flags).
    """

    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    row_checks: tuple[RowCheck, ...] = ()
    min_rows: int = 1
    what: str = "data file"


@dataclass
class Table:
    """The typed rows of a validated table and the file line of each row."""

    path: Path
    columns: tuple[str, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    sha256: str = ""  # of the bytes read (the file's identity, e.g. in a batch manifest)

    def error(self, row: int, column: str, expected: str) -> DataFileError:
        """A :class:`DataFileError` at row ``row`` (an index into ``rows``)."""
        return DataFileError(self.path, self.lines[row], column, expected)

    def column(self, name: str) -> list[Any]:
        return [row.get(name) for row in self.rows]


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataFileError(path, line, "", "cannot read file: not UTF-8 text (is it a CSV file?)") from None


def read_table(path: str | os.PathLike[str], spec: TableSpec, *, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read and validate the CSV table ``path`` against ``spec``; raises :class:`DataFileError`."""
    path = Path(path)
    try:
        raw = read_regular_file(path, limits.data_file_bytes, spec.what)
    except FileNotFoundError:
        raise DataFileError(path, None, "", f"{spec.what} not found") from None
    except OSError as exc:
        raise DataFileError(path, None, "", f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    text = _decode(raw, path)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DataFileError(path, line, "", "cannot read file: it holds NUL bytes (is it a CSV file?)")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    table: Table | None = None
    positions: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
                duplicated = sorted({name for name in header if header.count(name) > 1 and name})
                wanted = {c.name for c in spec.columns}
                if any(name in wanted for name in duplicated):
                    raise DataFileError(path, line, duplicated[0], "column named twice in the header")
                missing = [c.name for c in spec.columns if c.required and c.name not in header]
                if missing:
                    raise DataFileError(path, line, "", f"missing column(s) {', '.join(missing)} in the header "
                                                        f"(expected {', '.join(c.name for c in spec.columns)})")
                positions = {name: header.index(name) for name in wanted if name in header}
                table = Table(path, tuple(c.name for c in spec.columns if c.name in positions),
                              sha256=hashlib.sha256(raw).hexdigest())
                continue
            if len(cells) > len(header):
                raise DataFileError(path, line, "", f"{len(cells)} cells but the header has {len(header)} columns")
            row: dict[str, Any] = {}
            for column in spec.columns:
                if column.name not in positions:
                    continue
                position = positions[column.name]
                value, problem = column.parse(cells[position] if position < len(cells) else "")
                if problem:
                    raise DataFileError(path, line, column.name, problem)
                row[column.name] = value
            if spec.unique:
                key = tuple(row.get(name) for name in spec.unique)
                if key in seen_keys:
                    raise DataFileError(path, line, "", f"the same {', '.join(spec.unique)} as line {seen_keys[key]}")
                seen_keys[key] = line
            for check in spec.row_checks:
                problem = check(row)
                if problem is not None:
                    raise DataFileError(path, line, *problem)
            table.rows.append(row)
            table.lines.append(line)
    except csv.Error as exc:
        raise DataFileError(path, reader.line_num, "", f"malformed CSV ({shorten(str(exc), 60)})") from None
    if table is None:
        raise DataFileError(path, None, "", "the file is empty (expected a header line)")
    if len(table.rows) < spec.min_rows:
        raise DataFileError(path, None, "", f"expected at least {spec.min_rows} data row(s), found {len(table.rows)}")
    return table


def bounded(column: str, rules: dict[str, tuple[str, float | None, float | None]], by: str = "variable"
            ) -> RowCheck:
    """A row rule for long tables: rows whose ``by`` value is a key of ``rules`` must have ``column`` within
    ``(kind, low, high)``, ``kind`` being ``gt`` (exclusive low) or ``ge`` (inclusive low)."""

    def check(row: dict[str, Any]) -> tuple[str, str] | None:
        rule = rules.get(row.get(by))
        value = row.get(column)
        if rule is None or value is None:
            return None
        kind, low, high = rule
        too_low = low is not None and (value <= low if kind == "gt" else value < low)
        too_high = high is not None and value > high
        if too_low or too_high:
            sign = ">" if kind == "gt" else ">="
            span = f"{sign} {low:g}" if low is not None else ""
            span += (" and " if span and high is not None else "") + (f"<= {high:g}" if high is not None else "")
            return column, f"{row.get(by)} must be {span}, got {value:g}"
        return None

    return check


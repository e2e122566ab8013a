"""One-line, user-facing errors for problems in scenario files.

Scenario files are written by economists, not programmers, so every problem
with one must be reported as a single line that says *where* (file, line,
key path) and *what was expected* -- never as a traceback -- and stay under
200 characters (long keys and long explanations are shortened, never the
file and line).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from cnyx_sim.errors import MAX_MESSAGE_CHARS, InputError, shorten

__all__ = ["KeyPath", "ScenarioError", "TOP_LEVEL", "format_key_path"]

#: A path of mapping keys and sequence indices from the document root.
KeyPath = tuple[Any, ...]

#: How the empty key path (the document itself) is displayed.
TOP_LEVEL = "<top level>"

# Characters that would make a dotted key path ambiguous or multi-line; keys
# containing them are displayed as ``['a.b']`` instead.
_AMBIGUOUS_KEY_CHARS = frozenset(".[]'\"") | frozenset(" \t\r\n\f\v")
# Keys longer than this are shortened in key paths (a 1 kB key would flood the line).
_MAX_KEY_CHARS = 40
# What is left of a message for the explanation at least, however long the location.
_MIN_EXPECTED_CHARS = 60


def _is_index(entry: Any) -> bool:
    """Return True for ints that are not bools (``True`` is an ``int``)."""
    return isinstance(entry, int) and not isinstance(entry, bool)


def _format_mapping_key(key: Any) -> str:
    """Format one mapping key for a dotted path (no leading dot)."""
    if isinstance(key, str):
        if len(key) > _MAX_KEY_CHARS:
            return f"[{key[: _MAX_KEY_CHARS - 3]!r}...]"
        if not key or any(char in _AMBIGUOUS_KEY_CHARS for char in key):
            return f"[{key!r}]"
        return key
    # Ints (year keys), floats, bools, dates, None: their str() is unambiguous
    # enough and matches how they were written in YAML in the common cases.
    return shorten(str(key), _MAX_KEY_CHARS)


def format_key_path(
    key_path: Iterable[Any], mapping_key_positions: Iterable[int] = ()
) -> str:
    """Render a key path the way a scenario author would read it.

    Parameters
    ----------
    key_path
        Mapping keys and sequence indices from the document root.
    mapping_key_positions
        Positions in `key_path` whose ``int`` entries are *mapping keys*
        (e.g. year keys such as ``2024:``) rather than sequence indices.
        An ``int`` is indistinguishable from an index without this hint.

    Returns
    -------
    str
        ``parks[2].share``, ``macro.deflator.2024`` or ``<top level>``.
    """
    positions = frozenset(mapping_key_positions)
    parts: list[str] = []
    for position, entry in enumerate(tuple(key_path)):
        if _is_index(entry) and position not in positions:
            parts.append(f"[{entry}]")
            continue
        text = _format_mapping_key(entry)
        # Bracketed keys attach without a dot, like indices do.
        parts.append(text if not parts or text.startswith("[") else "." + text)
    return "".join(parts) if parts else TOP_LEVEL


def _one_line(text: str) -> str:
    """Join all lines of `text` with single spaces (keeps errors to one line)."""
    return " ".join(text.splitlines())


class ScenarioError(InputError):
    """A problem in a scenario file, reported as exactly one line (CLI exit 2).

    ``str(err)`` is ``{file}:{line}: {key.path}: {expected}``; ``:{line}``
    is omitted when the line is unknown.

    Parameters
    ----------
    file
        The scenario file the problem is in (as the user named it).
    key_path
        Mapping keys and sequence indices leading to the problem; empty for
        the document as a whole.
    line
        1-based line number, or None if unknown.
    expected
        What was expected, as a short human sentence. Newlines are replaced
        by spaces.
    mapping_key_positions
        Positions in `key_path` whose ``int`` entries are mapping keys (e.g.
        years) rather than sequence indices; see :func:`format_key_path`.

    Attributes
    ----------
    file : str
    key_path : tuple
    line : int or None
    expected : str
    mapping_key_positions : frozenset of int
    """

    def __init__(
        self,
        file: str | os.PathLike[str],
        key_path: Iterable[Any] = (),
        line: int | None = None,
        expected: str = "",
        *,
        mapping_key_positions: Iterable[int] = (),
    ) -> None:
        self.file: str = os.fspath(file)
        self.key_path: KeyPath = tuple(key_path)
        self.line: int | None = line
        self.expected: str = _one_line(str(expected))
        self.mapping_key_positions: frozenset[int] = frozenset(mapping_key_positions)
        # Positional args mirror the signature so the exception pickles (e.g.
        # across multiprocessing workers); the keyword-only hint travels in
        # __dict__, which BaseException.__reduce__ also preserves.
        super().__init__(self.file, self.key_path, self.line, self.expected)

    @property
    def dotted_key_path(self) -> str:
        """The key path as displayed, e.g. ``parks[2].share``."""
        return format_key_path(self.key_path, self.mapping_key_positions)

    def __str__(self) -> str:
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        head = _one_line(f"{location}: {self.dotted_key_path}: ")
        room = max(MAX_MESSAGE_CHARS - len(head), _MIN_EXPECTED_CHARS)
        return head + shorten(self.expected, room)

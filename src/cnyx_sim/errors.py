"""The one base class of every error the user can fix by changing the input (CLI exit code 2).

Scenario files, sweep files, data files, batch folders and output paths raise subclasses of
:class:`InputError`; ``str(err)`` is always one line that names the file (and, where known, the line and
key) and says what was expected. Anything else that escapes a command is an internal error (exit 1).

This module imports nothing, so every layer (scenario, io, batch, cli) can use it without a cycle.
"""

from __future__ import annotations

__all__ = ["InputError", "MAX_MESSAGE_CHARS", "shorten"]

#: Longest message line the tool prints for bad input (issue 12: messages stay under 200 characters).
MAX_MESSAGE_CHARS = 200


class InputError(ValueError):
    """Bad input: a one-line message naming the file and what was expected. CLI exit code 2."""


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to at most ``limit`` characters (an ellipsis marks the cut)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"

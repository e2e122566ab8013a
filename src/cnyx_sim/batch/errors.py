"""The batch layer's input error (imports nothing back from the batch modules)."""

from __future__ import annotations

from cnyx_sim.errors import InputError

__all__ = ["BatchError"]


class BatchError(InputError):
    """Bad batch input (e.g. ``--resume`` on another batch's folder, an unreachable Dask scheduler).

    ``str()`` is one line naming the folder or setting; CLI exit 2; nothing is left behind.
    """

"""Reading input files safely: only regular files, only up to a size limit, never blocking.

A FIFO, a device such as /dev/zero or a folder named where a file is expected would otherwise hang a
run or fill its memory (issue 12). This module imports nothing from the package but the limit hint.
"""

from __future__ import annotations

import os
import stat

from cnyx_sim.limits import LIFT_HINT

__all__ = ["read_regular_file"]

_CHUNK_BYTES = 1 << 20


def read_regular_file(path: str | os.PathLike[str], max_bytes: int | None, what: str = "file") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``.

    The file is opened non-blocking and checked with ``fstat`` before anything is read, so a FIFO or a
    device is refused at once. Raises ``OSError`` whose ``strerror`` is a short reason (for the caller's
    one-line message): the system's reason (``No such file or directory``, ``Permission denied``), ``a
    folder``, ``not a regular file`` or the size limit.
    """
    fd = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise OSError(0, f"{kind} (expected a {what})")
        if max_bytes is not None and info.st_size > max_bytes:
            raise OSError(0, f"{info.st_size:,} bytes is more than the {max_bytes:,}-byte limit for a {what} "
                             f"({LIFT_HINT})")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, _CHUNK_BYTES)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:  # the file grew while being read
                raise OSError(0, f"more than the {max_bytes:,}-byte limit for a {what} ({LIFT_HINT})")
        return b"".join(chunks)
    finally:
        os.close(fd)

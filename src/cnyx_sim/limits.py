"""Resource limits: how big an input may be before the tool refuses it (docs/validation.md, "Limits").

The limits protect a shared machine from a typing slip (an arrival rate of 1e9 projects a year, a sweep of
1e8 samples, a 17 MB year dictionary): every one is checked *before* the memory or time it guards is spent,
and a refusal is an ordinary one-line input error (exit 2) that names the limit and how to lift it. They
are not plausibility bounds: those are part of the schema (docs/model.md, parameter table) and stay.

``--lift-limits`` (CLI) or ``limits=Limits.lifted()`` (API) removes every limit of this class; the schema's
hard bounds (finite ranges of every parameter) still apply.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["DEFAULT_LIMITS", "LIFT_HINT", "Limits"]

#: How a refusal tells the user to lift the limit.
LIFT_HINT = "--lift-limits to allow"


@dataclass(frozen=True)
class Limits:
    """Upper bounds on input sizes; ``None`` means no limit.

    Attributes
    ----------
    yaml_file_bytes : size of one scenario or sweep file (the shipped baseline is ~10 kB; parsing and
        checking a file at the limit takes about a second).
    data_file_bytes : size of one data file (calibration CSVs, travel times; the largest shipped is ~60 kB).
    yaml_nodes : YAML entries after expanding aliases (guards against "billion laughs" documents).
    expected_projects : expected industrial-transfer projects of one run, from the arrival rates and the
        land-cost and origin-wage push over the horizon (T1-T2); the project book grows with it.
    runs_in_memory : runs of one ``cnyx-sim run`` (its tables are kept in memory; batches stream to disk).
    sweep_variants : scenario variants of one batch (scenario files x sweep points), each validated up front.
    batch_runs : runs of one batch (variants x runs), which the batch plan lists up front.
    decompose_channels : channels of one ``cnyx-sim decompose``; K channels cost 2^K runs per run index (8
        channels: 256 runs per run index, about 3 minutes of one core at 0.67 s per 2021-2035 run).
    """

    yaml_file_bytes: int | None = 256_000
    data_file_bytes: int | None = 20_000_000
    yaml_nodes: int | None = 1_000_000
    expected_projects: float | None = 200_000
    runs_in_memory: int | None = 1_000
    sweep_variants: int | None = 10_000
    batch_runs: int | None = 1_000_000
    decompose_channels: int | None = 8

    @classmethod
    def lifted(cls) -> "Limits":
        """No limits (``--lift-limits``)."""
        return cls(**{f.name: None for f in fields(cls)})


DEFAULT_LIMITS = Limits()


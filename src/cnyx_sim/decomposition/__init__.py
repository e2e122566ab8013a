"""Exact Shapley decomposition of a scenario difference into channels (``cnyx-sim decompose``;
docs/decompose.md).

Modules
-------
shapley     : the attribution itself (pure numpy): Shapley values of every channel from the coalition values.
coalitions  : which keys differ, which channel owns each (cnyx_sim.channels), the scenario of each coalition.
engine      : ``decompose``: coalitions x runs through the batch engine, channels.csv and decompose.json.
summary     : the printed summary.

Nothing here is imported by ``import cnyx_sim``; the API and CLI import it on demand.
"""

from __future__ import annotations

"""TransferEngine refuses to be built without what it needs, saying what is missing."""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.projects import TransferEngine
from cnyx_sim.core.rng import ProjectDraws
from cnyx_sim.mechanisms.incentives import Package


def test_an_engine_without_a_transfer_section_is_refused_by_name(tiny):
    network = TransportNetwork(tiny.transfer().infrastructure, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^TransferEngine needs params\.transfer$"):
        TransferEngine(tiny.params(transfer=None), tiny.geography, tiny.state(),
                       Package(np.zeros(2), np.zeros(2), np.zeros(2)), ProjectDraws(0, 0), network)

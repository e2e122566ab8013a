"""The run's named random streams (reproducibility contract): seed and run index fix every stream."""

from __future__ import annotations

import numpy as np

from cnyx_sim.core.rng import STREAMS, ProjectDraws, make_streams, run_seed_sequence


def _first_draws(seed: int, run: int) -> dict[str, float]:
    return {name: float(g.random()) for name, g in make_streams(seed, run).items()}


def test_every_named_stream_is_there_and_same_seed_and_run_give_the_same_numbers():
    a = _first_draws(11, 2)
    assert list(a) == list(STREAMS)
    assert a == _first_draws(11, 2)


def test_streams_differ_between_streams_runs_and_seeds():
    a = _first_draws(11, 2)
    assert len(set(a.values())) == len(STREAMS)
    assert _first_draws(11, 3)["transfer"] != a["transfer"]
    assert _first_draws(12, 2)["transfer"] != a["transfer"]


def test_the_run_seed_sequence_is_the_seed_spawned_at_the_run_index():
    sequence = run_seed_sequence(5, 4)
    assert sequence.entropy == 5 and tuple(sequence.spawn_key) == (4,)


def test_relocation_numbers_are_reproducible_and_skip_the_count_slot():
    first = ProjectDraws(3, 1).relocations(2026, 4, 10, 2)
    again = ProjectDraws(3, 1).relocations(2026, 4, 10, 2)
    for x, y in zip(first[0].values(), again[0].values()):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(first[1], again[1])
    draws = ProjectDraws(3, 1)
    core = draws._generator("core", 2026, ProjectDraws.RELOCATIONS)
    core.random()
    expected = draws.block(core, 2026, ProjectDraws.RELOCATIONS, 4, 10, 2)
    np.testing.assert_array_equal(first[1], expected[1])
    np.testing.assert_array_equal(first[2], expected[2])
    assert not np.array_equal(first[1], ProjectDraws(3, 2).relocations(2026, 4, 10, 2)[1])
    assert not np.array_equal(first[1], ProjectDraws(3, 1).relocations(2027, 4, 10, 2)[1])

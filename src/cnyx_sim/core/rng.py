"""Named random streams derived from one scenario seed and a run index.

Every run is a pure function of (scenario, parameters, seed, run). The stream for run ``r`` is
``SeedSequence(seed, spawn_key=(r,))``, i.e. the r-th child of the scenario seed, so it does not depend
on how many runs a batch holds or on which worker executes it. Scenarios that share a seed share their
streams (common random numbers): differences between policy variants come from policy, not noise.
"""

from __future__ import annotations

import hashlib

import numpy as np

#: Stream names. Append only, never reorder: the position of a name fixes its child seed.
STREAMS: tuple[str, ...] = ("mesa", "shocks", "transfer", "fiscal", "events", "sharing", "parameters", "macro",
                           "ecology")


def run_seed_sequence(seed: int, run: int) -> np.random.SeedSequence:
    """The seed sequence of run ``run`` of a scenario whose seed is ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=(run,))


def make_streams(seed: int, run: int) -> dict[str, np.random.Generator]:
    """One independent ``Generator`` per purpose for run ``run``."""
    children = run_seed_sequence(seed, run).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children)}


#: Purposes of the keyed per-project streams (append only: a purpose's code fixes its streams).
PROJECT_PURPOSES: tuple[str, ...] = ("core", "parks")
#: Columns of a potential project's ``core`` uniforms, in order. Never change it: the block layout fixes every
#: project's numbers.
PROJECT_UNIFORMS: tuple[str, ...] = (
    "sector", "size_radius", "size_angle", "start", "priority", "government_led", "referral", "stable_angle",
    "stable_exp", "outside", "closure", "relocation",
)


class ProjectDraws:
    """The random numbers of potential projects (ODD 7.7, T2-T7): common random numbers by construction.

    The numbers of potential project ``i`` arriving from origin ``o`` in year ``t`` come from counter-based
    streams keyed by ``(seed, run, purpose, t, o)`` (Philox with a 128-bit key hashed from that tuple; the
    relocations of a year share one key, origin ``RELOCATIONS``): row ``i`` of each block is the same whatever
    the number of projects
    drawn, whatever happened earlier in the run and whatever another policy changed. The first uniform of the
    ``core`` stream decides the number of arrivals (T2); then each project's row of it has the
    ``PROJECT_UNIFORMS`` and one uniform per unit (its unit taste shocks); a separate ``parks`` stream has one
    per park position, so scenarios with other parks keep every other number.
    """

    def __init__(self, seed: int, run: int) -> None:
        self.seed, self.run = int(seed), int(run)
        # One Philox bit generator per purpose, re-keyed by ``_generator``: setting a key on an existing bit
        # generator gives the same numbers as building a new one from that key, without the cost of building
        # (a new Philox first draws OS entropy for a seed sequence it never uses; ~30 us, a hundred times a run).
        self._bit_generators: dict[str, tuple[np.random.Philox, np.random.Generator]] = {}

    #: origin code of a year's relocations (T7), whatever unit they leave
    RELOCATIONS = -1

    def _generator(self, purpose: str, year: int, origin: int) -> np.random.Generator:
        """The generator of ``(purpose, year, origin)`` at the start of its stream. There is one generator per
        purpose, re-keyed by each call: use it before asking for another of the same purpose."""
        key = repr(("cnyx_sim.projects", self.seed, self.run, PROJECT_PURPOSES.index(purpose), int(year), int(origin)))
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        cached = self._bit_generators.get(purpose)
        if cached is None:
            bit_generator = np.random.Philox(key=np.frombuffer(digest, dtype=np.uint64))
            cached = self._bit_generators[purpose] = (bit_generator, np.random.Generator(bit_generator))
        else:
            cached[0].state = {
                "bit_generator": "Philox",
                "state": {"counter": np.zeros(4, dtype=np.uint64), "key": np.frombuffer(digest, dtype=np.uint64)},
                "buffer": np.zeros(4, dtype=np.uint64), "buffer_pos": 4, "has_uint32": 0, "uinteger": 0,
            }
        return cached[1]

    def arrivals(self, year: int, origin: int, rate: float, n_units: int, n_parks: int,
                 count_of) -> tuple[int, dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """The count (``count_of(uniform, rate)``) and the numbers of the arrivals of one origin and year:
        ``(n, uniforms by name [n], unit uniforms [n, unit], park uniforms [n, park])``."""
        core = self._generator("core", year, origin)
        n = int(np.asarray(count_of(core.random(), rate)).reshape(-1)[0])
        return (n, *self.block(core, year, origin, n, n_units, n_parks))

    def year_arrivals(self, year: int, rates: np.ndarray, n_units: int, n_parks: int,
                      count_of) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """``arrivals`` of every origin ``o`` of one year (``rates[o]`` its total rate), stacked in origin order:
        ``(counts [origin], uniforms by name [n], unit uniforms [n, unit], park uniforms [n, park])`` with
        ``n = counts.sum()``. Each origin's rows are exactly its ``arrivals`` numbers; stacking them lets the
        caller treat a year's arrivals in one pass instead of one per origin."""
        k = len(PROJECT_UNIFORMS)
        counts = np.array([int(np.asarray(count_of(self._generator("core", year, o).random(), float(rate)))
                               .reshape(-1)[0]) for o, rate in enumerate(rates)], dtype=np.int64)
        # each origin's block drawn straight into its rows of the year's arrays (no per-origin copies)
        ends = np.cumsum(counts)
        uniforms = np.empty((int(ends[-1]) if len(ends) else 0, k + n_units))
        parks = np.empty((len(uniforms), n_parks))
        for o in np.flatnonzero(counts):
            start, end = int(ends[o] - counts[o]), int(ends[o])
            core = self._generator("core", year, o)
            core.random()  # the count slot
            core.random(out=uniforms[start:end])
            if n_parks:
                self._generator("parks", year, o).random(out=parks[start:end])
        _open_unit(uniforms, out=uniforms)
        _open_unit(parks, out=parks)
        columns = np.ascontiguousarray(uniforms[:, :k].T)
        return counts, dict(zip(PROJECT_UNIFORMS, columns)), uniforms[:, k:], parks

    def relocations(self, year: int, n: int, n_units: int,
                    n_parks: int) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """The numbers of the ``n`` projects relocating in ``year`` (in book-row order)."""
        core = self._generator("core", year, self.RELOCATIONS)
        core.random()  # the count slot, unused: relocations are counted by the lifecycle (T7)
        return self.block(core, year, self.RELOCATIONS, n, n_units, n_parks)

    def block(self, core: np.random.Generator, year: int, origin: int, n: int, n_units: int,
              n_parks: int) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        k = len(PROJECT_UNIFORMS)
        uniforms = _open_unit(core.random((n, k + n_units)))
        parks = (_open_unit(self._generator("parks", year, origin).random((n, n_parks))) if n_parks and n
                 else np.zeros((n, n_parks)))
        return {name: uniforms[:, j] for j, name in enumerate(PROJECT_UNIFORMS)}, uniforms[:, k:], parks


def _open_unit(values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Uniforms in [0, 1) moved into the open interval (0, 1) (logs of them stay finite)."""
    return np.maximum(values, np.finfo(float).tiny, out=out)

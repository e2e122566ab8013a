"""Single-run time of the baseline at several git revisions, measured alternately so that they share the load.

    python benchmarks/compare_revisions.py cfa82c4 HEAD [--repeats 25] [--rounds 3]

Each revision is checked out once into a temporary git worktree; then, round after round, each revision's
baseline run (model + tables, no files; the loop of ``bench_batch.single_run_seconds``) is timed ``repeats``
times in a fresh interpreter with that worktree's ``src`` first on the path, by the wall clock and by the
process's CPU clock (the steadier of the two on a shared machine). Alternating the revisions within a round
is what makes a before/after comparison fair on a shared machine: a burst of load hits both. The table gives
each revision's median over rounds and its ratio to the first revision.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The loop of bench_batch.single_run_seconds (the same in every revision since issue 5), timed by the
# process's CPU clock as well as the wall clock: on a shared machine the CPU time is the steadier measure.
MEASURE = """
import statistics, sys, time
sys.path.insert(0, {src!r})
from cnyx_sim.pipeline import prepare_scenario, run_tables
prepared = prepare_scenario({baseline!r})
run_tables(prepared, 0)
wall, cpu = [], []
for r in range({repeats}):
    w, c = time.perf_counter(), time.process_time()
    run_tables(prepared, r)
    wall.append(time.perf_counter() - w)
    cpu.append(time.process_time() - c)
print(statistics.median(wall), statistics.median(cpu))
"""


def measure(tree: Path, repeats: int) -> tuple[float, float]:
    """(wall, CPU) seconds: medians over ``repeats`` runs of the revision's baseline."""
    code = MEASURE.format(src=str(tree / "src"), baseline=str(tree / "scenarios" / "baseline.yaml"),
                          repeats=repeats)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tree)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revisions", nargs="+", help="git revisions (the first is the reference)")
    parser.add_argument("--repeats", type=int, default=25, help="runs per measurement (median taken)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (median over rounds)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cnyx-bench-") as tmp:
        trees = {}
        for rev in args.revisions:
            tree = Path(tmp) / rev.replace("/", "_")
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-f", str(tree), rev],
                           check=True, capture_output=True)
            trees[rev] = tree
        try:
            seconds: dict[str, list[tuple[float, float]]] = {rev: [] for rev in args.revisions}
            for round_ in range(args.rounds):
                for rev in args.revisions:
                    seconds[rev].append(measure(trees[rev], args.repeats))
                    wall, cpu = seconds[rev][-1]
                    print(f"round {round_ + 1}: {rev} wall {wall * 1e3:.1f} ms, CPU {cpu * 1e3:.1f} ms",
                          file=sys.stderr)
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                               capture_output=True)
    def median(rev: str, which: int) -> float:
        return statistics.median(s[which] for s in seconds[rev])

    first = args.revisions[0]
    print(f"{'revision':<12s} {'wall ms/run':>12s} {'ratio':>6s} {'CPU ms/run':>11s} {'ratio':>6s}   (medians over "
          f"{args.rounds} rounds of {args.repeats} runs)")
    for rev in args.revisions:
        wall, cpu = median(rev, 0), median(rev, 1)
        print(f"{rev:<12s} {wall * 1e3:>12.1f} {wall / median(first, 0):>6.2f} {cpu * 1e3:>11.1f} "
              f"{cpu / median(first, 1):>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

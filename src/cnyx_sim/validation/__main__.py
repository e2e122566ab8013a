"""``python -m cnyx_sim.validation [--runs N] [--write]``: run the registered experiments and print (or write into
docs/validation.md) the comparison with the published estimates."""

from __future__ import annotations

import argparse

from cnyx_sim.validation.report import DOC, render, run_all, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cnyx_sim.validation", description=__doc__)
    parser.add_argument("--runs", type=int, default=50, help="paired runs per experiment (default 50)")
    parser.add_argument("--write", action="store_true", help=f"write the generated section of {DOC}")
    args = parser.parse_args(argv)
    text = render(run_all(args.runs), args.runs)
    if args.write:
        write(text)
        print(f"{DOC}: evidence validation updated")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

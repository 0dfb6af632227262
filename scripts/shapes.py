"""Draw spec shapes and check that each is refused cleanly or generates a project whose
own tests, ruff, ruff format and strict mypy pass (see tests/shapes.py and
tests/shapes_run.py).

    python3 dev.py shapes -n 2000 --seed 1          # thousands: hours on two cores
    python3 dev.py shapes -n 20 --seed 1 -j 2       # a quick sample
    python3 dev.py shapes --seed 1 --index 17       # one spec again, from a report
    python3 dev.py shapes -n 500 --no-gates         # refusals and generation only

Prints a line per spec as it completes, then the summary: drawn, refused, generated,
passing every gate, and per failure the spec and its first error. Exits 1 when any
spec fails a gate, is refused badly or crashes flaskgen.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flaskgen.smoke import Environment  # noqa: E402
from tests.genenv import build_gen_env  # noqa: E402
from tests.shapes import draw  # noqa: E402
from tests.shapes_run import Outcome, run, summary  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=20, help="how many specs to draw (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="the seed (default 0)")
    parser.add_argument("--start", type=int, default=0, help="the first index (default 0)")
    parser.add_argument(
        "--index", type=int, action="append", help="only these indexes (repeatable)"
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=2, help="projects checked at once (default 2)"
    )
    parser.add_argument(
        "--avoid-known", action="store_true", help="draw around the shapes of known failure classes"
    )
    parser.add_argument("--no-gates", action="store_true", help="validate and generate only")
    parser.add_argument("--keep", type=Path, help="copy the folders of failing specs here")
    parser.add_argument("--jsonl", type=Path, help="also write one JSON line per spec here")
    args = parser.parse_args()
    indexes = args.index or range(args.start, args.start + args.n)
    shapes = (draw(args.seed, i, args.avoid_known) for i in indexes)
    env = Environment(build_gen_env().root)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    log = args.jsonl.open("w", encoding="utf-8") if args.jsonl else None

    def report(o: Outcome) -> None:
        where = (
            f"{o.step}: {o.error}"
            if o.result not in ("passed", "refused", "generated")
            else o.error
        )
        print(
            f"{o.shape.seed}:{o.shape.index:<6} {o.result:<11} {o.seconds:5.1f}s  {where}"[:200],
            flush=True,
        )
        if log:
            record = {
                "seed": o.shape.seed,
                "index": o.shape.index,
                "result": o.result,
                "step": o.step,
                "error": o.error,
            }
            log.write(
                json.dumps({**record, "known": o.known, "detail": o.detail, "spec": o.shape.text})
                + "\n"
            )
            log.flush()

    started = time.monotonic()
    outcomes = run(
        shapes, env, jobs=args.jobs, keep=args.keep, gated=not args.no_gates, report=report
    )
    print()
    print(summary(outcomes, time.monotonic() - started))
    return 1 if any(o.result not in ("passed", "refused", "generated") for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Time ``flaskgen new`` and a no-op ``flaskgen regen`` as whole processes.

Like hyperfine: each command runs N times (after a warm-up run) and the minimum and
median wall times are printed. The example is the largest spec in ``examples/`` (by
the number of files it generates) unless one is named.

    python scripts/bench.py [SPEC] [-n RUNS]

Target: a no-op regen under 0.15 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_NOOP = 0.15


def flaskgen() -> list[str]:
    found = shutil.which("flaskgen", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "flaskgen"]


def largest_example() -> Path:
    sys.path.insert(0, str(ROOT))
    from flaskgen.generate import render_project
    from flaskgen.spec import read_spec

    sizes = {}
    for spec in sorted((ROOT / "examples").glob("*.yaml")):
        try:
            sizes[spec] = len(render_project(read_spec(spec), spec.name))
        except Exception as exc:  # noqa: BLE001 - a broken example is skipped, not fatal
            print(f"skipping {spec.name}: {exc}", file=sys.stderr)
    return max(sizes, key=lambda s: (sizes[s], s.name))


def timed(args: list[str], runs: int, before: object = None) -> list[float]:
    times = []
    for i in range(runs + 1):
        if callable(before):
            before()
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        if i:  # the first run warms the caches
            times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float]) -> None:
    print(f"{name:<16} min {min(times) * 1000:7.1f} ms   median {statistics.median(times) * 1000:7.1f} ms   ({len(times)} runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path)
    parser.add_argument("-n", "--runs", type=int, default=20)
    options = parser.parse_args()
    spec = (options.spec or largest_example()).resolve()
    cmd = flaskgen()
    with tempfile.TemporaryDirectory(prefix="flaskgen-bench-") as tmp:
        out = Path(tmp) / "app"
        new = timed([*cmd, "new", str(spec), "-o", str(out)], max(options.runs // 4, 3), lambda: shutil.rmtree(out, ignore_errors=True))
        files = sum(1 for p in out.rglob("*") if p.is_file() and ".flaskgen" not in p.parts)
        print(f"{spec.name}: {files} generated files")
        report("flaskgen new", new)
        stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
        noop = timed([*cmd, "regen", "-o", str(out)], options.runs)
        report("no-op regen", noop)
        if {p: p.stat().st_mtime_ns for p in out.rglob("*")} != stamps:
            print("error: the no-op regen wrote files", file=sys.stderr)
            return 1
    verdict = "ok" if statistics.median(noop) < TARGET_NOOP else "SLOW"
    print(f"no-op regen target < {TARGET_NOOP * 1000:.0f} ms: {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())

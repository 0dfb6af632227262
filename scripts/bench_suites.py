"""How long the generated projects' own test suites take: bookshop's and spec-v1's
(goal: <= 4 s of pytest time each, the time pytest reports), on SQLite and, with
``TEST_DATABASE_URL`` set, on that database too.

    python scripts/bench.py --suites [-n RUNS]

Each example is generated and installed into the shared venv of the generated projects
(.cache/gen-venv, as the test suite builds it); the figure is the median of RUNS runs
after one warm-up run (which writes the bytecode, as a developer's machine keeps it).

That venv also holds what flaskgen's own tests use on the generated apps (schemathesis,
and through it hypothesis and anyio), whose pytest plugins a project's own venv
(``pip install -e '.[dev]'``) does not have: the goal's figure leaves them out, and the
last column gives the time with them loaded.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 4.0
EXAMPLES = ("bookshop", "spec-v1")
PYTEST_TIME = re.compile(r" in ([0-9.]+)s")
# The pytest plugins of the shared venv's packages that no generated project depends on.
FOREIGN_PLUGINS = ("hypothesispytest", "schemathesis", "anyio")


def _pytest_seconds(python: str, project: Path, env: dict[str, str], foreign: bool = False) -> tuple[float, int]:
    """The suite's pytest time and its number of tests."""
    blocked = [] if foreign else [arg for name in FOREIGN_PLUGINS for arg in ("-p", f"no:{name}")]
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *blocked], cwd=project, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    found = PYTEST_TIME.findall(result.stdout)
    if result.returncode != 0 or not found:
        raise SystemExit(f"{project.name}: the suite failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    return float(found[-1]), int(re.findall(r"(\d+) passed", result.stdout)[-1])


def _lines(folder: Path) -> int:
    return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in folder.glob("*.py"))


def bench_suites(runs: int) -> int:
    sys.path.insert(0, str(ROOT))
    from flaskgen.project import create_project
    from tests.genenv import build_gen_env

    gen_env = build_gen_env()
    # As on a developer's machine: bytecode cached (PYTHONDONTWRITEBYTECODE would make
    # every run compile the app and its libraries again).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_", "PYTHONDONTWRITEBYTECODE"))}
    databases = [("sqlite", {k: v for k, v in env.items() if k != "TEST_DATABASE_URL"})]
    if env.get("TEST_DATABASE_URL"):
        databases.append(("postgresql", env))
    table = [
        "| suite | database | tests | tests' lines | pytest time (median) | goal | with the shared venv's other plugins |",
        "|---|---|---|---|---|---|---|",
    ]
    missed = False
    with tempfile.TemporaryDirectory(prefix="flaskgen-suites-") as tmp:
        for name in EXAMPLES:
            project = Path(tmp) / name
            create_project(ROOT / "examples" / f"{name}.yaml", project)
            gen_env.install(project)
            for database, run_env in databases:
                _pytest_seconds(gen_env.python, project, run_env)  # warm-up: bytecode, caches
                timed = [_pytest_seconds(gen_env.python, project, run_env) for _ in range(runs)]
                seconds, tests = statistics.median(t for t, _ in timed), timed[-1][1]
                loaded = statistics.median(_pytest_seconds(gen_env.python, project, run_env, foreign=True)[0] for _ in range(runs))
                verdict = "ok" if seconds <= GOAL_SECONDS else "MISSED"
                missed = missed or verdict == "MISSED"
                table.append(
                    f"| {name} | {database} | {tests} | {_lines(project / 'tests')} | {seconds:.2f} s | <= {GOAL_SECONDS:.0f} s {verdict} | {loaded:.2f} s |"
                )
    print("\n".join(table))
    return 1 if missed else 0

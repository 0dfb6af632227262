"""Run drawn spec shapes (``tests/shapes.py``) through ``flaskgen new`` and each
generated project's own gates, in one shared virtual environment.

Per spec: ``flaskgen new`` runs in-process; a refusal must exit 2 with nothing but
``spec.yaml:LINE:COL: path: message`` lines (and the count) and write nothing. A
generated project is not installed: its gates (``flaskgen.smoke.gates``: pytest,
ruff check, ruff format --check, mypy with the project's strict settings) run from its
folder, where ``python -m pytest`` and mypy import the package as installed in
editable mode would, and every dependency is already in the shared venv
(``tests/gen-requirements.txt``). That saves a pip run per project — the slowest step
after the tests. Projects are checked ``jobs`` at a time; each worker keeps its own
mypy cache, so the libraries are type-checked once per worker, not once per project.
"""

from __future__ import annotations

import queue
import re
import shutil
import sqlite3
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from flaskgen.cli import main as flaskgen_main
from flaskgen.smoke import Environment, gates
from tests.shapes import Shape, known_classes

PROBLEM = re.compile(r"spec\.yaml:\d+:\d+: [^\s:]+: \S")
COUNT = re.compile(r"\d+ problems? found; nothing was written\.")
ERROR_LINE = re.compile(r"^(FAILED |ERROR |E  |.*: error: |.*:\d+:\d+: [A-Z]+\d+ |Would reformat)")


@dataclass(frozen=True)
class Outcome:
    """What became of one drawn spec."""

    shape: Shape
    result: str  # refused | generated (gates not run) | passed | failed | bad refusal | crashed
    step: str = ""  # the first step that failed: new, tests, ruff, ruff format, mypy
    error: str = ""  # its first error line
    detail: str = ""  # the end of its output
    seconds: float = 0.0

    @property
    def known(self) -> list[str]:
        return known_classes(self.shape.spec)


def generate(shape: Shape, workdir: Path) -> Outcome | Path:
    """``flaskgen new`` in-process: the project folder, or the outcome of a refusal."""
    spec = workdir / "spec.yaml"
    spec.write_text(shape.text, encoding="utf-8")
    out = workdir / "project"
    try:
        result = CliRunner().invoke(
            flaskgen_main, ["new", str(spec), "-o", str(out), "-q"], catch_exceptions=True
        )
    except Exception:  # noqa: BLE001 - a crash is an outcome to report
        return Outcome(shape, "crashed", "new", "", traceback.format_exc())
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text = "".join(traceback.format_exception(result.exception))
        return Outcome(shape, "crashed", "new", text.strip().splitlines()[-1], text)
    if result.exit_code == 0:
        return out
    lines = [line.replace(str(spec), "spec.yaml", 1) for line in result.stderr.strip().splitlines()]
    *problems, last = lines or [""]
    bad = [line for line in problems if not PROBLEM.match(line)] + (
        [] if COUNT.fullmatch(last) else [last]
    )
    if result.exit_code != 2 or bad or not problems or out.exists():
        why = (
            bad[0]
            if bad
            else f"exit {result.exit_code}" + (", wrote the output folder" if out.exists() else "")
        )
        return Outcome(shape, "bad refusal", "new", why, result.stderr)
    return Outcome(shape, "refused", "new", problems[0], result.stderr)


def _first_error(detail: str) -> str:
    lines = detail.strip().splitlines()
    return next((line for line in lines if ERROR_LINE.match(line)), lines[-1] if lines else "")


def forget_project(mypy_cache: Path, project: Path) -> None:
    """Drop a project's own modules from a mypy cache that the next project reuses.

    Every project has modules of the same names (``manage``, ``conftest``, the test
    modules, ``env``), and mypy trusts a cached module whose file has the same size and
    modification time — which two projects generated within a second can share. What
    stays are the libraries of the shared venv, the same files for every project.
    """
    names = {p.name.split(".")[0] for p in project.rglob("*") if p.suffix in (".py", ".pyi") or p.is_dir()}
    for db_path in mypy_cache.glob("*/cache.*.db"):
        with closing(sqlite3.connect(db_path)) as conn, conn:
            rows = [path for (path,) in conn.execute("SELECT path FROM files2")]
            gone = [(path,) for path in rows if path.split("/")[0].split(".")[0] in names]
            conn.executemany("DELETE FROM files2 WHERE path = ?", gone)
    for version in mypy_cache.glob("*/"):  # the file cache (--no-sqlite-cache)
        for entry in version.iterdir():
            if entry.name.split(".")[0] in names:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def check(shape: Shape, project: Path, env: Environment, mypy_cache: Path) -> Outcome:
    """Every gate of a generated project (all run, so a report shows each that fails)."""
    started = time.monotonic()
    failed: list[tuple[str, str]] = []
    # pytest's tmp_path inside this spec's folder
    extra = {"PYTEST_DEBUG_TEMPROOT": str(project.parent)}
    for step, args in gates(env, mypy_cache):
        ok, detail = env.run(args, project, extra)
        if not ok:
            failed.append((step, detail))
    forget_project(mypy_cache, project)
    seconds = time.monotonic() - started
    if not failed:
        return Outcome(shape, "passed", seconds=seconds)
    step, detail = failed[0]
    others = "".join(f"\n--- {s} also failed:\n{d}" for s, d in failed[1:])
    return Outcome(
        shape,
        "failed",
        ", ".join(s for s, _ in failed),
        _first_error(detail),
        detail + others,
        seconds,
    )


def run(
    shapes: Iterable[Shape],
    env: Environment,
    jobs: int = 2,
    keep: Path | None = None,
    gated: bool = True,
    report: Callable[[Outcome], None] = lambda o: None,
) -> list[Outcome]:
    """Generate each shape (in this thread: the CLI runs in-process) and check the
    projects ``jobs`` at a time; ``keep`` keeps the folders of failures there."""
    outcomes: list[Outcome] = []
    caches: queue.Queue[Path] = queue.Queue()
    with (
        tempfile.TemporaryDirectory(prefix="flaskgen-shapes-") as tmp,
        ThreadPoolExecutor(jobs) as pool,
    ):
        for i in range(jobs):
            caches.put(Path(tmp) / f"mypy-cache-{i}")
        pending: list[Future[Outcome]] = []

        def settle(future: Future[Outcome]) -> None:
            outcome = future.result()
            workdir = Path(tmp) / f"{outcome.shape.seed}-{outcome.shape.index}"
            if keep is not None and outcome.result not in ("passed", "refused", "generated"):
                shutil.copytree(workdir, keep / workdir.name, dirs_exist_ok=True)
            shutil.rmtree(workdir, ignore_errors=True)
            outcomes.append(outcome)
            report(outcome)

        def gate(shape: Shape, project: Path) -> Outcome:
            cache = caches.get()
            try:
                return check(shape, project, env, cache)
            finally:
                caches.put(cache)

        for shape in shapes:
            workdir = Path(tmp) / f"{shape.seed}-{shape.index}"
            workdir.mkdir()
            made = generate(shape, workdir)
            if isinstance(made, Outcome) or not gated:
                done: Future[Outcome] = Future()
                done.set_result(made if isinstance(made, Outcome) else Outcome(shape, "generated"))
                settle(done)
                continue
            pending.append(pool.submit(gate, shape, made))
            while len(pending) >= 2 * jobs:  # generate ahead a little, never a backlog on disk
                settle(_next_done(pending))
        while pending:
            settle(_next_done(pending))
    return outcomes


def _next_done(pending: list[Future[Outcome]]) -> Future[Outcome]:
    while True:
        for i, future in enumerate(pending):
            if future.done():
                return pending.pop(i)
        time.sleep(0.05)


def summary(outcomes: list[Outcome], seconds: float) -> str:
    """Counts, then each failure with its spec and first error."""
    results = Counter(o.result for o in outcomes)
    generated = results["generated"] + results["passed"] + results["failed"]
    failures = [o for o in outcomes if o.result in ("failed", "bad refusal", "crashed")]
    unknown = [o for o in failures if not o.known]
    lines = [
        f"drawn {len(outcomes)}, refused {results['refused']}, generated {generated}, "
        f"passing every gate {results['passed']}; failed {results['failed']}, "
        f"bad refusals {results['bad refusal']}, crashes {results['crashed']} "
        f"({len(failures) - len(unknown)} with the shape of a known class, {len(unknown)} other) in {seconds:.0f} s",
    ]
    classes = Counter(k for o in failures for k in o.known)
    lines += [f"  {count:4d}  {name}" for name, count in classes.most_common()]
    for o in failures:
        lines += [
            "",
            f"=== seed {o.shape.seed} index {o.shape.index}: {o.result} at {o.step}",
            f"first error: {o.error}",
        ]
        if o.known:
            lines.append(f"known classes: {'; '.join(o.known)}")
        lines += [o.shape.text.rstrip(), "--- output:", o.detail.rstrip()]
    return "\n".join(lines)

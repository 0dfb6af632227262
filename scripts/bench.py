"""Whole-process benchmarks of flaskgen, printed as one table of ratios.

Every figure is the median wall time of N runs of a whole process (after one warm-up
run), and the two sides of a ratio are timed alternately in the same loop, so machine
noise hits both alike. Peak RSS is read from ``wait4`` for each process.

Rows:
- ``new`` of examples/crm.yaml and of a generated large spec (100 blueprints x 10 routes,
  200 models) against cookiecutter rendering the *identical* tree from static templates
  (the same files, each wrapped in ``{% raw %}``); goal <= 0.4x.
- ``validate`` of the large spec against ``validate`` of examples/minimal.yaml; goal <= 2x.
- a no-op ``regen`` and a one-change ``regen`` of the large project.
- ``flaskgen --help`` against ``python -c 'import click'``.
- the import floor: a process that only imports the libraries ``new`` cannot do without
  (click, Jinja2, PyYAML, werkzeug's routing), against cookiecutter on crm's tree: the
  share of the cookiecutter time any generator built on them starts with.
- a no-op ``regen`` of examples/spec-v1.yaml, the largest example (goal < 0.15 s).

    python scripts/bench.py [-n RUNS] [--write-large FILE]
    python scripts/bench.py --resources [-n RUNS]   # generated pages and API vs hand-written
                                                    # views (scripts/bench_resources.py)
    python scripts/bench.py --suites [-n RUNS]      # the generated test suites' pytest time
                                                    # (scripts/bench_suites.py)

Needs cookiecutter (``pip install -e '.[init]'``) for the cookiecutter rows.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_NEW = 0.4
GOAL_VALIDATE = 2.0
GOAL_NOOP_REGEN = 0.15  # seconds, the largest example


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_mb: float


def run(args: list[str]) -> Sample:
    """Run one process with stdout/stderr to /dev/null; its wall time and peak RSS."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    env = dict(os.environ)
    start = time.perf_counter()
    pid = os.posix_spawn(args[0], args, env, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(args)}")
    return Sample(elapsed, usage.ru_maxrss / 1024)


def bin_path(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed in this environment")
    return found


def alternate(pairs: dict[str, Callable[[], Sample]], runs: int) -> dict[str, list[Sample]]:
    """Run each named command ``runs`` times (after a warm-up), interleaved."""
    out: dict[str, list[Sample]] = {name: [] for name in pairs}
    for i in range(runs + 1):
        for name, call in pairs.items():
            sample = call()
            if i:
                out[name].append(sample)
    return out


def median(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def peak(samples: list[Sample]) -> float:
    return max(s.rss_mb for s in samples)


def large_spec(blueprints: int = 100, routes: int = 10, models: int = 200) -> str:
    """The synthetic large spec: a mix of response kinds, and a chain of foreign keys."""
    lines = ["flaskgen: 1", "project: {name: Large, package: large}", "blueprints:"]
    kinds = [
        lambda b, r: f'{{rule: "/t{r}", text: "text {b} {r}"}}',
        lambda b, r: f'{{rule: "/j{r}/<int:item>", json: true}}',
        lambda b, r: f'{{rule: "/f{r}/<slug>", methods: [GET, POST], text: "{{slug}}"}}',
        lambda b, r: f'{{rule: "/p{r}", template: "b{b}/p{r}.html"}}',
    ]
    for b in range(blueprints):
        lines += [f"  b{b}:", f"    url_prefix: /b{b}", "    routes:"]
        lines += [f"      r{r}: {kinds[r % len(kinds)](b, r)}" for r in range(routes)]
    lines.append("models:")
    for m in range(models):
        lines += [f"  M{m}:", "    columns:", "      id: {type: integer, primary_key: true}"]
        lines.append(f"      name: {{type: string, length: 40, nullable: false, unique: {'true' if m % 2 else 'false'}}}")
        if m % 3 == 0:
            lines.append("      score: {type: float}")
        if m:
            lines.append(f"      m{m - 1}_id: {{type: integer, foreign_key: m{m - 1}.id}}")
    return "\n".join(lines) + "\n"


def cookiecutter_template(tree: Path, dest: Path) -> Path:
    """A cookiecutter template whose output is exactly ``tree`` (static files)."""
    project = dest / "{{cookiecutter.project}}"
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree)
        if ".flaskgen" in rel.parts or not path.is_file():
            continue
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        target.write_text("{% raw %}" + text + "{% endraw %}", encoding="utf-8")
    (dest / "cookiecutter.json").write_text('{"project": "app"}\n', encoding="utf-8")
    return dest


def same_tree(a: Path, b: Path) -> bool:
    def files(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and ".flaskgen" not in p.relative_to(root).parts
        }

    return files(a) == files(b)


FLOOR_IMPORTS = "import click, jinja2, yaml, werkzeug.routing"


def bench_new(spec: Path, work: Path, runs: int, *, floor: bool = False) -> dict[str, list[Sample]]:
    flaskgen, cookiecutter = bin_path("flaskgen"), bin_path("cookiecutter")
    ours, theirs = work / "ours", work / "theirs"
    run([flaskgen, "new", str(spec), "-o", str(ours)])
    template = cookiecutter_template(ours, work / "template")
    run([cookiecutter, "--no-input", "-f", "-o", str(theirs), str(template)])
    if not same_tree(ours, theirs / "app"):
        raise SystemExit("cookiecutter's tree differs from flaskgen's: the comparison would be unfair")

    def new() -> Sample:
        shutil.rmtree(ours, ignore_errors=True)
        return run([flaskgen, "new", str(spec), "-o", str(ours)])

    def cut() -> Sample:
        shutil.rmtree(theirs, ignore_errors=True)
        return run([cookiecutter, "--no-input", "-f", "-o", str(theirs), str(template)])

    pairs = {"flaskgen new": new, "cookiecutter": cut}
    if floor:
        pairs["import floor"] = lambda: run([sys.executable, "-c", FLOOR_IMPORTS])
    return alternate(pairs, runs)


def bench_regen(spec: Path, work: Path, runs: int) -> dict[str, list[Sample]]:
    """No-op regen, and a regen whose spec gained one route (reverted after each run)."""
    flaskgen = bin_path("flaskgen")
    project = work / "regen"
    run([flaskgen, "new", str(spec), "-o", str(project)])
    original = spec.read_text(encoding="utf-8")
    changed = original.replace("      r0: ", '      extra: {rule: "/extra", text: extra}\n      r0: ', 1)
    changed_spec = work / "changed.yaml"
    changed_spec.write_text(changed, encoding="utf-8")
    snapshot = work / "regen-snapshot"
    shutil.copytree(project, snapshot, symlinks=True)

    def noop() -> Sample:
        return run([flaskgen, "regen", str(spec), "-o", str(project)])

    def one_change() -> Sample:
        sample = run([flaskgen, "regen", str(changed_spec), "-o", str(project)])
        shutil.rmtree(project)
        shutil.copytree(snapshot, project, symlinks=True)
        return sample

    return alternate({"no-op regen": noop, "one-change regen": one_change}, runs)


def bench_noop_example(work: Path, runs: int) -> list[Sample]:
    """A no-op regen of the largest example, as an absolute figure."""
    flaskgen = bin_path("flaskgen")
    project = work / "spec-v1"
    run([flaskgen, "new", str(ROOT / "examples" / "spec-v1.yaml"), "-o", str(project)])
    return alternate({"noop": lambda: run([flaskgen, "regen", "-o", str(project)])}, runs)["noop"]


def bench_validate(large: Path, runs: int) -> dict[str, list[Sample]]:
    flaskgen = bin_path("flaskgen")
    minimal = ROOT / "examples" / "minimal.yaml"
    return alternate(
        {
            "validate large": lambda: run([flaskgen, "validate", str(large)]),
            "validate minimal": lambda: run([flaskgen, "validate", str(minimal)]),
        },
        runs,
    )


def bench_help(runs: int) -> dict[str, list[Sample]]:
    flaskgen = bin_path("flaskgen")
    return alternate(
        {
            "flaskgen --help": lambda: run([flaskgen, "--help"]),
            "import click": lambda: run([sys.executable, "-c", "import click"]),
        },
        runs,
    )


def row(name: str, a: str, b: str, results: dict[str, list[Sample]], goal: float | None) -> str:
    ta, tb = median(results[a]), median(results[b])
    ratio = ta / tb
    verdict = "" if goal is None else ("ok" if ratio <= goal else "MISSED")
    goal_text = "" if goal is None else f"<= {goal:g}x"
    return (
        f"| {name} | {ta * 1000:.0f} ms | {tb * 1000:.0f} ms | {ratio:.2f}x | {goal_text} {verdict} "
        f"| {peak(results[a]):.0f} MB |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=10)
    parser.add_argument("--write-large", type=Path, help="write the large spec to FILE and stop")
    parser.add_argument("--resources", action="store_true", help="time the generated pages and API (bookshop)")
    parser.add_argument("--suites", action="store_true", help="time the generated test suites (bookshop, spec-v1)")
    options = parser.parse_args()
    if options.suites:
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_suites import bench_suites

        return bench_suites(max(options.runs // 3, 3))
    if options.resources:
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_resources import bench_resources

        return bench_resources(max(options.runs, 50))
    if options.write_large:
        options.write_large.write_text(large_spec(), encoding="utf-8")
        return 0
    # As an installed wheel is: bytecode compiled (PYTHONDONTWRITEBYTECODE would otherwise
    # make every run compile the changed modules again).
    compileall.compile_dir(str(ROOT / "flaskgen"), quiet=1)
    table = ["| measure | flaskgen | baseline | ratio | goal | peak RSS |", "|---|---|---|---|---|---|"]
    missed = False
    with tempfile.TemporaryDirectory(prefix="flaskgen-bench-") as tmp:
        work = Path(tmp)
        large = work / "large.yaml"
        large.write_text(large_spec(), encoding="utf-8")
        crm = ROOT / "examples" / "crm.yaml"
        crm_results = bench_new(crm, work / "crm", options.runs, floor=True)
        measures = [
            ("new crm vs cookiecutter", crm_results, "flaskgen new", "cookiecutter", GOAL_NEW),
            ("new large vs cookiecutter", bench_new(large, work / "large", max(options.runs // 2, 3)), "flaskgen new", "cookiecutter", GOAL_NEW),
            ("validate large vs minimal", bench_validate(large, options.runs), "validate large", "validate minimal", GOAL_VALIDATE),
        ]
        regen = bench_regen(large, work / "regen", max(options.runs // 2, 3))
        help_ = bench_help(options.runs)
        noop_example = bench_noop_example(work, options.runs)
        for name, results, a, b, goal in measures:
            line = row(name, a, b, results, goal)
            missed = missed or line.endswith("MISSED |") or "MISSED" in line
            table.append(line)
        table.append(row("regen large: no-op vs one change", "no-op regen", "one-change regen", regen, None))
        table.append(row("--help vs import click", "flaskgen --help", "import click", help_, None))
        table.append(row("import floor vs cookiecutter crm", "import floor", "cookiecutter", crm_results, None))
    noop = statistics.median(s.seconds for s in noop_example)
    verdict = "ok" if noop < GOAL_NOOP_REGEN else "MISSED"
    table.append(
        f"| no-op regen spec-v1 | {noop * 1000:.0f} ms | | | < {GOAL_NOOP_REGEN * 1000:.0f} ms {verdict} "
        f"| {peak(noop_example):.0f} MB |"
    )
    missed = missed or verdict == "MISSED"
    print("\n".join(table))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Developer entry points that need nothing but Python 3.11+.

    python3 dev.py demo    set up, generate examples/bookshop.yaml into demo/, install it
                           and run its own test suite (then: serve it with --serve)
    python3 dev.py test    set up and run flaskgen's whole test suite (what CI runs), one
                           test process per CPU (up to 4; pytest's -n 0 runs one)
    python3 dev.py shapes  draw specs and check each is refused cleanly or generates a
                           project whose own gates pass (scripts/shapes.py --help)

Both create ``.venv`` (flaskgen and its test tools) on first use and reuse it after.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"


def _run(args: list[str], **kwargs: object) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, **kwargs)  # type: ignore[call-overload]


def setup() -> None:
    """Create .venv and install flaskgen with its test extras (skipped when current)."""
    stamp = VENV / ".flaskgen-setup"
    constraints = ROOT / "tests" / "constraints.txt"
    digest = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + constraints.read_bytes() + sys.version.encode()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PYTHON.exists():
        return
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("flaskgen needs Python 3.11 or newer")
    shutil.rmtree(VENV, ignore_errors=True)
    venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    _run([*pip, "--upgrade", "pip"])
    _run([*pip, "-c", str(constraints), "-e", f"{ROOT}[test,init]"])
    stamp.write_text(digest)


DEMO_SPEC = ROOT / "examples" / "bookshop.yaml"


def _flaskgen_digest() -> str:
    """flaskgen's own sources: a change re-renders the demo from scratch."""
    digest = hashlib.sha256()
    for folder in ("flaskgen", "blueprints_templates", "schemas"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def _generate_demo(target: Path) -> None:
    """Generate the demo project when the spec or flaskgen changed, else keep it (and its
    development database in instance/). A changed spec is merged in with ``regen``, which
    keeps the data and adds a migration; a changed flaskgen generates it anew."""
    stamp = target / ".flaskgen-demo"
    spec_digest, flaskgen_digest = hashlib.sha256(DEMO_SPEC.read_bytes()).hexdigest(), _flaskgen_digest()
    before = stamp.read_text().split() if stamp.exists() else []
    flaskgen = str(VENV / "bin" / "flaskgen")
    if before == [spec_digest, flaskgen_digest]:
        print(f"{target} is up to date with {DEMO_SPEC.name}: kept, with its data")
        return
    if before[1:] == [flaskgen_digest] and (target / ".flaskgen").is_dir():
        _run([flaskgen, "regen", str(DEMO_SPEC), "-o", str(target), "--allow-dirty"])
    else:
        shutil.rmtree(target, ignore_errors=True)
        _run([flaskgen, "new", str(DEMO_SPEC), "-o", str(target)])
    stamp.write_text(f"{spec_digest} {flaskgen_digest}\n")


def demo(serve: bool) -> int:
    """Generate the bookshop example (again only when it changed), install it into a venv,
    run its tests, and with ``serve`` build and seed its development database (once: the
    data stays across restarts) and serve it."""
    setup()
    target = ROOT / "demo"
    _generate_demo(target)
    sys.path.insert(0, str(ROOT))
    from tests.genenv import build_gen_env  # one shared venv for generated projects

    env = build_gen_env()
    env.install(target)
    result = env.run([env.python, "-m", "pytest", "-q"], cwd=target)
    print(result.stdout + result.stderr)
    if result.returncode != 0 or not serve:
        print(f"The generated project is in {target}; its venv is {env.root}.")
        return result.returncode
    run_env = {**os.environ, "PATH": f"{env.root / 'bin'}:{os.environ['PATH']}", "FLASK_CONFIG": "development"}
    manage = [str(env.python), "manage.py"]
    database = target / "instance" / "bookshop.db"
    fresh = not database.exists()
    subprocess.run([*manage, "db", "upgrade"], cwd=target, env=run_env, check=True)
    if fresh:  # made-up rows in every table, once: later starts keep what is there
        subprocess.run([*manage, "seed"], cwd=target, env=run_env, check=True)
    print(f"Its data stays in {database} (delete the file to start again from seeded rows).")
    print("To log in, make an account (in another terminal):")
    print(f"  cd {target} && {env.python} manage.py create-user you@example.com --role admin")
    print("Serving on http://127.0.0.1:5000 (Ctrl-C to stop)")
    return subprocess.run([*manage, "run", "--host", "127.0.0.1"], cwd=target, env=run_env, check=False).returncode


NO_TESTS_COLLECTED = 5  # pytest's exit code when a selection matches nothing


MAX_WORKERS = 4  # test processes at most (each builds its own examples and mypy cache)


def _workers(extra: list[str]) -> list[str]:
    """pytest-xdist options: one test process per usable CPU (up to MAX_WORKERS), unless
    the arguments choose themselves (-n, --numprocesses, --dist, -p no:xdist)."""
    if any(a.startswith(("-n", "--numprocesses", "--dist")) or a.endswith("no:xdist") for a in extra):
        return []
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    workers = min(cpus, MAX_WORKERS)
    return ["-n", str(workers)] if workers > 1 else []


def test(extra: list[str]) -> int:
    """Run the whole test suite, slow smoke tests included, in parallel over the usable
    CPUs (pytest-xdist). A run that collects no tests fails with a message saying so:
    an empty run proves nothing."""
    setup()
    args = [str(PYTHON), "-m", "pytest", *_workers(extra), *extra]
    code = subprocess.run(args, cwd=ROOT, check=False).returncode
    if code == NO_TESTS_COLLECTED:
        print(f"dev.py test: no tests were collected (arguments: {' '.join(extra) or 'none'}); check the selection", file=sys.stderr)
    return code


def shapes(extra: list[str]) -> int:
    """Run scripts/shapes.py (drawn spec shapes through new and the project gates)."""
    setup()
    return subprocess.run([str(PYTHON), str(ROOT / "scripts" / "shapes.py"), *extra], cwd=ROOT, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    demo_parser = sub.add_parser("demo", help="generate and test an example project")
    demo_parser.add_argument("--serve", action="store_true", help="then run its development server")
    test_parser = sub.add_parser("test", help="run the whole test suite")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="extra pytest arguments")
    shapes_parser = sub.add_parser("shapes", help="check drawn specs (scripts/shapes.py)", add_help=False)
    shapes_parser.add_argument("shapes_args", nargs=argparse.REMAINDER, help="scripts/shapes.py arguments")
    # pytest's own options (-q, -k EXPR, ...) pass through: argparse.REMAINDER alone
    # refuses a first extra argument that starts with "-".
    args, unknown = parser.parse_known_args()
    if args.command == "demo":
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        return demo(args.serve)
    if args.command == "shapes":
        return shapes([*unknown, *args.shapes_args])
    return test([*unknown, *args.pytest_args])


if __name__ == "__main__":
    sys.exit(main())

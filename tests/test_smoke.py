"""Generate every example, install it into the shared environment and run its own
suite, its linters, ``mypy --strict`` and its routes command (each example is built
and its suite run once per test run: ``built_example`` in conftest.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from flaskgen.core.spec.auth import BLUEPRINT, URL_PREFIX, auth_rules
from flaskgen.core.spec.base import join_prefix
from flaskgen.specfile import read_spec
from tests.conftest import EXAMPLES, ROOT, SUITE_ENV, BuiltExample, GenEnv, MypyCache, example_paths

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_generated_project_installs_and_passes_its_suite(
    spec_path: Path, gen_env: GenEnv, built_example: Callable[[Path], BuiltExample], mypy_cache: MypyCache
) -> None:
    built = built_example(spec_path)  # generated, `pip install -e .[dev]`, its suite run
    project, suite = built.project, built.suite
    assert suite.returncode == 0, suite.stdout + suite.stderr
    assert re.search(r"\d+ passed", suite.stdout) and " failed" not in suite.stdout
    for args in (
        [gen_env.bin("ruff"), "check", "--no-cache", "."],
        [gen_env.bin("ruff"), "format", "--no-cache", "--check", "."],
    ):
        result = gen_env.run(args, cwd=project, env=SUITE_ENV)
        assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    # --strict on top of the project's own [tool.mypy] (strict too; stubs in typings/).
    typed = mypy_cache.run(gen_env, project, "--strict", ".")
    assert typed.returncode == 0, f"mypy --strict:\n{typed.stdout}\n{typed.stderr}"


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_routes_command_matches_the_spec(spec_path: Path, gen_env: GenEnv, built_example: Callable[[Path], BuiltExample]) -> None:
    project = built_example(spec_path).project
    result = gen_env.run([gen_env.python, "manage.py", "routes"], cwd=project, env={"SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr
    printed = set()
    for line in result.stdout.splitlines()[2:]:
        parts = re.split(r"\s{2,}", line.strip())
        printed.add((parts[0], parts[-1]))
    spec = read_spec(spec_path)
    prefixes = {bp.name: bp.url_prefix for bp in spec.blueprints}
    expected = {
        (route.endpoint, join_prefix(prefixes.get(route.blueprint or ""), rule.rule))
        for route in spec.all_routes
        for rule in route.rules
    }
    if spec.auth is not None:
        expected |= {(f"{BLUEPRINT}.{key}", URL_PREFIX + rule) for rule, key, _ in auth_rules(spec.auth)}
    assert expected <= printed
    pages = ("index", "new", "create", "show", "edit", "update", "confirm_delete", "delete", "options")
    assert {endpoint for endpoint, _ in printed} - {r.endpoint for r in spec.all_routes} <= {e for e, _ in expected} | {
        "static",
        "bootstrap.static",
        "healthz",
        *(u.name for u in spec.uploads),
        *(f"{u.name}_file" for u in spec.uploads),
        *(f"{r.key}.{page}" for r in spec.resources if r.html for page in pages),
        *(f"{r.key}.export" for r in spec.resources if r.html and r.export),
        *(f"{r.key}_api.{view}" for r in spec.resources if r.api for view in (f"{r.model.name}List", f"{r.model.name}Item")),
        *(("api-docs.openapi_json", "api_docs", "api_docs_assets") if any(r.api for r in spec.resources) else ()),
    }
    # The generated README's route table is the app's own table (static aside).
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Routes", 1)[1].split("\n\n`python manage.py routes`", 1)[0]
    documented = set(re.findall(r"^\| `([^`]+)` \| [^|]+ \| `([^`]+)` \|$", section, re.M))
    assert documented == {row for row in printed if row[0] != "static"}


TRICKY = Path(__file__).with_name("data") / "tricky.yaml"


def test_tricky_strings_come_out_exactly(gen_env: GenEnv, generate) -> None:
    project = generate(TRICKY)
    tests = (project / "tests" / "test_routes.py").read_text()
    assert 'text="She said \\"hi\\" and \'bye\' \\\\ back\\\\slash"' in tests
    assert "{{ not jinja }} {% raw %} {# nope #}" in tests
    assert "<p>Grüße, 世界 — ok</p>" in tests
    gen_env.install(project)
    result = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    probe = gen_env.run(
        [
            gen_env.python,
            "-c",
            "from tricky import create_app\n"
            "c = create_app('testing').test_client()\n"
            "print(c.get('/q').get_data(as_text=True))\n"
            "print(c.get('/j').get_data(as_text=True))\n"
            "print(c.get('/e/%3Cscript%3E').get_data(as_text=True))\n"
            "print(c.get('/p').get_data(as_text=True).count('Quotes'))\n",
        ],
        cwd=project,
    )
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    assert lines[0] == "She said \"hi\" and 'bye' \\ back\\slash"
    assert lines[1] == "{{ not jinja }} {% raw %} {# nope #}"
    assert lines[2] == "<b>&lt;script&gt;</b>"
    assert int(lines[3]) >= 1


def test_wheel_ships_templates_schema_and_reference(tmp_path: Path) -> None:
    """Build the wheel, install it into a fresh venv, and generate a project from there."""
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    wheel = next(dist.glob("flaskgen-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    install = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    out = tmp_path / "generated"
    new = subprocess.run(
        [str(env_dir / "bin" / "flaskgen"), "new", str(EXAMPLES / "minimal.yaml"), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert new.returncode == 0, new.stdout + new.stderr
    assert (out / "hello" / "__init__.py").is_file()
    schema = subprocess.run([str(env_dir / "bin" / "flaskgen"), "schema"], capture_output=True, text=True, check=False)
    assert schema.returncode == 0 and '"$schema"' in schema.stdout
    # The spec reference ships in the wheel too, outside any checkout.
    reference = subprocess.run(
        [str(env_dir / "bin" / "flaskgen"), "reference"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert reference.returncode == 0, reference.stderr
    assert reference.stdout == (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(wheel) as archive:
        assert "flaskgen/docs/spec.md" in archive.namelist()

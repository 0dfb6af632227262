"""Generated projects are set up for ``mypy --strict``: the configuration, the stubs for
untyped libraries, the dev extra and the CI step. (The slow smoke test runs mypy on
every example; these checks say why it passes and fail fast when a piece goes missing.)"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from flaskgen.generate import render_project
from flaskgen.specfile import read_spec
from tests.conftest import example_paths, render_text
from tests.genenv import REQUIREMENTS

# Libraries a generated project may import that ship no type hints of their own (or,
# like factory_boy, leave most arguments untyped).
UNTYPED = {"factory", "flask_bootstrap", "flask_login", "flask_mailman", "flask_smorest", "flask_wtf"}
# Distribution -> the stub package a project that depends on it needs in its dev extra.
STUB_PACKAGES = {"flask-migrate": "types-flask-migrate", "flask-wtf": "types-wtforms"}


def _name(requirement: str) -> str:
    """The normalized distribution name of a requirement line."""
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _project(spec_path: Path) -> dict[str, str]:
    return render_project(read_spec(spec_path))


def _imported_modules(source: str) -> set[str]:
    """Every absolute module a Python file imports (``a.b`` for ``from a.b import c``)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


def _stub_for(files: dict[str, str], module: str) -> str | None:
    parts = module.split(".")
    for path in (
        "typings/" + "/".join(parts) + ".pyi",
        "typings/" + "/".join(parts) + "/__init__.pyi",
    ):
        if path in files:
            return path
    return None


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_pyproject_asks_for_strict_mypy_with_the_stubs(spec_path: Path) -> None:
    files = _project(spec_path)
    pyproject = tomllib.loads(files["pyproject.toml"])
    mypy = pyproject["tool"]["mypy"]
    assert mypy["strict"] is True
    assert "ignore_missing_imports" not in mypy and "overrides" not in mypy
    stubs = [path for path in files if path.startswith("typings/")]
    assert mypy.get("mypy_path") == ("typings" if stubs else None)
    assert all(path.endswith(".pyi") for path in stubs)


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_every_untyped_library_imported_has_a_stub(spec_path: Path) -> None:
    files = _project(spec_path)
    imported: set[str] = set()
    for path, text in files.items():
        if path.endswith(".py"):
            imported |= {m for m in _imported_modules(text) if m.split(".")[0] in UNTYPED}
    missing = sorted(m for m in imported if _stub_for(files, m) is None)
    assert missing == [], f"no stub in typings/ for {missing}"
    # ... and no stub for a library the project does not use.
    used = {m.split(".")[0] for m in imported}
    shipped = {
        path.removeprefix("typings/").split("/")[0].removesuffix(".pyi")
        for path in files
        if path.startswith("typings/")
    }
    assert shipped == used


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_dev_extra_has_mypy_and_the_stub_packages(spec_path: Path) -> None:
    files = _project(spec_path)
    project = tomllib.loads(files["pyproject.toml"])["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert "mypy" in dev
    assert {stubs for dist, stubs in STUB_PACKAGES.items() if dist in runtime} <= dev
    assert {name for name in dev if name.startswith("types-")} <= set(STUB_PACKAGES.values())
    # The smoke tests' shared environment installs every tool the dev extra names.
    shared = {
        _name(line)
        for line in REQUIREMENTS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert dev <= shared


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_ci_workflow_runs_mypy(spec_path: Path) -> None:
    workflow = _project(spec_path)[".github/workflows/ci.yml"]
    lint = workflow.split("  lint:")[1].split("\n  test-")[0]
    assert "- run: mypy .\n" in lint


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_type_ignores_are_narrow(spec_path: Path) -> None:
    for path, text in _project(spec_path).items():
        if path.endswith((".py", ".pyi")):
            for line in text.splitlines():
                if "# type: ignore" in line:
                    assert re.search(r"# type: ignore\[[a-z-]+(,[a-z-]+)*\]", line), (
                        f"{path}: {line.strip()}"
                    )


def test_models_subclass_a_base_the_type_checker_can_see() -> None:
    files = _project(next(p for p in example_paths() if p.stem == "blog"))
    models = files["blog/models.py"]
    assert "db.Model)" not in models
    assert re.search(r"^class \w+\(Model\):$", models, re.MULTILINE)
    assert (
        "if TYPE_CHECKING:\n    # " in models
        and "    Model = Base\nelse:\n    Model = db.Model\n" in models
    )


SETTINGS = """\
flaskgen: 1
project: {name: Typed, package: typed}
routes:
  index: {rule: /, text: hi}
config:
  base:
    SECRET_KEY: ${SECRET_KEY}
    MAIL_SERVER: mail.example
    DEBUG: false
  testing:
    SECRET_KEY: testing-not-secret
  production:
    MAIL_SERVER: ${MAIL_SERVER:-mail.example}
"""


def test_settings_read_from_the_environment_are_typed_for_every_profile() -> None:
    config = render_text(SETTINGS)["typed/config.py"]
    # A key some profile reads from the environment is str | FromEnv wherever it is set,
    # so a profile may replace a FromEnv with a literal (and back) under mypy --strict.
    assert 'SECRET_KEY: str | FromEnv = FromEnv("${SECRET_KEY}")' in config
    assert 'SECRET_KEY: str | FromEnv = "testing-not-secret"' in config
    assert 'MAIL_SERVER: str | FromEnv = "mail.example"' in config
    assert 'MAIL_SERVER: str | FromEnv = FromEnv("${MAIL_SERVER:-mail.example}")' in config
    assert re.search(r"^    DEBUG = False$", config, re.MULTILINE)


MIXED = """\
flaskgen: 1
project: {name: Mixed, package: mixed}
routes:
  index: {rule: /, text: hi}
config:
  base:
    SERVER_NAME: null
    MAX_CONTENT_LENGTH: 1MB
    LIMIT: 5
    PERMANENT_SESSION_LIFETIME: 1h
  testing:
    SERVER_NAME: mixed.test
    MAX_CONTENT_LENGTH: -1
    LIMIT: 2.5
    PERMANENT_SESSION_LIFETIME: ${LIFETIME}
"""


def test_settings_whose_type_differs_between_profiles_are_annotated_with_the_union() -> None:
    config = render_text(MIXED)["mixed/config.py"]
    assert "    SERVER_NAME: str | None = None\n" in config
    assert '    SERVER_NAME: str | None = "mixed.test"\n' in config
    assert "    LIMIT: int | float = 5\n" in config and "    LIMIT: int | float = 2.5\n" in config
    assert "    PERMANENT_SESSION_LIFETIME: timedelta | FromEnv = timedelta(hours=1)\n" in config
    # A size and a negative number are both ints: no annotation needed.
    assert re.search(r"^    MAX_CONTENT_LENGTH = ", config, re.MULTILINE)


UUIDS = """\
flaskgen: 1
project: {name: Ids, package: ids}
models:
  Thing:
    columns:
      code: {type: uuid, nullable: false}
      other: {type: uuid}
      name: {type: string, length: 20, nullable: false}
resources:
  things: {model: Thing}
"""


def test_form_values_are_narrowed_before_they_reach_not_null_columns() -> None:
    files = render_text(UUIDS)
    populate = files["ids/things/forms.py"].split("def populate")[1].split("@classmethod")[0]
    assert "if self.code.data:\n            thing.code = uuid.UUID(self.code.data)\n" in populate
    assert "thing.other = uuid.UUID(self.other.data) if self.other.data else None\n" in populate
    assert "if self.name.data is not None:\n            thing.name = self.name.data\n" in populate
    # No routes: the table of requests is empty, and typed all the same.
    assert "REQUESTS: dict[str, tuple[str, str, Expect]] = {}\n" in files["tests/test_routes.py"]

"""Property: a valid spec generates a project that compiles, is ruff-clean, and serves its
literals back exactly.

Hypothesis draws specs with arbitrary printable text (any script, quotes, backslashes,
braces, HTML), JSON documents, 64-bit integers, finite floats, URL variables and models
with defaults. Each spec is written as JSON (which is YAML 1.2), generated, compiled and
linted; then one process in the shared environment imports the app and checks every
literal through Flask's test client and the database.
"""

from __future__ import annotations

import compileall
import json
import subprocess
import tomllib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flaskgen.format import ruff_bin
from flaskgen.project import create_project
from tests.conftest import GenEnv

pytestmark = pytest.mark.slow

# Letters, digits, punctuation, symbols and spaces of every script: what people type.
TEXT = st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=30)
WORD = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)
INT64 = st.integers(-(2**63), 2**63 - 1)
SCALARS = (
    st.none() | st.booleans() | INT64 | st.floats(allow_nan=False, allow_infinity=False) | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
DOCUMENT = st.lists(JSON, max_size=3) | st.dictionaries(TEXT, JSON, max_size=3)

CHECK = """
import json, sys
sys.path.insert(0, sys.argv[1])
from propapp import create_app
expected = json.loads(sys.argv[2])
app = create_app("testing")
client = app.test_client()
for url, kind, want in expected["routes"]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    got = response.get_json() if kind == "json" else response.get_data(as_text=True)
    assert got == want, (url, got, want)
if expected["models"]:
    from propapp import models
    from propapp.extensions import db
with app.app_context():
    if expected["models"]:
        db.create_all()
    for name, defaults in expected["models"]:
        row = getattr(models, name)()
        db.session.add(row)
        db.session.commit()
        for column, value in defaults.items():
            assert getattr(db.session.get(type(row), row.id), column) == value, (name, column)
print("ok")
"""


def _braces(text: str) -> str:
    """``text`` as a spec's text/html value: braces doubled, as Python's format rules say."""
    return text.replace("{", "{{").replace("}", "}}")


@st.composite
def specs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid spec (as data) and what the app must give back for it."""
    routes: dict[str, Any] = {}
    expected: dict[str, Any] = {"routes": [], "models": []}
    for i, kind in enumerate(
        draw(
            st.lists(st.sampled_from(["text", "html", "json", "variable"]), min_size=1, max_size=4)
        )
    ):
        word = draw(WORD)
        endpoint, rule = f"{word}_{i}", f"/{word}-{i}"
        if kind == "json":
            document = draw(DOCUMENT)
            routes[endpoint] = {"rule": rule, "json": document}
            expected["routes"].append((rule, "json", document))
        elif kind == "variable":
            literal, number = draw(TEXT), draw(st.integers(0, 10**9))
            routes[endpoint] = {"rule": f"{rule}/<int:n>", "text": _braces(literal) + " {n}"}
            expected["routes"].append((f"{rule}/{number}", "text", f"{literal} {number}"))
        else:
            literal = draw(TEXT)
            routes[endpoint] = {"rule": rule, kind: _braces(literal)}
            expected["routes"].append((rule, kind, literal))
    models: dict[str, Any] = {}
    for i in range(draw(st.integers(0, 2))):
        name = draw(st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True)) + str(i)
        defaults = {"title": draw(TEXT), "amount": draw(INT64), "flag": draw(st.booleans())}
        models[name] = {
            "columns": {
                "id": {"type": "integer", "primary_key": True},
                "title": {"type": "string", "length": 200, "default": defaults["title"]},
                "amount": {"type": "big_integer", "default": defaults["amount"]},
                "flag": {"type": "boolean", "default": defaults["flag"]},
            }
        }
        expected["models"].append((name, defaults))
    project = {"name": draw(TEXT), "package": "propapp", "description": draw(TEXT)}
    spec = {
        "flaskgen": 1,
        "project": project,
        "routes": routes,
        **({"models": models} if models else {}),
    }
    return spec, expected


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=specs())
def test_valid_specs_generate_projects_that_serve_their_literals(
    tmp_path_factory: pytest.TempPathFactory,
    gen_env: GenEnv,
    drawn: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    spec, expected = drawn
    root = tmp_path_factory.mktemp("prop")
    spec_path = root / "spec.yaml"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
    out = root / "out"
    create_project(spec_path, out)
    assert compileall.compile_dir(out, quiet=1, force=True)
    for args in (
        [ruff_bin(), "check", "--no-cache", "."],
        [ruff_bin(), "format", "--check", "--no-cache", "."],
    ):
        lint = subprocess.run(args, cwd=out, capture_output=True, text=True, check=False)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    pyproject = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == spec["project"]["description"]
    check = gen_env.run(
        [gen_env.python, "-c", CHECK, str(out), json.dumps(expected)],
        cwd=root,
        env={"SECRET_KEY": "x"},
    )
    assert check.returncode == 0 and check.stdout.strip() == "ok", check.stdout + check.stderr


def test_property_strategy_draws_valid_specs() -> None:
    """The strategy itself: every drawn spec passes validation (a fast guard for the slow test)."""
    from flaskgen.specfile import parse_spec

    @settings(max_examples=60, deadline=None)
    @given(drawn=specs())
    def check(drawn: tuple[dict[str, Any], dict[str, Any]]) -> None:
        parse_spec(json.dumps(drawn[0], ensure_ascii=False))

    check()

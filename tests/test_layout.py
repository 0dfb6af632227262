"""The package layout holds: ``flaskgen/core`` is pure and never reaches into the shell."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from jinja2 import Environment

import flaskgen
from flaskgen.core.spec import hazards

PACKAGE = Path(flaskgen.__file__).resolve().parent
CORE = PACKAGE / "core"
# Modules the core may not import: I/O, templating, programs, the terminal.
FORBIDDEN = ("os", "io", "shutil", "tempfile", "subprocess", "socket", "jinja2", "click", "markupsafe")
# Calls that read or run something, whatever they are imported as.
FORBIDDEN_CALLS = ("open", "eval", "exec", "compile", "__import__")
CORE_MODULES = sorted(CORE.rglob("*.py"))


def _imports(tree: ast.AST) -> list[str]:
    """Every module (``pathlib``: every name) imported anywhere in ``tree``, also inside
    functions; pathlib's pure paths are allowed, its ``Path`` (which does I/O) is not."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "pathlib":
            names += [f"pathlib.{a.name}" for a in node.names if not a.name.startswith("Pure")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _calls(tree: ast.AST) -> list[str]:
    return [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]


@pytest.mark.parametrize("module", CORE_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_module_is_pure(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for name in _imports(tree):
        top = name.split(".")[0]
        assert top not in FORBIDDEN and name != "pathlib", f"{module.name} imports {name}"
        assert not name.startswith("pathlib."), f"{module.name} imports {name}"
        if top == "flaskgen":
            assert name.startswith("flaskgen.core") or name == "flaskgen", f"{module.name} imports the shell: {name}"
    bad = sorted(set(_calls(tree)) & set(FORBIDDEN_CALLS))
    assert not bad, f"{module.name} calls {bad}"


def test_the_walk_sees_imports_inside_functions() -> None:
    source = "from pathlib import Path, PurePosixPath\ndef f():\n    import subprocess\n    from flaskgen.render import render\n    open('x')\n"
    tree = ast.parse(source)
    assert sorted(_imports(tree)) == ["flaskgen.render", "pathlib.Path", "subprocess"]
    assert _calls(tree) == ["open"]


def test_no_eval_anywhere() -> None:
    for module in sorted(PACKAGE.rglob("*.py")):
        calls = _calls(ast.parse(module.read_text(encoding="utf-8")))
        assert "eval" not in calls and "exec" not in calls, module


def test_jinja_names_match_the_installed_jinja() -> None:
    env = Environment()
    assert frozenset(env.globals) <= hazards.JINJA_GLOBALS
    assert frozenset(env.filters) <= hazards.JINJA_FILTERS


MAX_FUNCTION_LINES = 50
# Generated from the JSON Schema by scripts/compile_schema.py: one function per schema
# definition, as long as the definition; tests/test_schema_accept.py keeps it in sync.
GENERATED = (CORE / "spec" / "schema_accept.py",)


def test_no_function_is_over_50_lines() -> None:
    long = []
    for module in sorted(set(PACKAGE.rglob("*.py")) - set(GENERATED)):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{module.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "split these functions:\n" + "\n".join(long)

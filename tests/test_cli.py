"""The flaskgen command line: exit codes, messages, atomic and deterministic output."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskgen import __version__, write
from flaskgen.cli import main
from tests.conftest import EXAMPLES

THREE_MISTAKES = """\
flaskgen: 1
project: {name: X, package: xapp}
routes:
  index: {rule: /, tempalte: index.html}
  show: {rule: "/u/<nope:x>", text: hi}
  other: {rule: /o, text: "Hello {nam}"}
"""


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_new_writes_one_line_per_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "app"
    result = runner.invoke(main, ["new", str(EXAMPLES / "minimal.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    written = [line.split()[1] for line in lines[:-1]]
    assert all(line.startswith("create ") for line in lines[:-1])
    assert sorted(written) == sorted(p for p in _tree(out) if not p.startswith(".flaskgen/"))
    assert lines[-1] == f"{len(written)} changed, 0 unchanged in {out}"


def test_new_twice_gives_identical_trees(runner: CliRunner, tmp_path: Path) -> None:
    spec = str(EXAMPLES / "spec-v1.yaml")
    for name in ("a", "b"):
        assert runner.invoke(main, ["new", spec, "-o", str(tmp_path / name / "p")]).exit_code == 0
    assert _tree(tmp_path / "a" / "p") == _tree(tmp_path / "b" / "p")


def test_validate_reports_all_mistakes_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(THREE_MISTAKES)
    before = sorted(tmp_path.iterdir())
    result = runner.invoke(main, ["validate", str(spec)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{spec}:4:20: routes.index.tempalte: unknown key 'tempalte' (did you mean 'template'?)",
        f"{spec}:5:16: routes.show.rule: unknown converter 'nope'",
        f"{spec}:6:27: routes.other.text: '{{nam}}' is not a URL variable of this route",
        "3 problems found; nothing was written.",
    ]
    assert sorted(tmp_path.iterdir()) == before


def test_validate_json(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(THREE_MISTAKES)
    result = runner.invoke(main, ["validate", "--format", "json", str(spec)])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert [(p["line"], p["col"], p["path"]) for p in data["problems"]] == [
        (4, 20, "routes.index.tempalte"),
        (5, 16, "routes.show.rule"),
        (6, 27, "routes.other.text"),
    ]


def test_validate_valid_spec(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", str(EXAMPLES / "spec-v1.yaml")])
    assert result.exit_code == 0
    assert result.output.endswith(": valid\n")


def test_new_with_invalid_spec_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(THREE_MISTAKES)
    result = runner.invoke(main, ["new", str(spec), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_missing_spec_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["new", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope.yaml:1:1: file not found" in result.stderr


def test_non_empty_target_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    result = runner.invoke(main, ["new", str(EXAMPLES / "minimal.yaml"), "-o", str(out)])
    assert result.exit_code == 1
    assert "is not empty" in result.stderr and "--force" in result.stderr
    assert _tree(out) == {"mine.txt": b"keep me"}


def test_force_keeps_other_files_and_backs_up_changed_ones(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    (out / "manage.py").write_text("# my own manage.py\n")
    result = runner.invoke(main, ["new", str(EXAMPLES / "minimal.yaml"), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert (out / "mine.txt").read_text() == "keep me"
    assert (out / ".flaskgen" / "backup" / "manage.py").read_text() == "# my own manage.py\n"
    assert "overwrite manage.py" in result.output


def test_failure_while_writing_leaves_no_target(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real = write.write_fresh

    def flaky(root: Path, relpath: str, text: str) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        real(root, relpath, text)

    monkeypatch.setattr(write, "write_fresh", flaky)
    out = tmp_path / "out"
    result = runner.invoke(main, ["new", str(EXAMPLES / "minimal.yaml"), "-o", str(out)])
    assert result.exit_code != 0
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_write_error_names_the_file(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = write.write_fresh

    def full(root: Path, relpath: str, text: str) -> None:
        if relpath.endswith("/views.py"):
            raise OSError(28, "No space left on device", str(root / relpath))
        real(root, relpath, text)

    monkeypatch.setattr(write, "write_fresh", full)
    out = tmp_path / "out"
    result = runner.invoke(main, ["new", str(EXAMPLES / "minimal.yaml"), "-o", str(out)])
    assert result.exit_code == 1
    assert "cannot write " in result.stderr and "views.py: No space left on device" in result.stderr
    assert not out.exists()


def test_an_unexpected_exception_is_a_bug_with_its_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("not one flaskgen expects")

    monkeypatch.setattr("flaskgen.project.render_project", broken)
    result = runner.invoke(main, ["new", str(EXAMPLES / "minimal.yaml"), "-o", str(tmp_path / "out")])
    assert isinstance(result.exception, OSError) and str(result.exception) == "not one flaskgen expects"
    assert "error:" not in result.output


def test_a_template_override_that_is_not_utf8_is_a_clean_error(runner: CliRunner, tmp_path: Path) -> None:
    override = tmp_path / "templates" / "project" / "package" / "__init__.py.jinja"
    override.parent.mkdir(parents=True)
    override.write_bytes(b"\xff\xfe{{ x }}")
    out = tmp_path / "out"
    result = runner.invoke(main, ["new", str(EXAMPLES / "minimal.yaml"), "-o", str(out), "--templates", str(tmp_path / "templates")])
    assert result.exit_code == 2, result.output
    assert f"{override}:1: template error: not UTF-8 text" in result.stderr
    assert not out.exists()


def test_schema_prints_the_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"flaskgen", "project", "routes", "blueprints", "models", "uploads"} <= set(schema["properties"])


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("new", "validate", "schema"):
        assert command in result.output


def test_init_makes_a_valid_starter_spec_that_generates(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("cookiecutter")
    result = runner.invoke(
        main,
        ["init", "--no-input", "-o", str(tmp_path), "project_name=Shop Floor", "uploads=yes"],
    )
    assert result.exit_code == 0, result.output
    spec = tmp_path / "shop_floor" / "spec.yaml"
    assert spec.is_file()
    assert "uploads:" in spec.read_text()
    result = runner.invoke(main, ["new", str(spec), "-o", str(spec.parent)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "shop_floor" / "shop_floor" / "__init__.py").is_file()
    assert (tmp_path / "shop_floor" / "spec.yaml").read_text() == spec.read_text()


@pytest.mark.parametrize(
    "answers",
    [
        ("accounts=yes", "notes=yes", "roles=admin, editor"),
        ("accounts=yes", "notes=no", "roles="),
        ("accounts=no", "notes=yes", "database=none"),
        ("accounts=no", "notes=no", "database=none", "uploads=yes"),
    ],
    ids=["accounts, roles and notes", "accounts only", "open notes", "no database"],
)
def test_init_offers_accounts_roles_and_resources(runner: CliRunner, tmp_path: Path, answers: tuple[str, ...]) -> None:
    pytest.importorskip("cookiecutter")
    result = runner.invoke(main, ["init", "--no-input", "-o", str(tmp_path), "project_name=Desk", *answers])
    assert result.exit_code == 0, result.output
    spec = (tmp_path / "desk" / "spec.yaml").read_text()
    assert ("auth:" in spec) is ("accounts=yes" in answers)
    assert ("roles: [admin, editor]" in spec) is ("roles=admin, editor" in answers)
    assert ("owner: author" in spec) is ("accounts=yes" in answers and "notes=yes" in answers)
    assert ("resources:" in spec) is ("notes=yes" in answers)
    result = runner.invoke(main, ["new", str(tmp_path / "desk" / "spec.yaml"), "-o", str(tmp_path / "desk" / "app")])
    assert result.exit_code == 0, result.output


def test_init_rejects_a_malformed_answer(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("cookiecutter")
    result = runner.invoke(main, ["init", "--no-input", "-o", str(tmp_path), "project_name=Ok", "broken"])
    assert result.exit_code == 1
    assert "expected KEY=VALUE" in result.stderr


def test_new_and_validate_do_not_import_cookiecutter() -> None:
    import subprocess
    import sys

    code = (
        "import sys, flaskgen.cli, flaskgen.project, flaskgen.generate;"
        "print('cookiecutter' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_init_points_editors_at_the_schema(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("cookiecutter")
    result = runner.invoke(main, ["init", "--no-input", "-o", str(tmp_path), "project_name=Shop"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "shop"
    first_line = (folder / "spec.yaml").read_text().splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=./flaskgen-spec-1.schema.json"
    schema = json.loads((folder / "flaskgen-spec-1.schema.json").read_text())
    assert schema == json.loads(runner.invoke(main, ["schema"]).output)


def test_help_and_reference_point_at_the_spec_reference(runner: CliRunner) -> None:
    assert "docs/spec.md" in runner.invoke(main, ["--help"]).output
    result = runner.invoke(main, ["reference"])
    assert result.exit_code == 0
    assert result.output.startswith("# The flaskgen spec, format 1: reference")
    assert "| `routes.<endpoint>.rule` |" in result.output


GC_REPORT = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print('GC', gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr))\n"
    "sys.argv = ['flaskgen', *sys.argv[1:]]\n"
    "from flaskgen.cli import main\n"
    "main()\n"
)


def test_the_flaskgen_process_pauses_the_cyclic_collector() -> None:
    result = subprocess.run(
        [sys.executable, "-c", GC_REPORT, "validate", str(EXAMPLES / "minimal.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "GC False True" in result.stderr.splitlines()


def test_an_in_process_run_keeps_the_caller_s_collector(runner: CliRunner) -> None:
    frozen = gc.get_freeze_count()
    result = runner.invoke(main, ["validate", str(EXAMPLES / "minimal.yaml")])
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() == frozen

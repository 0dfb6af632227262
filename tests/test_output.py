"""What ``new`` and ``regen`` print: a line per changed file, counts, quiet, colour, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from flaskgen.cli import main
from flaskgen.core.actions import CHANGED, NOTED, Action, WriteResult, results_json, summarize
from flaskgen.regen.plan import decide
from tests.regen_support import Project
from tests.test_regen import ADD_ABOUT

ESC = "\x1b["


def _regen(project: Project, *args: str, color: bool = False, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["regen", str(project.spec), "-o", str(project.root), *args], color=color, env=env)


def _conflicted(tmp_path: Path) -> Project:
    """A project whose next regen adds a page, updates views and conflicts in one of them."""
    project = Project.create(tmp_path)
    project.edit("shop/views.py", 'Response("Hello"', 'Response("Hi there"')
    project.respec(*ADD_ABOUT)
    project.respec("text: Hello}", "text: Howdy}")
    return project


# -- the vocabulary --------------------------------------------------------------------------


def test_every_action_is_changed_noted_or_unchanged_and_steps_use_the_enum() -> None:
    assert CHANGED.isdisjoint(NOTED)
    assert {Action.KEEP, Action.IDENTICAL} == set(Action) - CHANGED - NOTED
    steps = decide("a.py", b"x\n", "x\n", "y\n") + decide("b.py", None, "x\n", "x\n") + decide("c.py", b"z\n", None, "z\n")
    assert [s.action for s in steps] == [Action.UPDATE, Action.SKIP, Action.IDENTICAL]
    assert all(isinstance(s.action, Action) for s in steps)


def test_summary_counts_changed_noted_unchanged_and_conflicts() -> None:
    results = [WriteResult("b", Action.CONFLICT), WriteResult("a", Action.CREATE), WriteResult("c", Action.SKIP)]
    results += [WriteResult(f"u{i}", Action.IDENTICAL) for i in range(3)] + [WriteResult("k", Action.KEEP)]
    summary = summarize(results)
    assert summary.as_dict() == {"changed": 2, "noted": 1, "unchanged": 4, "conflicts": 1}
    assert summary.format() == "2 changed, 1 left alone, 4 unchanged, 1 conflict"
    assert [r["path"] for r in results_json(results)] == sorted(r.relpath for r in results)


# -- new -------------------------------------------------------------------------------------


def test_new_force_prints_only_files_that_changed(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", 'Response("Hello"', 'Response("Hi")')
    (project.root / "README.md").unlink()
    result = CliRunner().invoke(main, ["new", str(project.spec), "-o", str(project.root), "--force"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:-1] == [
        "create    README.md",
        "overwrite shop/views.py  (old copy in .flaskgen/backup/)",
    ]
    total = len(project.regen().steps)
    assert lines[-1] == f"2 changed, {total - 2} unchanged in {project.root}"


def test_new_quiet_prints_the_summary_only(tmp_path: Path) -> None:
    spec = Project.create(tmp_path / "a").spec
    result = CliRunner().invoke(main, ["new", str(spec), "-o", str(tmp_path / "b"), "-q"])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1 and result.output.endswith(f"unchanged in {tmp_path / 'b'}\n")


def test_new_json_lists_every_file_sorted_with_counts(tmp_path: Path) -> None:
    spec = Project.create(tmp_path / "a").spec
    out = tmp_path / "b"
    result = CliRunner().invoke(main, ["new", str(spec), "-o", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"ok", "command", "project", "files", "summary"}
    assert body["ok"] is True and body["command"] == "new" and body["project"] == str(out)
    paths = [f["path"] for f in body["files"]]
    assert paths == sorted(paths) and {f["action"] for f in body["files"]} == {"create"}
    assert paths == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and ".flaskgen" not in p.parts)
    assert body["summary"] == {"changed": len(paths), "noted": 0, "unchanged": 0, "conflicts": 0}


def test_new_json_reports_a_spec_error_as_json_with_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("flaskgen: 1\nproject: {name: X, package: xapp}\nroutes:\n  index: {rule: /, tempalte: i.html}\n")
    result = CliRunner().invoke(main, ["new", str(spec), "-o", str(tmp_path / "out"), "--format", "json"])
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert body["ok"] is False and body["problems"][0]["path"] == "routes.index.tempalte"
    assert "tempalte" in result.stderr and not (tmp_path / "out").exists()


# -- regen -----------------------------------------------------------------------------------


def test_regen_prints_a_line_per_changed_file_and_counts_the_rest(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.respec(*ADD_ABOUT)
    result = _regen(project)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:-1] == [
        "update    README.md",
        "create    shop/templates/about.html",
        "update    shop/templates/base.html",
        "update    shop/views.py",
        "update    tests/test_routes.py",
    ]
    total = len(project.regen().steps)
    assert lines[-1] == f"5 changed, {total - 5} unchanged"
    again = _regen(project)
    assert again.output == f"nothing to do: the project is up to date (0 changed, {total} unchanged)\n"


def test_regen_keeps_your_edits_silently_and_notes_what_it_leaves_alone(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/static/style.css", "\n", "\n/* mine */\n")
    project.path("shop/templates/index.html").unlink()
    project.respec(*ADD_ABOUT)
    result = _regen(project)
    assert result.exit_code == 0, result.output
    assert "style.css" not in result.output  # yours, and the spec changed nothing there: counted
    assert "skip      shop/templates/index.html  (deleted by you; stays deleted)" in result.output.splitlines()
    assert ", 1 left alone, " in result.output.splitlines()[-1]


def test_regen_with_a_conflict_text_quiet_and_json(tmp_path: Path) -> None:
    project = _conflicted(tmp_path)
    dry = _regen(project, "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    body = json.loads(dry.stdout)
    assert body["dry_run"] is True and body["conflicts"] == ["shop/views.py"] and body["up_to_date"] is False
    quiet = _regen(project, "-q", "--dry-run")
    assert quiet.stdout.splitlines() == [f"dry run: {body['summary']['changed']} would change, {body['summary']['unchanged']} unchanged, 1 conflict; nothing was written"]
    assert quiet.stderr == "1 file(s) would conflict:\n  shop/views.py\n"
    result = _regen(project, "--format", "json")
    assert result.exit_code == 1
    real = json.loads(result.stdout)
    assert real == {**body, "dry_run": False, "ok": False}
    by_path = {f["path"]: f for f in real["files"]}
    assert by_path["shop/views.py"]["action"] == "conflict" and by_path["shop/templates/about.html"]["action"] == "create"
    assert [f["path"] for f in real["files"]] == sorted(by_path)
    assert real["summary"]["conflicts"] == 1 and real["summary"]["changed"] == sum(f["action"] in CHANGED for f in real["files"])


def test_regen_check_keeps_its_exit_codes_in_every_mode(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    assert _regen(project, "--check", "-q").output == "up to date\n"
    ok = json.loads(_regen(project, "--check", "--format", "json").stdout)
    assert ok["ok"] is True and ok["up_to_date"] is True and ok["files"] and ok["summary"]["changed"] == 0
    project.respec(*ADD_ABOUT)
    for args in ((), ("-q",), ("--format", "json")):
        result = _regen(project, "--check", *args)
        assert result.exit_code == 1, (args, result.output)
    assert json.loads(result.stdout)["up_to_date"] is False
    assert "out of date" in _regen(project, "--check", "-q").stderr
    assert not project.path("shop/templates/about.html").exists()


# -- colour ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tty", "args", "env", "coloured"),
    [
        (True, (), {}, True),  # a terminal
        (False, (), {}, False),  # a pipe
        (True, (), {"NO_COLOR": "1"}, False),
        (True, ("--no-color",), {}, False),
        (False, ("--color",), {}, True),
        (False, (), {"CLICOLOR_FORCE": "1"}, True),
        (True, ("--color",), {"NO_COLOR": "1"}, True),  # the flag wins
    ],
)
def test_colour_only_on_a_terminal_unless_asked(tmp_path: Path, tty: bool, args: tuple[str, ...], env: dict[str, str], coloured: bool) -> None:
    project = _conflicted(tmp_path)
    base = {"NO_COLOR": None, "CLICOLOR_FORCE": None}
    result = _regen(project, "--dry-run", *args, color=tty, env={**base, **env})
    assert result.exit_code == 0, result.output
    assert (ESC in result.output) is coloured
    if coloured:
        assert f"{ESC}31m{ESC}1mconflict " in result.output or f"{ESC}1m{ESC}31mconflict " in result.output
    assert click.unstyle(result.output) == _regen(project, "--dry-run", "--no-color").output


def test_no_colour_through_a_real_pipe(tmp_path: Path) -> None:
    spec = Project.create(tmp_path / "a").spec
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.run(
        [sys.executable, "-m", "flaskgen", "new", str(spec), "-o", str(tmp_path / "b")], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert ESC not in proc.stdout and proc.stdout.startswith("create ")

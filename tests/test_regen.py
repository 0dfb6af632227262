"""flaskgen regen: the per-file rules, renames, binary and CRLF files, a lost state,
conflicts, git safety, dry run, check and the no-op."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.core.errors import RegenError
from flaskgen.core.merge.blocks import cut_block
from flaskgen.core.merge.table import BESIDE
from flaskgen.merge import has_markers, merge3
from flaskgen.state import STATE_FILE, load_state
from tests.regen_support import BASE_SPEC, Project, rendered, tree

ADD_ABOUT = ("  hello: {rule: /hello, text: Hello}\n", "  hello: {rule: /hello, text: Hello}\n  about: {rule: /about, template: about.html}\n")
DROP_ADMIN = ("  admin:\n    url_prefix: /admin\n    routes:\n      dashboard: {rule: /, template: admin/dashboard.html}\n", "")

# One file per spec side: untouched by the spec change, changed by it, no longer produced.
SPEC_SIDE = {
    "unchanged": "shop/static/style.css",
    "changed": "shop/templates/base.html",
    "removed": "shop/templates/admin/dashboard.html",
}
USER_LINE = {
    "shop/static/style.css": "/* my colours */\n",
    "shop/templates/base.html": "{# my layout #}\n",
    "shop/templates/admin/dashboard.html": "{# my dashboard #}\n",
}
EXPECTED = {  # (user side, spec side) -> action
    ("unchanged", "unchanged"): "identical",
    ("unchanged", "changed"): "update",
    ("unchanged", "removed"): "delete",
    ("edited", "unchanged"): "keep",
    ("edited", "changed"): "merge",
    ("edited", "removed"): "orphan",
    ("deleted", "unchanged"): "skip",
    ("deleted", "changed"): "skip",
    ("deleted", "removed"): None,
}


@pytest.mark.parametrize(("user", "side"), sorted(EXPECTED))
def test_scenario_matrix(tmp_path: Path, user: str, side: str) -> None:
    project = Project.create(tmp_path)
    relpath = SPEC_SIDE[side]
    before = project.read(relpath)
    if user == "edited":
        project.write(relpath, USER_LINE[relpath] + before)
    elif user == "deleted":
        project.path(relpath).unlink()
    project.respec(*ADD_ABOUT)
    project.respec(*DROP_ADMIN)
    report = project.regen()
    assert project.actions(report).get(relpath) == EXPECTED[user, side]
    new = rendered(project.spec.read_text()).get(relpath)
    on_disk = project.path(relpath).read_bytes() if project.path(relpath).exists() else None
    if user == "deleted" or (user, side) == ("unchanged", "removed"):
        assert on_disk is None
    elif user == "unchanged":
        assert on_disk == new
    else:
        text = on_disk.decode()
        assert text.startswith(USER_LINE[relpath])
        if side == "changed":
            assert "url_for('about')" in text  # the spec's change is merged in too
    assert not report.conflicts
    assert project.regen().changes is False  # and the next run is a no-op


def test_whole_tree_after_merge_equals_fresh_render_plus_edits(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", '    return Response("Hello"', '    name = "you"  # mine\n    return Response(f"Hello {name}"')
    project.respec(*ADD_ABOUT)
    report = project.regen()
    fresh = rendered(project.spec.read_text())
    got = tree(project.root)
    assert sorted(got) == sorted(fresh)
    for relpath, data in fresh.items():
        if relpath != "shop/views.py":
            assert got[relpath] == data, relpath
    views = got["shop/views.py"].decode()
    assert 'name = "you"  # mine' in views and "def about()" in views
    assert project.actions(report)["shop/views.py"] == "merge"


def test_new_then_regen_with_same_spec_writes_nothing(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in project.root.rglob("*")}
    report = project.regen()
    assert not report.changes and not report.state_changed
    assert {p: p.stat().st_mtime_ns for p in project.root.rglob("*")} == stamps
    assert set(project.actions(report).values()) == {"identical"}


def test_regen_of_a_changed_spec_then_again_is_a_no_op(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.respec(*ADD_ABOUT)
    assert project.regen().changes
    stamps = {p: p.stat().st_mtime_ns for p in project.root.rglob("*")}
    again = project.regen()
    assert not again.changes and not again.state_changed
    assert {p: p.stat().st_mtime_ns for p in project.root.rglob("*")} == stamps


def test_a_spec_edit_that_changes_no_output_only_records_the_spec(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.spec.write_text("# a comment\n" + project.spec.read_text())
    files = tree(project.root)
    report = project.regen()
    assert not report.changes and report.state_changed
    assert tree(project.root) == files
    assert load_state(project.root).spec_text.startswith("# a comment")


def test_added_by_both_keeps_yours_and_writes_the_new_one_beside(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.write("shop/templates/about.html", "<p>my own about page</p>\n")
    project.respec(*ADD_ABOUT)
    report = project.regen()
    assert report.conflicts == ["shop/templates/about.html"]
    assert project.read("shop/templates/about.html") == "<p>my own about page</p>\n"
    assert project.read("shop/templates/about.html" + BESIDE) == rendered(project.spec.read_text())["shop/templates/about.html"].decode()


def test_a_deleted_file_the_project_needs_is_restored(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    for relpath in ("shop/__init__.py", "shop/store/views.py", "pyproject.toml"):
        project.path(relpath).unlink()
    project.path("shop/templates/index.html").unlink()  # not needed to start: stays deleted
    project.respec(*ADD_ABOUT)
    actions = project.actions(project.regen())
    assert actions["shop/__init__.py"] == "create"
    assert actions["shop/store/views.py"] == "create"  # imported by shop/store/__init__.py
    assert actions["pyproject.toml"] == "create"
    assert actions["shop/templates/index.html"] == "skip"
    assert not project.path("shop/templates/index.html").exists()


# -- conflicts -------------------------------------------------------------------------------


def test_a_conflict_is_marked_listed_and_blocks_the_next_run(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", 'Response("Hello"', 'Response("Hi there"')
    project.respec("text: Hello}", "text: Howdy}")
    result = CliRunner().invoke(main, ["regen", str(project.spec), "-o", str(project.root)])
    assert result.exit_code == 1, result.output
    assert "shop/views.py" in result.output.splitlines()[-1]
    text = project.read("shop/views.py")
    assert has_markers(text) and "Hi there" in text and "Howdy" in text and "||||||| last generated" in text
    with pytest.raises(RegenError, match="conflict markers remain"):
        project.regen()
    resolved = text.split("<<<<<<< yours\n")[0] + '    return Response("Hi there, howdy", mimetype="text/plain")\n' + text.split(">>>>>>> new spec\n")[1]
    project.write("shop/views.py", resolved)
    report = project.regen()
    assert not report.changes and project.read("shop/views.py") == resolved


def test_merge3_reports_the_number_of_conflicts() -> None:
    assert merge3("a\nB\nc\n", "a\nb\nc\n", "a\nb\nc\nd\n").text == "a\nB\nc\nd\n"
    result = merge3("X\nb\nY\n", "a\nb\nc\n", "Z\nb\nW\n")
    assert result.conflicts == 2


# -- renames and moves -----------------------------------------------------------------------


def test_renamed_blueprint_carries_your_edits_to_the_new_package(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/store/views.py", '    return render_template("store/items.html")', '    items = ["mine"]\n    return render_template("store/items.html", items=items)')
    project.respec("  store:\n", "  catalog:\n    renamed_from: store\n")
    report = project.regen()
    actions = project.actions(report)
    assert actions["shop/store/views.py"] == "rename"
    assert actions["shop/catalog/views.py"] == "merge"
    assert not project.path("shop/store").exists()
    views = project.read("shop/catalog/views.py")
    assert 'items = ["mine"]' in views and 'Blueprint("catalog"' in views
    assert not report.conflicts
    assert project.regen().changes is False


def test_route_moved_to_another_blueprint_takes_its_edited_body_along(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", '    return Response("Hello"', '    greeting = "hello from me"\n    return Response(greeting')
    project.respec("  hello: {rule: /hello, text: Hello}\n", "")
    project.respec("      item: {", "      hello: {rule: /hello, text: Hello}\n      item: {")
    report = project.regen()
    assert not report.conflicts, report.results
    assert "greeting" not in project.read("shop/views.py")
    store = project.read("shop/store/views.py")
    assert 'greeting = "hello from me"' in store and '@bp.route("/hello")' in store
    compile(store, "store/views.py", "exec")
    assert project.regen().changes is False


def test_route_renamed_with_hint_moves_its_default_template(tmp_path: Path) -> None:
    spec = BASE_SPEC.replace("      item: {", "      detail: {rule: /detail}\n      item: {")
    project = Project.create(tmp_path, spec)
    page = "shop/templates/store/detail.html"
    project.write(page, project.read(page).replace("{% block content %}", "{% block content %}\n<p>mine</p>", 1))
    project.respec("      detail: {rule: /detail}", "      info: {rule: /detail, renamed_from: detail}")
    report = project.regen()
    actions = project.actions(report)
    assert actions[page] == "rename"
    assert "<p>mine</p>" in project.read("shop/templates/store/info.html")
    assert "def info()" in project.read("shop/store/views.py")


def test_cut_block_takes_decorators_and_a_multiline_signature() -> None:
    text = 'x = 1\n\n\n@bp.route("/a")\ndef a(\n    n: int,\n) -> str:\n    return "a"\n\n\ndef b() -> None:\n    pass\n'
    rest, block = cut_block(text, "a")
    assert block == '@bp.route("/a")\ndef a(\n    n: int,\n) -> str:\n    return "a"'
    assert rest == "x = 1\n\n\ndef b() -> None:\n    pass\n"


# -- binary, CRLF, lost state ----------------------------------------------------------------


def test_binary_file_is_never_merged(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    blob = b"\x89PNG\r\n\x1a\n\x00\x00binary"
    project.path("shop/templates/base.html").write_bytes(blob)
    project.path("shop/static/style.css").write_bytes(b"\xff\xfe not utf-8")
    project.respec(*ADD_ABOUT)
    report = project.regen()
    actions = project.actions(report)
    assert actions["shop/templates/base.html"] == "conflict"
    assert actions["shop/static/style.css"] == "keep"  # the spec did not change it
    assert project.path("shop/templates/base.html").read_bytes() == blob
    assert "url_for('about')" in project.read("shop/templates/base.html" + BESIDE)
    assert project.path("shop/static/style.css").read_bytes() == b"\xff\xfe not utf-8"


def test_crlf_file_merges_and_stays_crlf(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    views = project.read("shop/views.py").replace('    return Response("Hello"', '    print("mine")\n    return Response("Hello"')
    project.path("shop/views.py").write_bytes(views.replace("\n", "\r\n").encode())
    unedited = project.read("shop/templates/base.html")
    project.path("shop/templates/base.html").write_bytes(unedited.replace("\n", "\r\n").encode())
    project.respec(*ADD_ABOUT)
    report = project.regen()
    actions = project.actions(report)
    assert actions["shop/views.py"] == "merge" and actions["shop/templates/base.html"] == "update"
    merged = project.path("shop/views.py").read_bytes()
    assert b'print("mine")\r\n' in merged and b"def about() -> ResponseReturnValue:\r\n" in merged
    assert b"\n" not in merged.replace(b"\r\n", b"")
    base = project.path("shop/templates/base.html").read_bytes()
    assert base == rendered(project.spec.read_text())["shop/templates/base.html"].replace(b"\n", b"\r\n")
    assert project.regen().changes is False


@pytest.mark.parametrize("damage", ["missing", "corrupt", "wrong-format"])
def test_without_a_state_a_differing_file_is_never_overwritten(tmp_path: Path, damage: str) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", '    return Response("Hello"', '    print("mine")\n    return Response("Hello"')
    state = project.path(STATE_FILE)
    if damage == "missing":
        state.unlink()
    elif damage == "corrupt":
        state.write_text('{"format": 1, "files": {"x": ')
    else:
        state.write_text('{"format": 99}')
    with pytest.raises(RegenError, match="name it"):
        regen_without_spec(project)
    project.respec(*ADD_ABOUT)
    report = project.regen()
    actions = project.actions(report)
    assert actions["shop/views.py"] == "conflict"
    assert 'print("mine")' in project.read("shop/views.py")
    assert actions["shop/templates/about.html"] == "create"
    assert actions["shop/static/style.css"] == "identical"
    assert actions["shop/templates/base.html"] == "conflict"  # differs from the new render: not overwritten
    assert load_state(project.root) is not None  # the state is rebuilt for the next run


def regen_without_spec(project: Project) -> None:
    from flaskgen.regen import regen

    regen(project.root)


# -- dry run, check, CLI, git ----------------------------------------------------------------


def test_dry_run_writes_nothing_and_shows_diffs(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.respec(*ADD_ABOUT)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in project.root.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["regen", str(project.spec), "-o", str(project.root), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "create    shop/templates/about.html" in result.output
    assert "+++ b/shop/views.py" in result.output and "+def about()" in result.output
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in project.root.rglob("*") if p.is_file()} == before


def test_check_exits_1_when_out_of_date(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    runner = CliRunner()
    args = ["regen", "-o", str(project.root), "--check"]
    assert runner.invoke(main, args).exit_code == 0
    project.respec(*ADD_ABOUT)
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "out of date" in result.output
    assert runner.invoke(main, ["regen", "-o", str(project.root)]).exit_code == 0
    assert runner.invoke(main, args).exit_code == 0


def test_cli_regen_inside_the_project_uses_the_recorded_spec(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.respec(*ADD_ABOUT)
    cwd = os.getcwd()
    os.chdir(project.root)
    try:
        result = CliRunner().invoke(main, ["regen"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert "create    shop/templates/about.html" in result.output
    assert project.path("shop/templates/about.html").exists()


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.email=t@t", "-c", "user.name=t", *args], check=True, capture_output=True)


def test_refuses_in_a_dirty_git_tree_unless_allowed_then_backs_up(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    _git(project.root, "init", "-q")
    _git(project.root, "add", "-A")
    _git(project.root, "commit", "-qm", "generated")
    project.edit("shop/views.py", '    return Response("Hello"', '    print("uncommitted")\n    return Response("Hello"')
    project.respec(*ADD_ABOUT)
    files = tree(project.root)
    with pytest.raises(RegenError, match="uncommitted changes"):
        project.regen()
    assert tree(project.root) == files
    report = project.regen(allow_dirty=True)
    assert report.backup == ".flaskgen/backup/1"
    saved = project.root / report.backup
    assert (saved / "shop/views.py").read_bytes() == files["shop/views.py"]
    assert (saved / "shop/templates/base.html").read_bytes() == files["shop/templates/base.html"]
    assert 'print("uncommitted")' in project.read("shop/views.py")


def test_a_no_op_in_a_dirty_tree_is_fine(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    _git(project.root, "init", "-q")
    _git(project.root, "add", "-A")
    _git(project.root, "commit", "-qm", "generated")
    project.edit("shop/views.py", '    return Response("Hello"', '    print("uncommitted")\n    return Response("Hello"')
    assert project.regen().changes is False

"""regen never corrupts code or misreports: identity of views, merged code that must
still run, state that must not lie, migrations with the user's own revisions, and the
file system (modes, symbolic links, leftovers, the lock, markers that are not ours)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import flaskgen.regen.apply
import flaskgen.regen.revisions
from flaskgen.cli import main
from flaskgen.core.errors import RegenError
from flaskgen.core.merge.identity import Merged, identity_problem
from flaskgen.core.merge.table import BESIDE
from flaskgen.format import ruff_bin
from flaskgen.merge import has_markers
from flaskgen.regen.apply import JOURNAL
from flaskgen.resources import templates_dir
from flaskgen.state import STATE_FILE, load_state
from tests.genenv import GenEnv
from tests.regen_support import BASE_SPEC, Project, tree

HELLO = "  hello: {rule: /hello, text: Hello}\n"
THING = "  thing: {rule: /thing, methods: [PUT, PATCH], view: class, json: true}\n"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _ruff_clean(path: Path) -> bool:
    proc = subprocess.run([ruff_bin(), "check", "--isolated", "--select", "F821,F811,E9", str(path)], capture_output=True, check=False)
    return proc.returncode == 0


# -- 1. a body goes only to the same identity -----------------------------------------------


def test_methods_changed_never_move_an_edited_body_to_another_method(tmp_path: Path) -> None:
    project = Project.create(tmp_path, BASE_SPEC.replace(HELLO, HELLO + THING))
    project.edit("shop/views.py", "    def patch(self) -> ResponseReturnValue:\n        return jsonify({})", "    def patch(self) -> ResponseReturnValue:\n        return jsonify({'patched': 'mine'})")
    project.respec("methods: [PUT, PATCH]", "methods: [PUT, DELETE]")
    report = project.regen()
    assert report.conflicts == ["shop/views.py"]
    assert not project.path("shop/views.py" + BESIDE).exists()  # merged per method, not as a whole file
    text = project.read("shop/views.py")
    assert text.count("<<<<<<< yours") == 1
    yours, _, rest = text.partition("||||||| last generated")
    assert "'patched': 'mine'" in yours.partition("<<<<<<< yours")[2]  # your patch, only inside the markers
    after = rest.partition(">>>>>>> new spec")[2]
    assert "def delete(self)" in after and "mine" not in after and "def patch" not in after
    note = next(s.note for s in report.steps if s.relpath == "shop/views.py")
    assert "ThingView.patch()" in note


def test_a_route_replaced_in_place_does_not_inherit_the_old_body(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", '    return Response("Hello"', '    print("mine")\n    return Response("Hello"')
    project.respec(HELLO, "  greet: {rule: /greet, text: Hello}\n")
    report = project.regen()
    assert "shop/views.py" in report.conflicts
    text = project.read("shop/views.py")
    if not has_markers(text):  # either git marks it, or yours is kept and the new one is beside
        assert "def hello" in text and 'print("mine")' in text
        assert 'print("mine")' not in project.read("shop/views.py" + BESIDE)


def test_renamed_from_carries_the_body_to_the_new_name(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", '    return Response("Hello"', '    print("mine")\n    return Response("Hello"')
    project.respec(HELLO, "  greet: {rule: /greet, text: Hello, renamed_from: hello}\n")
    report = project.regen()
    assert not report.conflicts
    text = project.read("shop/views.py")
    assert "def greet" in text and "def hello" not in text and 'print("mine")' in text


def test_an_edited_view_the_spec_drops_is_a_conflict_not_a_silent_loss() -> None:
    base = "def a():\n    return 1\n\n\ndef b():\n    return 2\n"
    ours = "def a():\n    return 1\n\n\ndef b():\n    x = 3\n    return 2\n"
    theirs = "def a():\n    return 1\n"
    problem = identity_problem(Merged("v.py", ours, base, theirs, theirs), {})
    assert problem is not None and "b()" in problem
    assert identity_problem(Merged("v.py", ours, base, theirs, ours), {}) is None


def test_identity_allows_a_renamed_class_to_keep_its_methods() -> None:
    base = "class A:\n    def get(self):\n        return 1\n"
    ours = "class A:\n    def get(self):\n        return 'mine'\n"
    theirs = "class B:\n    def get(self):\n        return 1\n"
    merged = "class B:\n    def get(self):\n        return 'mine'\n"
    assert identity_problem(Merged("v.py", ours, base, theirs, merged), {"B": "A"}) is None
    assert identity_problem(Merged("v.py", ours, base, theirs, merged), {}) is not None


# -- 2. merged code must still run ------------------------------------------------------------


def test_an_import_the_new_render_drops_is_re_added_when_your_code_needs_it(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    views = project.read("shop/views.py")
    project.write("shop/views.py", views.replace("\n\ndef register_views", '\n\ndef ping() -> Response:\n    return Response("pong")\n\n\ndef register_views'))
    project.respec("text: Hello}", "json: true}")
    report = project.regen()
    assert not report.conflicts
    note = next(s.note for s in report.steps if s.relpath == "shop/views.py")
    assert "re-added 'from flask import Response'" in note
    assert _ruff_clean(project.path("shop/views.py"))


def test_a_name_the_merge_leaves_undefined_is_a_conflict_naming_it(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    views = project.read("shop/views.py")
    mine = views.replace("\n\ndef register_views", "\n\ndef twice() -> object:\n    return hello(), hello()\n\n\ndef register_views")
    project.write("shop/views.py", mine)
    project.respec(HELLO, "")
    code, output = _cli("regen", str(project.spec), "-o", str(project.root))
    assert code == 1
    assert "shop/views.py" in output and "Undefined name `hello`" in output
    assert project.read("shop/views.py") == mine
    assert "def hello" not in project.read("shop/views.py" + BESIDE)


def test_a_view_moved_into_a_blueprint_takes_your_import_along(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", "from __future__ import annotations\n", "from __future__ import annotations\n\nimport textwrap\n")
    project.edit("shop/views.py", '    return Response("Hello"', '    return Response(textwrap.dedent("Hello")')
    project.respec(HELLO, "")
    project.respec("      items: {rule: /items", "      hello: {rule: /hello, text: Hello}\n      items: {rule: /items")
    report = project.regen()
    assert not report.conflicts, report.results
    moved = project.read("shop/store/views.py")
    assert "textwrap.dedent" in moved and "import textwrap" in moved
    assert _ruff_clean(project.path("shop/store/views.py")) and _ruff_clean(project.path("shop/views.py"))


@pytest.mark.slow
def test_merged_project_imports_and_its_tests_pass(tmp_path: Path, gen_env: GenEnv) -> None:
    # Without a base SECRET_KEY: production must then read it from the environment.
    project = Project.create(tmp_path, BASE_SPEC.replace("config:\n  base: {SECRET_KEY: not-secret}\n", ""))
    views = project.read("shop/views.py")
    project.write("shop/views.py", views.replace("\n\ndef register_views", '\n\ndef ping() -> Response:\n    return Response("pong")\n\n\ndef register_views'))
    project.respec("text: Hello}", "json: true}")
    assert not project.regen().conflicts
    suite = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project.root)
    assert suite.returncode == 0, suite.stdout + suite.stderr


# -- 4. state that does not lie ---------------------------------------------------------------


class Crash(Exception):
    pass


def _crash_after_journal(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run regen and stop it right after its journal is written."""
    real = flaskgen.regen.apply._io_write
    calls: list[Path] = []

    def failing(path: Path, data: bytes | None, mode: int | None = None) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise Crash("interrupted")
        real(path, data, mode)

    monkeypatch.setattr(flaskgen.regen.apply, "_io_write", failing)
    with pytest.raises(Crash):
        project.regen()
    monkeypatch.setattr(flaskgen.regen.apply, "_io_write", real)
    assert project.path(JOURNAL).exists()


def test_a_file_edited_while_a_run_was_pending_gets_the_new_version_beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project.create(tmp_path)
    project.respec("text: Hello}", "text: Howdy}")
    _crash_after_journal(project, monkeypatch)
    journal = json.loads(project.path(JOURNAL).read_text())
    pending = [e["path"] for e in journal["steps"] if e["data"] is not None]
    victim = pending[-1]
    project.write(victim, project.read(victim) + "# mine\n")
    report = project.regen()
    assert report.resumed and victim in report.conflicts
    assert project.read(victim).endswith("# mine\n")
    assert project.path(victim + BESIDE).exists()
    with pytest.raises(RegenError, match=f"new version waits in {victim}"):
        project.regen()
    assert _cli("regen", str(project.spec), "-o", str(project.root), "--check")[0] == 1
    project.path(victim + BESIDE).unlink()
    assert not project.regen().conflicts


def test_a_binary_files_new_version_blocks_the_next_run_until_handled(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    layout = "shop/templates/base.html"
    mine = project.read(layout).encode("utf-8") + b"\xff\xfe latin-1 bytes\n"
    project.path(layout).write_bytes(mine)
    project.respec(HELLO, HELLO + "  about: {rule: /about, template: about.html}\n")
    report = project.regen()
    assert layout in report.conflicts and project.path(layout + BESIDE).exists()
    assert project.path(layout).read_bytes() == mine
    with pytest.raises(RegenError, match="base.html.flaskgen-new"):
        project.regen()
    code, output = _cli("regen", str(project.spec), "-o", str(project.root), "--check")
    assert code == 1 and "base.html.flaskgen-new" in output
    project.path(layout + BESIDE).unlink()  # handled
    assert not project.regen().changes


def test_a_module_you_turned_into_a_package_is_not_restored(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    package = project.path("shop/store/views")
    package.mkdir()
    project.path("shop/store/views.py").rename(package / "__init__.py")
    project.respec("      item: {rule:", "      extra: {rule: /extra, text: x}\n      item: {rule:")
    report = project.regen()
    assert not project.path("shop/store/views.py").exists()
    assert "shop/store/views.py" in report.conflicts
    assert "def extra" in project.read("shop/store/views.py" + BESIDE)
    project.path("shop/store/views.py" + BESIDE).unlink()
    assert not project.regen().changes


def test_the_template_folder_is_recorded_and_used_by_every_regen(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    folder = tmp_path / "mytemplates"
    builtin = templates_dir()
    source = next(builtin.rglob("base.html.jinja"))
    target = folder / source.relative_to(builtin)
    target.parent.mkdir(parents=True)
    target.write_text("{# house layout #}\n" + source.read_text())
    spec = tmp_path / "spec.yaml"
    spec.write_text(BASE_SPEC)
    assert _cli("new", str(spec), "-o", str(tmp_path / "app"), "--templates", str(folder))[0] == 0
    project = Project(tmp_path / "app", spec)
    assert load_state(project.root).templates == (folder.resolve().as_posix(),)
    project.respec(HELLO, HELLO + "  about: {rule: /about, template: about.html}\n")
    project.regen()
    base = project.read("shop/templates/base.html")
    assert "house layout" in base and "about" in base
    target.write_text(target.read_text().replace("house layout", "new house layout"))
    assert "new house layout" in (project.regen(), project.read("shop/templates/base.html"))[1]
    code, _ = _cli("regen", str(spec), "-o", str(project.root), "--templates", str(builtin))
    assert code == 0 and "house layout" not in project.read("shop/templates/base.html")
    assert load_state(project.root).templates == (builtin.as_posix(),)


def test_a_missing_template_folder_stops_regen_with_what_to_do(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir(parents=True)
    spec = tmp_path / "spec.yaml"
    spec.write_text(BASE_SPEC)
    assert _cli("new", str(spec), "-o", str(tmp_path / "app"), "--templates", str(folder))[0] == 0
    folder.rmdir()
    code, output = _cli("regen", "-o", str(tmp_path / "app"))
    assert code == 1 and "--templates" in output and "missing" in output


@pytest.mark.parametrize("where", ["state", "journal"])
def test_a_path_outside_the_project_stops_before_anything_is_written(tmp_path: Path, where: str) -> None:
    project = Project.create(tmp_path)
    (tmp_path / "outside.txt").write_text("keep me\n")
    if where == "state":
        state = json.loads(project.path(STATE_FILE).read_text())
        state["files"]["../outside.txt"] = "keep me\n"
        state["spec_sha256"] = "changed"
        project.path(STATE_FILE).write_text(json.dumps(state))
    else:
        journal = {"state": project.path(STATE_FILE).read_text(), "steps": [
            {"path": "shop/views.py", "action": "update", "note": "", "conflict": False, "old": None, "data": "x\n"},
            {"path": "../outside.txt", "action": "update", "note": "", "conflict": False, "old": None, "data": "gone\n"},
        ]}
        project.path(JOURNAL).write_text(json.dumps(journal))
    before = tree(project.root)
    for _ in range(2):
        code, output = _cli("regen", str(project.spec), "-o", str(project.root))
        assert code == 1 and "../outside.txt" in output and "outside the project" in output
    assert tree(project.root) == before
    assert (tmp_path / "outside.txt").read_text() == "keep me\n"


def test_markers_regen_did_not_write_do_not_block(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.write("README.md", project.read("README.md") + "\nA conflict looks like\n\n<<<<<<< yours\nmine\n>>>>>>> new spec\n")
    project.respec(HELLO, HELLO + "  about: {rule: /about, template: about.html}\n")
    report = project.regen()
    assert not report.conflicts
    project.respec("text: Hello}", "text: Howdy}")
    assert not project.regen().conflicts  # and still not blocked


def test_a_format_1_state_is_read(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    state = json.loads(project.path(STATE_FILE).read_text())
    for key in ("templates", "templates_sha256", "conflicts"):
        state.pop(key)
    state["format"] = 1
    project.path(STATE_FILE).write_text(json.dumps(state))
    loaded = load_state(project.root)
    assert loaded is not None and loaded.conflicts is None and loaded.templates == ()
    project.respec("text: Hello}", "text: Howdy}")
    assert not project.regen().conflicts
    assert json.loads(project.path(STATE_FILE).read_text())["format"] == 2


# -- 5. migrations with your own revisions ----------------------------------------------------

MODELS = "models:\n  Item:\n    columns:\n      name: {type: string, length: 80}\n"
ADD_COLUMN = ("      name: {type: string, length: 80}\n", "      name: {type: string, length: 80}\n      price: {type: integer, nullable: true}\n")
USER_REVISION = '''"""My own data fix."""

revision = "{rev}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


def _models_project(tmp_path: Path) -> tuple[Project, str]:
    project = Project.create(tmp_path, BASE_SPEC + MODELS)
    (initial,) = [p for p in project.path("migrations/versions").glob("*.py")]
    first = flaskgen.regen.revisions._revision_ids(initial.name, initial.read_text())[0]
    assert first
    return project, first


def _versions(project: Project) -> dict[str, str]:
    return {p.name: p.read_text() for p in project.path("migrations/versions").glob("*.py")}


def test_a_new_revision_goes_on_top_of_your_own(tmp_path: Path) -> None:
    project, first = _models_project(tmp_path)
    mine = USER_REVISION.format(rev="user0001", down=first)
    project.write("migrations/versions/0002_my_fix.py", mine)
    project.respec(*ADD_COLUMN)
    report = project.regen()
    assert not report.conflicts
    new = [n for n in _versions(project) if n.startswith("0003_")]
    assert len(new) == 1
    assert flaskgen.regen.revisions._revision_ids(new[0], _versions(project)[new[0]])[1] == ("user0001",)
    assert project.read("migrations/versions/0002_my_fix.py") == mine  # never rewritten
    assert flaskgen.regen.revisions._head({f"v/{k}": v for k, v in _versions(project).items()}) not in (None, "user0001")


def test_a_merge_revision_of_yours_is_followed(tmp_path: Path) -> None:
    project, first = _models_project(tmp_path)
    project.write("migrations/versions/a_branch.py", USER_REVISION.format(rev="branch_a", down=first))
    project.write("migrations/versions/b_branch.py", USER_REVISION.format(rev="branch_b", down=first))
    project.write("migrations/versions/c_merge.py", USER_REVISION.format(rev="merged", down=("branch_a", "branch_b")))
    project.respec(*ADD_COLUMN)
    project.regen()
    new = [n for n in _versions(project) if n.startswith("0002_")]
    assert flaskgen.regen.revisions._revision_ids(new[0], _versions(project)[new[0]])[1] == ("merged",)


def test_several_heads_stop_regen_with_what_to_do(tmp_path: Path) -> None:
    project, first = _models_project(tmp_path)
    project.write("migrations/versions/x1.py", USER_REVISION.format(rev="x1", down=first))
    project.write("migrations/versions/x2.py", USER_REVISION.format(rev="x2", down=first))
    project.respec(*ADD_COLUMN)
    before = tree(project.root)
    code, output = _cli("regen", str(project.spec), "-o", str(project.root))
    assert code == 1 and "x1, x2" in output and "flask db merge heads" in output
    assert tree(project.root) == before


@pytest.mark.slow
def test_alembic_sees_one_head_after_regen(tmp_path: Path, gen_env: GenEnv) -> None:
    project, first = _models_project(tmp_path)
    project.write("migrations/versions/0002_my_fix.py", USER_REVISION.format(rev="user0001", down=first))
    project.respec(*ADD_COLUMN)
    project.regen()
    code = "import sys; from alembic.script import ScriptDirectory; print(','.join(ScriptDirectory(sys.argv[1]).get_heads()))"
    result = gen_env.run([gen_env.python, "-c", code, str(project.path("migrations"))], cwd=project.root)
    assert result.returncode == 0, result.stderr
    heads = result.stdout.strip().split(",")
    assert len(heads) == 1 and heads[0] not in (first, "user0001")


# -- 6. the file system -----------------------------------------------------------------------


def test_modes_of_existing_files_are_kept_and_new_files_follow_the_umask(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.path("shop/views.py").chmod(0o444)
    project.path("shop/templates/base.html").chmod(0o755)
    project.path("manage.py").unlink()
    project.respec(HELLO, HELLO + "  about: {rule: /about, template: about.html}\n")
    old = os.umask(0o027)
    try:
        project.regen()
    finally:
        os.umask(old)
    mode = lambda rel: stat.S_IMODE(project.path(rel).stat().st_mode)  # noqa: E731
    assert mode("shop/views.py") == 0o444 and "def about" in project.read("shop/views.py")
    assert mode("shop/templates/base.html") == 0o755
    assert mode("shop/templates/about.html") == 0o640
    assert mode("manage.py") == 0o750  # restored: the project cannot run without it


def test_a_symbolic_link_is_left_alone_and_reported(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    shared = tmp_path / "shared-base.html"
    shared.write_text("{# shared layout #}\n")
    project.path("shop/templates/base.html").unlink()
    project.path("shop/templates/base.html").symlink_to(shared)
    project.respec(HELLO, HELLO + "  about: {rule: /about, template: about.html}\n")
    report = project.regen()
    step = next(s for s in report.steps if s.relpath == "shop/templates/base.html")
    assert step.action == "skip" and "symbolic link" in step.note
    assert project.path("shop/templates/base.html").is_symlink()
    assert shared.read_text() == "{# shared layout #}\n"


def test_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    leftovers = ["shop/.views.py.k2x_9a0b.tmp", ".flaskgen/.state.json.abcdefgh.tmp"]
    for relpath in leftovers:
        project.write(relpath, "half written")
    project.write("shop/.notes.tmp", "mine")  # not a name regen makes
    project.respec("text: Hello}", "text: Howdy}")
    code, output = _cli("regen", str(project.spec), "-o", str(project.root))
    assert code == 0
    for relpath in leftovers:
        assert not project.path(relpath).exists() and relpath in output
    assert project.read("shop/.notes.tmp") == "mine"


def test_a_second_run_at_once_is_refused_clearly(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.respec("text: Hello}", "text: Howdy}")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from flaskgen.regen.disk import project_lock\n"
         "with project_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(30)", str(project.root)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = tree(project.root)
        code, output = _cli("regen", str(project.spec), "-o", str(project.root))
        assert code == 1 and "another flaskgen run" in output and ".flaskgen/lock" in output
        assert tree(project.root) == before
    finally:
        holder.kill()
        holder.communicate()
    assert not project.regen().conflicts  # the killed holder's lock is gone with it


def test_two_regens_started_together_never_make_a_spurious_conflict(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.respec(HELLO, HELLO + "  about: {rule: /about, template: about.html}\n")
    command = [sys.executable, "-m", "flaskgen", "regen", str(project.spec), "-o", str(project.root)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [(p.wait(), p.communicate()[0]) for p in procs]
    assert all(code == 0 or "another flaskgen run" in out for code, out in outputs), outputs
    assert not any("no merge base" in out or "conflict" in out.split("another")[0] for _, out in outputs)
    assert not project.regen().changes


# -- 3. your files in a renamed folder --------------------------------------------------------


def test_your_module_moves_with_a_renamed_blueprint(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.write("shop/store/helpers.py", "def shout(text: str) -> str:\n    return text.upper()\n")
    project.path("shop/store/data").mkdir()
    project.write("shop/store/data/prices.csv", "a,1\n")
    project.path("shop/store/data/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    project.edit("shop/store/views.py", "from __future__ import annotations\n", "from __future__ import annotations\n\nfrom .helpers import shout\n")
    project.edit("shop/store/views.py", 'render_template("store/items.html")', 'render_template("store/items.html", title=shout("items"))')
    project.respec("  store:\n", "  catalog:\n    renamed_from: store\n")
    report = project.regen()
    assert not report.conflicts, report.results
    assert project.read("shop/catalog/helpers.py").startswith("def shout")
    assert project.read("shop/catalog/data/prices.csv") == "a,1\n"
    assert project.path("shop/catalog/data/logo.png").read_bytes() == b"\x89PNG\r\n\x1a\n\x00\xff"
    assert not project.path("shop/store/helpers.py").exists()
    assert "from .helpers import shout" in project.read("shop/catalog/views.py")
    assert not project.regen().changes


def test_moved_files_keep_their_modes(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.write("shop/store/tool.py", "#!/usr/bin/env python3\nprint('hi')\n")
    project.path("shop/store/tool.py").chmod(0o750)
    project.write("shop/store/secret.txt", "token\n")
    project.path("shop/store/secret.txt").chmod(0o600)
    project.path("shop/store/views.py").chmod(0o640)  # a generated file you restricted
    project.respec("  store:\n", "  catalog:\n    renamed_from: store\n")
    report = project.regen()
    assert not report.conflicts, report.results
    modes = {name: stat.S_IMODE(project.path(f"shop/catalog/{name}").stat().st_mode) for name in ("tool.py", "secret.txt", "views.py")}
    assert modes == {"tool.py": 0o750, "secret.txt": 0o600, "views.py": 0o640}


def test_your_files_move_with_a_renamed_package(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.write("shop/util.py", "X = 1\n")
    project.write("shop/store/extra.py", "Y = 2\n")
    project.respec("package: shop}", "package: mall}")
    report = project.regen()
    assert not report.conflicts, report.results
    assert project.read("mall/util.py") == "X = 1\n" and project.read("mall/store/extra.py") == "Y = 2\n"
    assert not project.path("shop/util.py").exists()


def test_a_clash_in_the_renamed_folder_stops_and_says_what_must_move(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.write("shop/store/helpers.py", "A = 1\n")
    project.path("shop/catalog").mkdir()
    project.write("shop/catalog/helpers.py", "B = 2\n")
    project.respec("  store:\n", "  catalog:\n    renamed_from: store\n")
    before = tree(project.root)
    code, output = _cli("regen", str(project.spec), "-o", str(project.root))
    assert code == 1 and "shop/store/helpers.py -> shop/catalog/helpers.py" in output
    assert tree(project.root) == before


def test_check_reports_a_pending_interrupted_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project.create(tmp_path)
    project.respec("text: Hello}", "text: Howdy}")
    _crash_after_journal(project, monkeypatch)
    code, output = _cli("regen", str(project.spec), "-o", str(project.root), "--check")
    assert code == 1 and "interrupted regen is pending" in output
    assert _cli("regen", str(project.spec), "-o", str(project.root))[0] == 0
    code, output = _cli("regen", str(project.spec), "-o", str(project.root), "--check")
    assert code == 0 and output.endswith("up to date\n")


def test_a_module_you_turned_into_a_package_is_not_restored_even_when_unchanged(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    (project.path("shop/views")).mkdir()
    project.path("shop/views.py").rename(project.path("shop/views/__init__.py"))
    project.respec("  store:\n", "  store:\n    doc: The store.\n")
    report = project.regen()
    assert not project.path("shop/views.py").exists() and not report.conflicts
    assert "package shop/views/" in next(s.note for s in report.steps if s.relpath == "shop/views.py")


def test_files_in_a_linked_folder_are_left_alone(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    elsewhere = tmp_path / "shared-templates"
    project.path("shop/templates").rename(elsewhere)
    project.path("shop/templates").symlink_to(elsewhere, target_is_directory=True)
    before = {p.name: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    project.respec(HELLO, HELLO + "  about: {rule: /about, template: about.html}\n")
    report = project.regen()
    linked = [s for s in report.steps if s.relpath.startswith("shop/templates/")]
    assert {s.relpath for s in linked if s.action == "skip"} >= {"shop/templates/base.html", "shop/templates/about.html"}
    assert all("symbolic link" in s.note for s in linked if s.action != "identical")
    assert {p.name: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before


def test_a_syntax_error_the_merge_makes_is_a_new_finding() -> None:
    from flaskgen.regen.checks import new_findings, ruff_findings

    found = ruff_findings({"merged": "def f(:\n    pass\n", "before": "def f():\n    pass\n"})
    fresh = new_findings(found["merged"], found["before"])
    assert fresh and fresh[0][2] == 1
    assert not new_findings(found["before"], found["before"])

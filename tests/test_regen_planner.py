"""The regen planner is pure: plain asserts over hand-built snapshots, no filesystem (the
three-way merge is a stand-in that says what it was given)."""

from __future__ import annotations

import dataclasses

import pytest

from flaskgen.core.actions import Action
from flaskgen.core.errors import RegenError
from flaskgen.core.merge.moves import BlockMove, Moves
from flaskgen.core.merge.table import Step
from flaskgen.core.merge.text import MergeResult
from flaskgen.regen.planner import Changes, Plan, plan
from flaskgen.regen.snapshot import OnDisk, Snapshot, folder_renames, outermost


def merged(ours: str, base: str, theirs: str) -> MergeResult:
    """A stand-in merge: the new render, then yours."""
    return MergeResult(f"{theirs}{ours}", 0)


def clashing(ours: str, base: str, theirs: str) -> MergeResult:
    return MergeResult(f"<<<<<<< yours\n{ours}=======\n{theirs}>>>>>>> new spec\n", 1)


def run(snapshot: Snapshot, changes: Changes, merge=merged) -> Plan:  # type: ignore[no-untyped-def]
    return plan(snapshot, changes, merge)


def by_path(planned: Plan) -> dict[str, tuple[Action, bytes | None]]:
    return {s.relpath: (s.action, s.data) for s in planned.steps}


def test_an_empty_base_creates_every_file_in_order() -> None:
    planned = run(Snapshot(), Changes({"b.py": "b\n", "a.txt": "a\n"}))
    assert planned.steps == (
        Step.write("a.txt", Action.CREATE, b"a\n"),
        Step.write("b.py", Action.CREATE, b"b\n"),
    )
    assert planned.carried == {}


def test_the_decision_table_per_file() -> None:
    snapshot = Snapshot.of(
        {
            "same.txt": b"old\n",
            "mine.txt": b"mine\n",
            "gone.txt": None,
            "left.txt": b"left\n",
            "kept.txt": b"x\n",
        }
    )
    bases = {
        "same.txt": "old\n",
        "mine.txt": "old\n",
        "gone.txt": "old\n",
        "left.txt": "left\n",
        "kept.txt": "old\n",
    }
    theirs = {"same.txt": "new\n", "mine.txt": "new\n", "gone.txt": "new\n", "kept.txt": "old\n"}
    steps = by_path(run(snapshot, Changes(theirs, bases)))
    assert steps == {
        "same.txt": (Action.UPDATE, b"new\n"),
        "mine.txt": (Action.MERGE, b"new\nmine\n"),
        "gone.txt": (Action.SKIP, None),
        "left.txt": (Action.DELETE, None),
        "kept.txt": (Action.KEEP, None),
    }


def test_a_conflict_is_written_with_its_markers_and_flagged() -> None:
    snapshot = Snapshot.of({"a.txt": b"mine\n"})
    (step,) = run(snapshot, Changes({"a.txt": "new\n"}, {"a.txt": "old\n"}), clashing).steps
    assert step.action == Action.CONFLICT and step.conflict and step.writes
    assert (
        step.note == "1 conflict marked in the file"
        and step.data is not None
        and b"<<<<<<< yours" in step.data
    )


def test_new_force_overwrites_what_differs_and_leaves_what_is_identical() -> None:
    snapshot = Snapshot.of({"a.txt": b"mine\n", "b.txt": b"b\n"})
    changes = Changes({"a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n"}, overwrite="old copy kept")
    assert run(snapshot, changes).steps == (
        Step.write("a.txt", Action.OVERWRITE, b"a\n", "old copy kept"),
        Step.leave("b.txt", Action.IDENTICAL),
        Step.write("c.txt", Action.CREATE, b"c\n"),
    )
    without = dataclasses.replace(
        changes, overwrite=None
    )  # regen with no base: yours kept, the new one beside
    assert [(s.relpath, s.action) for s in run(snapshot, without).steps][:2] == [
        ("a.txt", Action.CONFLICT),
        ("a.txt.flaskgen-new", Action.CREATE),
    ]


def test_a_moved_file_takes_your_edits_and_keeps_its_mode() -> None:
    snapshot = Snapshot.of({"shop/old/views.py": b"base\nmine\n"})
    changes = Changes(
        {"shop/new/views.py": "new\n"},
        {"shop/old/views.py": "base\n"},
        Moves(files={"shop/new/views.py": "shop/old/views.py"}),
    )
    planned = run(snapshot, changes)
    assert by_path(planned) == {
        "shop/new/views.py": (Action.MERGE, b"new\nbase\nmine\n"),
        "shop/old/views.py": (Action.RENAME, None),
    }
    assert planned.carried == {"shop/new/views.py": "shop/old/views.py"}
    assert planned.entries["shop/new/views.py"].moved_from == "shop/old/views.py"
    assert (
        next(s.note for s in planned.steps if s.relpath == "shop/new/views.py")
        == "from shop/old/views.py; your changes kept"
    )


def test_a_move_onto_a_path_already_on_disk_does_not_happen() -> None:
    snapshot = Snapshot.of({"old.txt": b"x\n", "new.txt": b"y\n"})
    changes = Changes({"new.txt": "y\n"}, {"old.txt": "x\n"}, Moves(files={"new.txt": "old.txt"}))
    planned = run(snapshot, changes)
    assert by_path(planned) == {
        "new.txt": (Action.IDENTICAL, None),
        "old.txt": (Action.DELETE, None),
    }
    assert planned.carried == {}


def test_your_files_move_with_their_folder_and_a_clash_stops() -> None:
    moves = Moves(files={"shop/b/views.py": "shop/a/views.py"})
    changes = Changes({"shop/b/views.py": "v\n"}, {"shop/a/views.py": "v\n"}, moves)
    snapshot = Snapshot.of({"shop/a/views.py": b"v\n"}, yours={"shop/a/mine.py": b"# mine\n"})
    planned = run(snapshot, changes)
    assert by_path(planned)["shop/b/mine.py"] == (Action.RENAME, b"# mine\n")
    assert by_path(planned)["shop/a/mine.py"] == (Action.RENAME, None)
    assert planned.carried == {
        "shop/b/views.py": "shop/a/views.py",
        "shop/b/mine.py": "shop/a/mine.py",
    }
    taken = dataclasses.replace(snapshot, taken=frozenset({"shop/b/mine.py"}))
    with pytest.raises(RegenError, match=r"shop/a/mine.py -> shop/b/mine.py \(already there\)"):
        run(taken, changes)


def test_names_renamed_in_place_keep_your_edits_without_a_merge() -> None:
    snapshot = Snapshot.of({"shop/uploads.py": b"def files():\n    return FILES  # mine\n"})
    changes = Changes(
        {"shop/uploads.py": "def documents():\n    return DOCUMENTS\n"},
        {"shop/uploads.py": "def files():\n    return FILES\n"},
        Moves(names={"shop/uploads.py": {"files": "documents", "FILES": "DOCUMENTS"}}),
    )
    assert by_path(run(snapshot, changes)) == {
        "shop/uploads.py": (Action.UPDATE, b"def documents():\n    return DOCUMENTS  # mine\n"),
    }


def test_a_view_moved_to_another_file_is_cut_out_and_spliced_in_merged() -> None:
    old_base = "import x\n\n\ndef about():\n    return 1\n"
    snapshot = Snapshot.of(
        {
            "shop/views.py": old_base.replace("return 1", "return 2").encode(),
            "shop/info/views.py": b"import y\n",
        }
    )
    changes = Changes(
        {
            "shop/views.py": "import x\n",
            "shop/info/views.py": "import y\n\n\ndef about():\n    return 1\n",
        },
        {"shop/views.py": old_base, "shop/info/views.py": "import y\n"},
        Moves(blocks=(BlockMove("shop/views.py", "about", "shop/info/views.py", "about"),)),
    )
    planned = run(snapshot, changes)
    assert (
        planned.entries["shop/views.py"].ours == b"import x\n"
    )  # the moved view taken out of yours
    (patch,) = planned.entries["shop/info/views.py"].patches
    assert patch.block == "def about():\n    return 1"
    action, data = by_path(planned)["shop/info/views.py"]
    assert action == Action.MERGE and data is not None and b"def about():\n    return 2" in data
    assert by_path(planned)["shop/views.py"] == (Action.UPDATE, b"import x\n")


def test_symbolic_links_are_never_written_through() -> None:
    snapshot = Snapshot.of({"a.txt": b"old\n"}, links=frozenset({"a.txt"}))
    (step,) = run(snapshot, Changes({"a.txt": "new\n"}, {"a.txt": "old\n"})).steps
    assert step == Step.leave(
        "a.txt",
        Action.SKIP,
        "a symbolic link (or in a linked folder): left alone; update it yourself",
    )


def test_a_module_you_turned_into_a_package_is_not_restored() -> None:
    snapshot = Snapshot.of({"shop/views.py": None}, shadowed=frozenset({"shop/views.py"}))
    same = run(
        snapshot, Changes({"shop/views.py": "v\n"}, {"shop/views.py": "v\n"}, overwrite=None)
    )
    assert [(s.action, s.note) for s in same.steps] == [
        (Action.SKIP, "deleted by you; stays deleted")
    ]
    init = (
        "from .views import bp\n"  # the package needs its views: restored, but a package shadows it
    )
    essential = Changes(
        {"shop/views.py": "v2\n", "shop/__init__.py": init},
        {"shop/views.py": "v\n", "shop/__init__.py": init},
    )
    on_disk = {"shop/views.py": None, "shop/__init__.py": init.encode()}
    steps = run(Snapshot.of(on_disk, shadowed=frozenset({"shop/views.py"})), essential).steps
    assert [(s.relpath, s.action) for s in steps if s.relpath.startswith("shop/views")] == [
        ("shop/views.py", Action.CONFLICT),
        ("shop/views.py.flaskgen-new", Action.CREATE),
    ]


def test_a_deleted_file_the_project_needs_is_restored() -> None:
    snapshot = Snapshot.of({"manage.py": None})
    (step,) = run(
        snapshot,
        Changes(
            {"manage.py": "#!/usr/bin/env python3\n"}, {"manage.py": "#!/usr/bin/env python3\n"}
        ),
    ).steps
    assert (
        step.action == Action.CREATE and step.note == "restored: the project cannot run without it"
    )


def test_snapshots_and_steps_are_frozen_values() -> None:
    snapshot = Snapshot.of({"a.txt": b"x"})
    assert snapshot.at("a.txt") == OnDisk("a.txt", b"x") and snapshot.at("b.txt") == OnDisk("b.txt")
    with pytest.raises(TypeError):
        snapshot.files["b.txt"] = OnDisk("b.txt")  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.at("a.txt").data = b"y"  # type: ignore[misc]
    assert Step.clash("a", "why") == Step(
        "a", Action.CONFLICT, "why", writes=False, data=None, conflict=True
    )
    assert Step.remove("a", Action.DELETE).writes and Step.remove("a", Action.DELETE).data is None


def test_folders_that_move_together() -> None:
    moves = {"shop/b/views.py": "shop/a/views.py", "shop/b/sub/x.py": "shop/a/sub/x.py"}
    assert folder_renames(moves) == {"shop/a": "shop/b", "shop/a/sub": "shop/b/sub"}
    assert outermost(folder_renames(moves)) == [("shop/a", "shop/b")]

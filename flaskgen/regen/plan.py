"""Planning a regen: the new render with what moved since the last one, the disk read
once into a snapshot, the pure planner (:mod:`flaskgen.regen.planner`) and then the
checks that merged code still runs and imports (:mod:`flaskgen.regen.checks`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flaskgen import __version__
from flaskgen.core.errors import SpecError
from flaskgen.core.merge import table
from flaskgen.core.merge.methods import merge_methods
from flaskgen.core.merge.moves import Moves
from flaskgen.core.merge.table import Step
from flaskgen.merge import MergeResult, merge_text
from flaskgen.regen.checks import check_imports, check_merges, final_tree, hint_conflicts
from flaskgen.regen.planner import Changes, plan
from flaskgen.regen.snapshot import folder_renames, read_snapshot
from flaskgen.state import State, folders_sha256, sha256


@dataclass(frozen=True)
class Inputs:
    """What a run plans from, besides the disk: the project folder, the state of the last
    run (None: no base), the new render, what moved since, and view renames."""

    root: Path
    state: State | None
    theirs: dict[str, str]
    moves: Moves = field(default_factory=Moves)
    view_renames: dict[str, str] = field(
        default_factory=dict
    )  # new view name -> old (renamed_from)
    overwrite: str | None = None  # `new --force`: a file without a base is replaced, with this note


def render_new(
    spec_path: Path, spec_text: str, state: State | None, folders: tuple[Path, ...], root: Path
) -> tuple[dict[str, str], Moves, dict[str, str]]:
    """The new render, plus file and block moves and view renames from the last generated spec."""
    if (
        state is not None
        and state.version == __version__
        and state.spec_sha256 == sha256(spec_text)
        and state.templates_sha256 == folders_sha256(folders)
    ):
        return (
            dict(state.files),
            Moves(),
            {},
        )  # same spec, flaskgen and templates: the render is the base
    from flaskgen.generate import render_project
    from flaskgen.specfile import parse_spec

    spec = parse_spec(spec_text, str(spec_path))
    theirs = render_project(spec, spec_path.name, folders)
    if state is None or not state.spec_text:
        return theirs, Moves(), {}
    try:
        old = parse_spec(
            state.spec_text, "previous spec", probe_routes=False
        )  # moves need no probe
    except SpecError:  # an old spec this version rejects: no move detection
        return theirs, Moves(), {}
    from flaskgen.core.merge.renames import find_moves, view_renames
    from flaskgen.core.migrate.diff import MigrationIntentError
    from flaskgen.core.spec.loader import load_spec_text
    from flaskgen.regen.revisions import keep_revisions

    try:
        theirs = keep_revisions(theirs, state.files, old, spec, root, folders)
    except MigrationIntentError as exc:  # said at the keys of the spec that must change
        raise exc.located(load_spec_text(spec_text, str(spec_path))) from None
    moves = find_moves(old, spec, set(state.files), set(theirs))
    return theirs, moves, view_renames(old, spec)


def plan_steps(inputs: Inputs) -> tuple[list[Step], dict[str, str]]:
    """Every step, sorted by path (reads the disk once, writes nothing), and the files that
    move: new path -> old path (a moved file keeps its mode)."""
    bases = inputs.state.bases() if inputs.state else {}
    generated = set(bases) | set(inputs.theirs)
    snapshot = read_snapshot(inputs.root, generated, folder_renames(inputs.moves.files))
    planned = plan(snapshot, Changes(inputs.theirs, bases, inputs.moves, inputs.overwrite), _merge)
    ours, theirs = planned.ours(), inputs.theirs
    steps = list(planned.steps)
    arrived = frozenset(m.new_name for m in inputs.moves.blocks)
    modules = final_tree(dict(snapshot.python), steps)
    steps = check_merges(
        steps, ours, planned.bases(), theirs, inputs.view_renames, arrived, modules
    )
    steps = hint_conflicts(steps, ours, modules)
    steps = check_imports(steps, dict(snapshot.python), ours, theirs, dict(planned.carried))
    return sorted(steps, key=lambda s: s.relpath), dict(planned.carried)


def decide(
    relpath: str,
    ours: bytes | None,
    base: str | None,
    theirs: str | None,
    *,
    essential: bool = False,
    overwrite: str | None = None,
) -> list[Step]:
    """:func:`flaskgen.core.merge.table.decide` with git's three-way merge (Python class
    views merged per method)."""
    return table.decide(
        relpath, ours, base, theirs, _merge, essential=essential, overwrite=overwrite
    )


def _merge(ours: str, base: str, theirs: str) -> MergeResult:
    """git's three-way merge; in Python, class views whose methods changed merge per method."""
    return merge_methods(ours, base, theirs, merge_text)

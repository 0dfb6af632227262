"""Alembic revisions across regens: kept once written, a new one when the models change."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from flaskgen.core.errors import RegenError
from flaskgen.core.spec.types import Model, ProjectSpec

if TYPE_CHECKING:  # the migration module loads only when the models changed
    from flaskgen.core.migrate.diff import Drops
from flaskgen.generate import render_files
from flaskgen.merge import decode

VERSIONS = "migrations/versions/"


def keep_revisions(
    theirs: dict[str, str],
    bases: dict[str, str],
    old: ProjectSpec,
    new: ProjectSpec,
    root: Path | None = None,
    folders: tuple[Path, ...] = (),
) -> dict[str, str]:
    """Migration revisions are history: those already generated stay exactly as they
    were, and a change of the models adds one revision on top of the current head of
    the whole history (the user's own revisions included, read from ``root``)."""
    done = {p: t for p, t in bases.items() if p.startswith(VERSIONS)}
    if not done or not any(p.startswith(VERSIONS) for p in theirs):
        return theirs
    from flaskgen.core.migrate.diff import revision, revision_file, schema_of

    out = {p: t for p, t in theirs.items() if not p.startswith(VERSIONS)} | done
    before = schema_of(_as_generated(old.models, bases.get(f"{old.project.package}/models.py")), old.association_tables)
    after = schema_of(new.models, new.association_tables)
    if before == after:
        return out
    history = {**done, **(_versions_on_disk(root) if root is not None else {})}
    number = len(done) + 1
    while any(PurePosixPath(p).name.startswith(f"{number:04d}_") for p in history):
        number += 1
    head = _head(history)
    rev = revision(before, after, number=number, down_revision=head, message="Models changed in the spec", drops=_drops(old, new))
    if not rev.upgrade:
        return out
    out.update(render_files([revision_file(rev)], folders))
    return dict(sorted(out.items()))


def _drops(old: ProjectSpec, new: ProjectSpec) -> Drops:
    """What the new spec lets the migration delete, and how to keep the columns of an
    ``auth`` that went away (the user never wrote them)."""
    from flaskgen.core.migrate.diff import Drops

    restore = {}
    if old.auth is not None and (new.auth is None or new.auth.model != old.auth.model):
        back = "put 'auth' back" if new.auth is None else f"make {old.auth.model} the auth model again"
        for column in (old.auth.hash_column, old.auth.token_column):
            restore[f"{old.auth.model}.{column}"] = back
    return Drops(frozenset(new.dropped), restore)


_CLASS = re.compile(r"^class (\w+)\(", re.MULTILINE)
_MAPPED = re.compile(r"^    (\w+): Mapped\[", re.MULTILINE)


def _as_generated(models: tuple[Model, ...], models_py: str | None) -> tuple[Model, ...]:
    """The old spec's models as the last generated ``models.py`` declared them.

    A newer flaskgen may add columns of its own to the same spec (the auth model's
    session token, say); the old spec read by this version has them, the database
    does not, so they are left out of the "before" schema and the next revision adds them.
    """
    if models_py is None:
        return models
    starts = [(m.group(1), m.end()) for m in _CLASS.finditer(models_py)]
    declared: dict[str, set[str]] = {}
    for index, (name, start) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(models_py)
        declared[name] = set(_MAPPED.findall(models_py, start, end))
    return tuple(
        replace(m, columns=tuple(c for c in m.columns if c.name in declared[m.name])) if m.name in declared else m
        for m in models
    )


def _versions_on_disk(root: Path) -> dict[str, str]:
    """Every revision file in the project's ``migrations/versions/`` (yours too)."""
    folder = root / VERSIONS
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.glob("*.py")):
        text = decode(path.read_bytes())
        if text is not None:
            out[VERSIONS + path.name] = text
    return out


def _revision_ids(relpath: str, text: str) -> tuple[str | None, tuple[str, ...]]:
    """(revision, down revisions) of one Alembic script, read with ``ast``."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        raise RegenError(f"{relpath} is not valid Python, so the migration history cannot be read; fix it") from None
    found: dict[str, object] = {}
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and value is not None and target.id in ("revision", "down_revision"):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                pass
    down = found.get("down_revision")
    downs = tuple(down) if isinstance(down, (tuple, list)) else ((down,) if isinstance(down, str) else ())
    rev = found.get("revision")
    return (rev if isinstance(rev, str) else None), tuple(str(d) for d in downs)


def _head(revisions: dict[str, str]) -> str | None:
    """The one revision no other revision revises; several heads stop regen."""
    ids: set[str] = set()
    parents: set[str] = set()
    for relpath, text in sorted(revisions.items()):
        rev, downs = _revision_ids(relpath, text)
        if rev is not None:
            ids.add(rev)
        parents.update(downs)
    heads = sorted(ids - parents)
    if len(heads) > 1:
        raise RegenError(
            f"the migration history has several heads ({', '.join(heads)}), so a new revision has no "
            "single parent; merge them first ('flask db merge heads'), then run regen again"
        )
    return heads[0] if heads else None

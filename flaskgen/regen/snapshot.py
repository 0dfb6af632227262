"""The project as regen plans from it: the disk read once into frozen per-file records,
so planning (:mod:`flaskgen.regen.planner`) never touches the disk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import TypeVar

from flaskgen.core.merge.table import BESIDE
from flaskgen.regen.disk import linked, python_sources
from flaskgen.regen.guards import read_bytes

_V = TypeVar("_V")


@dataclass(frozen=True)
class OnDisk:
    """One path as found: its bytes (None: absent), and whether a package folder of the
    same name (``x/__init__.py`` for ``x.py``) shadows the module."""

    relpath: str
    data: bytes | None = None
    shadowed: bool = False


def _frozen(mapping: Mapping[str, _V]) -> Mapping[str, _V]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Snapshot:
    """Every generated path (last run's and this run's) as on disk; your own files in the
    folders that move and the paths already taken where they would go; the paths with a
    symbolic link on the way (never written through); the project's Python modules."""

    files: Mapping[str, OnDisk] = field(default_factory=lambda: _frozen({}))
    yours: tuple[OnDisk, ...] = ()
    taken: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()
    python: Mapping[str, str] = field(default_factory=lambda: _frozen({}))

    def at(self, relpath: str) -> OnDisk:
        """The record of ``relpath`` (absent when the snapshot did not see it)."""
        return self.files.get(relpath) or OnDisk(relpath)

    @classmethod
    def of(
        cls,
        files: Mapping[str, bytes | None],
        *,
        yours: Mapping[str, bytes] | None = None,
        taken: frozenset[str] = frozenset(),
        links: frozenset[str] = frozenset(),
        shadowed: frozenset[str] = frozenset(),
        python: Mapping[str, str] | None = None,
    ) -> Snapshot:
        """A snapshot from plain values (tests build them by hand)."""
        records = {p: OnDisk(p, d, p in shadowed) for p, d in files.items()}
        mine = tuple(OnDisk(p, d) for p, d in sorted((yours or {}).items()))
        return cls(_frozen(records), mine, taken, links, _frozen(python or {}))


def folder_renames(moves: Mapping[str, str]) -> dict[str, str]:
    """Old folder -> new folder, for the folders whose generated files moved together
    (``moves``: new path -> old path)."""
    out: dict[str, str] = {}
    for new, old in moves.items():
        a, b = PurePosixPath(old), PurePosixPath(new)
        while (
            a.name == b.name
            and str(a.parent) != "."
            and str(b.parent) != "."
            and a.parent != b.parent
        ):
            a, b = a.parent, b.parent
            out[str(a)] = str(b)
    return out


def outermost(folders: Mapping[str, str]) -> list[tuple[str, str]]:
    """The moving folders that are not inside another moving folder (old -> new)."""
    return [
        (old, new)
        for old, new in sorted(folders.items())
        if not any(old.startswith(f + "/") for f in folders)
    ]


def read_snapshot(root: Path, generated: set[str], folders: Mapping[str, str]) -> Snapshot:
    """Read the disk once: every path in ``generated``, your own files in the ``folders``
    that move (old folder -> new), symbolic links, and the project's Python modules."""
    records = {p: _record(root, p) for p in sorted(generated)}
    yours: dict[str, bytes] = {}
    targets: set[str] = set()
    for old, new in outermost(folders):
        for path in sorted((root / old).rglob("*")):
            relpath = path.relative_to(root).as_posix()
            if (
                relpath in generated
                or "__pycache__" in path.parts
                or path.is_symlink()
                or not path.is_file()
            ):
                continue
            yours[relpath] = path.read_bytes()
            targets.add(new + relpath[len(old) :])
    maybe = set(generated) | {p + BESIDE for p in generated} | targets | set(yours)
    return Snapshot(
        _frozen(records),
        tuple(OnDisk(p, d) for p, d in sorted(yours.items())),
        frozenset(p for p in targets if (root / p).exists()),
        frozenset(p for p in maybe if linked(root, p)),
        _frozen(python_sources(root, generated, {p: r.data for p, r in records.items()})),
    )


def _record(root: Path, relpath: str) -> OnDisk:
    shadowed = (
        relpath.endswith(".py") and (root / relpath.removesuffix(".py") / "__init__.py").is_file()
    )
    return OnDisk(relpath, read_bytes(root, relpath), shadowed)

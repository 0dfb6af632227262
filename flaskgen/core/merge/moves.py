"""What moved between two renders (the values :mod:`flaskgen.core.merge.renames` finds),
light enough to load when nothing moved."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BlockMove:
    """A top-level ``def``/``class`` that moved from one generated file to another."""

    old_file: str
    old_name: str
    new_file: str
    new_name: str


@dataclass(frozen=True)
class Moves:
    """Whole files that moved, view blocks that moved, and names renamed in place."""

    files: dict[str, str] = field(default_factory=dict)  # new path -> old path
    blocks: tuple[BlockMove, ...] = ()
    # new path -> {old name: new name}: Python names renamed in place, in yours and the base
    names: dict[str, dict[str, str]] = field(default_factory=dict)

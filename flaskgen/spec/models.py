"""Normalization of ``models``: columns, relationships and association tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flaskgen.spec.extras import Extras
    from flaskgen.spec.normalize import Ctx


def normalize_models(ctx: Ctx, extras: Extras) -> None:
    """Fill ``extras.models`` and ``extras.association_tables`` from the spec."""
    return None

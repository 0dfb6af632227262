"""The data layer: Flask-SQLAlchemy models and Flask-Migrate migrations."""

from __future__ import annotations

from typing import Any

from flaskgen.planners import Contribution
from flaskgen.spec.model import ProjectSpec


def contribute(spec: ProjectSpec, base: dict[str, Any]) -> Contribution:
    """Files and set-up for ``models``."""
    return Contribution()

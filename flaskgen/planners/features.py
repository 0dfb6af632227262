"""Uploads, sessions, hooks, template filters and globals, middleware, commands, logging."""

from __future__ import annotations

from typing import Any

from flaskgen.planners import PHASE_EXTENSIONS, Contribution, Extension
from flaskgen.spec.model import ProjectSpec


def contribute(spec: ProjectSpec, base: dict[str, Any]) -> Contribution:
    """Files and set-up for the keys beyond routing and models."""
    out = Contribution()
    if spec.project.csrf:
        out.extensions.append(
            Extension(
                name="csrf",
                imports=("from flask_wtf.csrf import CSRFProtect",),
                definition="csrf = CSRFProtect()",
                init="csrf.init_app(app)",
            )
        )
        out.dependencies.append("Flask-WTF>=1.2")
    _ = PHASE_EXTENSIONS
    return out

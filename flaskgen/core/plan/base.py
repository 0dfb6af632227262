"""What every feature planner shares: the planned file, the set-up phases and the
contribution a feature adds to the plan.

A planner module exposes ``contribute(spec) -> Contribution``. Keeping each
feature in its own module keeps ``project.py`` small and lets features grow apart.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import IntEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from flaskgen.core.spec.types import Project


def shown(text: str) -> str:
    """``text`` as a page shows it in its HTML: escaped the way Jinja's autoescape
    (markupsafe) does, so the generated tests look for exactly that."""
    return html.escape(text).replace("&quot;", "&#34;").replace("&#x27;", "&#39;")


class ViewModel(Protocol):
    """What a template renders from: the names it may use, for Jinja."""

    def as_context(self) -> Mapping[str, object]:
        """The template's names and their values."""
        ...


@dataclass(frozen=True)
class TypedView:
    """Base of a template's own frozen view-model: its fields are exactly the names the
    template uses, and string tests are precomputed into booleans or fields."""

    def as_context(self) -> Mapping[str, object]:
        """The fields by name (shallow: nested values stay typed objects)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class NoNames(TypedView):
    """A fixed file: its template reads no names."""


@dataclass(frozen=True)
class ProjectView(TypedView):
    """A template that reads only the project's settings (name, package, ...)."""

    project: Project


@dataclass(frozen=True)
class PlannedFile:
    """One file of the generated project: where it goes and how to render it."""

    relpath: str
    template: str
    context: ViewModel
    python: bool = False  # formatted with ruff after rendering


class Phase(IntEnum):
    """When a set-up line runs in ``create_app`` (lower first)."""

    SECURITY = 5  # a deployed profile with a weak secret stops before anything else
    LOGGING = 10
    CONVERTERS = 20
    DATABASE = 29  # the database URL is resolved before the extensions bind
    EXTENSIONS = 30
    TEMPLATING = 40
    HOOKS = 45
    VIEWS = 50
    BLUEPRINTS = 60
    API = 61  # the JSON API's blueprints, after the page blueprints
    ERRORS = 70
    COMMANDS = 80
    MIDDLEWARE = 90


@dataclass(frozen=True)
class Extension:
    """A Flask extension object in ``extensions.py``: created there, bound in create_app."""

    name: str  # e.g. "csrf"
    imports: tuple[str, ...]  # import lines for extensions.py
    definition: str  # e.g. "csrf = CSRFProtect()"
    init: str  # e.g. "csrf.init_app(app)"
    setup: tuple[str, ...] = ()  # extra lines before the definition (naming conventions, ...)


@dataclass
class Contribution:
    files: list[PlannedFile] = field(default_factory=list)
    app_imports: list[str] = field(default_factory=list)  # lines for <package>/__init__.py
    setup: list[tuple[Phase, str]] = field(default_factory=list)  # (phase, line) in create_app
    extensions: list[Extension] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    dev_dependencies: list[str] = field(default_factory=list)
    extras: dict[str, list[str]] = field(default_factory=dict)  # optional-dependencies beyond dev
    markers: list[str] = field(default_factory=list)  # pytest markers of the generated project
    conftest: list[str] = field(default_factory=list)  # names of extra conftest blocks to include

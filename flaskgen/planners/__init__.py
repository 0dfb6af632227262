"""Feature planners: each adds its files, app set-up lines and dependencies to the plan.

A planner module exposes ``contribute(spec, base) -> Contribution``. Keeping each
feature in its own module keeps ``plan.py`` small and lets features grow apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flaskgen.render import PlannedFile

# Order of the set-up lines in create_app (lower first).
PHASE_LOGGING = 10
PHASE_CONVERTERS = 20
PHASE_EXTENSIONS = 30
PHASE_TEMPLATING = 40
PHASE_HOOKS = 45
PHASE_VIEWS = 50
PHASE_BLUEPRINTS = 60
PHASE_ERRORS = 70
PHASE_COMMANDS = 80
PHASE_MIDDLEWARE = 90


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
    setup: list[tuple[int, str]] = field(default_factory=list)  # (phase, line) in create_app
    extensions: list[Extension] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    dev_dependencies: list[str] = field(default_factory=list)
    extras: dict[str, list[str]] = field(default_factory=dict)  # optional-dependencies beyond dev
    markers: list[str] = field(default_factory=list)  # pytest markers of the generated project
    conftest: list[str] = field(default_factory=list)  # names of extra conftest blocks to include

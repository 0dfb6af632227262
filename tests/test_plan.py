"""``plan()`` on its own: what a spec plans (files, view-model fields, set-up order),
with plain asserts. Planning is pure: these tests run it with file opening disabled."""

from __future__ import annotations

import builtins
import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from flaskgen.core.plan.base import Phase, PlannedFile
from flaskgen.core.plan.project import plan
from flaskgen.core.spec.types import Constant, EnvRef, ProjectSpec, Size
from flaskgen.specfile import parse_spec

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
ROUTES = """\
routes:
  index: {rule: /, template: index.html}
  show: {rule: '/u/<uuid:id>', json: {ok: true}}
  save: {rule: /save, methods: [POST], text: saved}
blueprints:
  admin:
    url_prefix: /admin
    routes:
      home: {rule: /, text: hi}
"""
MEMBERS = """\
models:
  Member:
    columns:
      id: {type: integer, primary_key: true}
      email: {type: string, length: 120, unique: true, nullable: false}
"""
FULL = HEADER + MEMBERS + """\
routes:
  index: {rule: /, text: hi}
  secret: {rule: /secret, text: s, login_required: true}
resources:
  members: {model: Member, access: {read: user, create: user, update: owner, delete: owner}}
auth: {model: Member}
"""


@contextmanager
def no_files() -> Iterator[None]:
    """Opening any file fails inside this block."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"plan() opened a file: {args!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", refuse)
        patch.setattr(io, "open", refuse)
        yield


def planned(spec: ProjectSpec) -> list[PlannedFile]:
    """``plan(spec)``, with file opening disabled (the spec is parsed before)."""
    with no_files():
        return plan(spec)


def _plan(spec: ProjectSpec) -> dict[str, PlannedFile]:
    return {f.relpath: f for f in planned(spec)}


def test_the_file_opening_guard_works() -> None:
    with pytest.raises(AssertionError, match="opened a file"), no_files():
        open("anything")  # noqa: SIM115


def test_routes_and_a_blueprint_plan_views_and_registrations() -> None:
    spec = parse_spec(HEADER + ROUTES)
    files = _plan(spec)
    assert {"xapp/views.py", "xapp/admin/__init__.py", "xapp/admin/views.py", "xapp/templates/index.html"} <= set(files)
    assert "xapp/models.py" not in files and "migrations/env.py" not in files
    views = files["xapp/views.py"]
    assert views.template == "project/package/views.py.jinja" and views.python
    by_key = {v.route.key: v for v in views.context.views}
    assert by_key["show"].signature == "id: UUID"
    assert by_key["save"].doc == "POST /save" and by_key["index"].decorators == ()
    assert views.context.registrations[2] == "app.add_url_rule('/save', view_func=save, methods=['POST'])"
    assert "from uuid import UUID" in views.context.imports
    assert files["xapp/admin/views.py"].context.bp.url_prefix == "/admin"
    init = files["xapp/__init__.py"].context
    assert init.setup_lines == [
        "register_security(app, profile)",
        "bootstrap.init_app(app)",
        "register_views(app)",
        "register_health(app)",
        "app.register_blueprint(admin_bp)",
    ]
    assert "from .admin import bp as admin_bp" in init.app_imports


def test_the_plan_is_sorted_and_readme_lists_every_file() -> None:
    files = planned(parse_spec(HEADER + ROUTES))
    paths = [f.relpath for f in files]
    assert paths == sorted(paths) and len(paths) == len(set(paths))
    readme = next(f for f in files if f.relpath == "README.md")
    assert readme.context.layout == paths


def test_config_values_are_typed_not_source() -> None:
    text = HEADER + ROUTES + "config:\n  production:\n    SECRET_KEY: '${SECRET_KEY}'\n    MAX_CONTENT_LENGTH: 16MB\n    SITE: 'x'\n"
    spec = parse_spec(text)
    production = spec.profile("production")
    assert production is not None
    assert production.get("SECRET_KEY").value == EnvRef("${SECRET_KEY}", ("SECRET_KEY",))  # type: ignore[union-attr]
    assert production.get("MAX_CONTENT_LENGTH").value == Size(16, "MB")  # type: ignore[union-attr]
    assert production.get("SITE").value == Constant("x")  # type: ignore[union-attr]
    files = _plan(spec)
    config = files["xapp/config.py"].context
    assert [(p.name, p.class_name, p.parent) for p in config.profiles] == [(p.name, p.class_name, p.parent) for p in spec.profiles]
    assert [(s.key, s.value) for p in config.profiles for s in p.settings] == [(s.key, s.value) for p in spec.profiles for s in p.settings]
    assert {"name": "SECRET_KEY", "example": "change-me-to-a-long-random-string"} in files[".env.example"].context.env_vars
    assert {"profile": "production", "var": "SECRET_KEY"} in files["tests/test_config.py"].context.missing_cases


def test_models_resources_and_auth_plan_their_files() -> None:
    files = _plan(parse_spec(FULL))
    assert {"xapp/models.py", "migrations/env.py", "migrations/versions/0001_initial.py", "tests/test_migrations.py"} <= set(files)
    assert {"xapp/members/views.py", "xapp/members/api.py", "xapp/members/schemas.py", "xapp/api.py", "xapp/crud.py"} <= set(files)
    assert {"xapp/auth/views.py", "xapp/access.py", "xapp/templates/auth/login.html", "tests/test_auth.py"} <= set(files)
    (member,) = files["xapp/models.py"].context.models
    assert member.model.name == "Member" and member.bases == "UserMixin, Model" and member.auth is not None
    assert member.columns[1] == "email: Mapped[str] = mapped_column(String(120), unique=True)"
    assert member.columns[2].startswith("password_hash: ")  # auth adds the hash column
    assert [e.name for e in files["xapp/extensions.py"].context.extensions] == ["db", "migrate", "csrf", "bootstrap", "login_manager", "limiter"]
    views = {v.route.key: v for v in files["xapp/views.py"].context.views}
    assert views["secret"].decorators == ("@login_required",)
    assert views["index"].decorators == ()
    deps = files["pyproject.toml"].context.dependencies
    assert {"Flask-SQLAlchemy>=3.1", "Flask-Login>=0.6.3", "marshmallow-sqlalchemy>=1.4"} <= set(deps)


def test_setup_lines_follow_the_phases() -> None:
    lines = _plan(parse_spec(FULL))["xapp/__init__.py"].context.setup_lines
    order = [
        'app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])',  # DATABASE
        "db.init_app(app)",  # EXTENSIONS
        "login_manager.init_app(app)",
        "register_views(app)",  # VIEWS
        "app.register_blueprint(auth_bp)",  # BLUEPRINTS
        "app.register_blueprint(members_bp)",
        "register_api(app)",  # API
    ]
    assert [line for line in lines if line in order] == order
    assert list(Phase) == sorted(Phase)
    assert Phase.DATABASE < Phase.EXTENSIONS < Phase.VIEWS < Phase.BLUEPRINTS < Phase.API < Phase.ERRORS


def test_plan_is_deterministic() -> None:
    spec = parse_spec(FULL)
    assert planned(spec) == planned(spec)


def test_imports_follow_the_column_types_not_the_text() -> None:
    text = HEADER + """\
models:
  Item:
    columns:
      kind: {type: enum, values: ["datetime.now", "uuid.x", "ForeignKey(", "INT32"], nullable: false}
      price: {type: numeric, precision: 8, scale: 2}
resources:
  items: {model: Item}
"""
    files = _plan(parse_spec(text))
    models = files["xapp/models.py"].context.imports
    assert "import decimal" in models and "import datetime" not in models and "import uuid" not in models
    assert "from sqlalchemy import Enum, Numeric" in models
    assert files["xapp/factories.py"].context.modules == ()  # the enum's values name no module
    resource = files["xapp/items/schemas.py"].context.r
    assert resource.schema_imports == (
        "from marshmallow import fields",
        "from marshmallow.validate import OneOf",
        "from marshmallow_sqlalchemy import auto_field",
        "from ..crud import JsonDecimal, ResourceSchema, numeric",
    )


def test_shown_text_is_escaped_as_jinja_escapes_it() -> None:
    from markupsafe import escape

    from flaskgen.core.plan.base import shown

    for text in ['Say "hi" & \'bye\' <b>', "plain", "&amp; already"]:
        assert shown(text) == str(escape(text))

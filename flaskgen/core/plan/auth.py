"""Session login with Flask-Login: the ``auth`` blueprint, its forms, templates, the
``create-user`` command, the guards and their generated tests.

Who may do what (the guards of pages, the API and uploads) lives in the access module
(:mod:`flaskgen.core.plan.access`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flaskgen.core.plan.base import Contribution, Extension, Phase, PlannedFile, TypedView
from flaskgen.core.plan.features import production_environment
from flaskgen.core.spec.auth import BLUEPRINT, TOKEN_NAME_LENGTH, URL_PREFIX
from flaskgen.core.spec.types import Auth, Project, ProjectSpec

if TYPE_CHECKING:
    from flaskgen.core.plan.project import NavLink

DEPENDENCIES = ["Flask-Login>=0.6.3"]
MIN_PASSWORD = 8
MAX_PASSWORD = 256
LIMITER_DEPENDENCY = "Flask-Limiter[redis]>=4.1"
# How a link's text turns back into the key of the auth model, by the key's spec type.
KEY_FROM_TEXT = {"integer": "int", "big_integer": "int", "string": "str", "uuid": "uuid.UUID"}
# Values the generated tests log in with (the identity fits any column length >= 16).
TEST_PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Field:
    """A text field of the sign-up form and an option of create-user."""

    name: str
    label: str
    length: int | None
    sample: str  # the value the generated tests fill in
    saved_sample: str  # the value of the tests' saved user
    made_sample: str  # users the tests make: a format string ({n}) when the column is unique
    unique: bool


@dataclass(frozen=True)
class GuardCase:
    """A guarded route's request; ``path`` is set when the login can send back to it."""

    id: str
    method: str
    url: str
    path: str | None


@dataclass(frozen=True)
class AuthCtx:
    """Every name and literal the auth module, templates and tests need."""

    auth: Auth
    model: str
    identity: str
    identity_label: str
    identity_length: int | None
    hash_column: str
    token_column: str  # what the session carries instead of the primary key
    home: str | None  # where logging in or out goes without a (local) next
    fields: tuple[Field, ...]  # other required columns of a new user
    min_password: int
    max_password: int
    test_identity: str  # the identity of the tests' saved user
    new_identity: str  # one the sign-up tests register
    cli_identity: str  # one the create-user tests create
    numbered_identity: str  # a format string ({n}) of identities for users the tests make
    pk: str  # the auth model's key attribute
    unknown_identity: str  # one no user has
    test_password: str
    guarded: tuple[GuardCase, ...]  # one request per guarded route
    login_path: str
    environment: dict[str, str]  # lets the production profile load in the tests
    key_from_text: str  # turns a link's text back into the auth model's key: int, str or uuid.UUID
    key_is_uuid: bool  # the links module imports uuid
    site_name: str  # how mails name the app
    mail_column: str  # where mails go (password_reset, confirm_email)
    links: bool  # password reset or email confirmation: the links module and mails
    token_name_length: int = TOKEN_NAME_LENGTH


@dataclass(frozen=True)
class AuthView(TypedView):
    """Every file of the auth blueprint and tests/test_auth.py."""

    project: Project
    a: AuthCtx


@dataclass(frozen=True)
class AuthNav:
    """What the layout's navigation shows: log in / sign up, or the identity and log out."""

    identity: str
    register: bool
    tokens: bool = False  # a link to the user's API tokens


def nav(spec: ProjectSpec) -> AuthNav | None:
    """The navigation part of base.html, or None without auth."""
    if spec.auth is None:
        return None
    return AuthNav(spec.auth.identity, spec.auth.register, spec.auth.tokens)


def _label(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _sample(name: str, length: int | None, suffix: str) -> str:
    value = f"{name}-{suffix}" if name != "email" and "mail" not in name else f"{suffix}@example.com"
    return value[: length or len(value)]


def _numbered(name: str, length: int | None) -> str:
    """``u{n}@example.com`` (or ``u{n}-<name>``), cut to the column's length after the number."""
    rest = "@example.com" if name == "email" or "mail" in name else f"-{name}"
    room = (length or 64) - len("u") - 6  # numbers up to 6 digits
    return "u{n}" + rest[: max(room, 0)]
IDENTITIES = ("ada", "grace", "alan", "nobody")  # the tests' user, sign-up, create-user, no one


def _identities(name: str, length: int | None) -> tuple[str, ...]:
    """The tests' identities (see IDENTITIES), each different from the others and no
    longer than the column: cut down to the names alone, or letters, when short."""
    for values in (
        tuple(_sample(name, length, suffix) for suffix in IDENTITIES),
        tuple(suffix[: length or len(suffix)] for suffix in IDENTITIES),
        tuple("abcd"),
    ):
        if len(set(values)) == len(values):
            return values
    raise AssertionError("unreachable: four letters differ")  # pragma: no cover


def _home(spec: ProjectSpec) -> str | None:
    """The app's home page: ``index`` when it takes no URL variables, else the first nav link."""
    for route in spec.routes:
        if route.key == "index" and "GET" in route.methods and any(not r.variables for r in route.rules):
            return route.endpoint
    links = [link.endpoint for link in _nav_links(spec)]
    return links[0] if links else None


def _nav_links(spec: ProjectSpec) -> list[NavLink]:
    """The navigation's links to pages anyone may see."""
    from flaskgen.core.plan.project import _nav  # plan imports this module

    return [link for link in _nav(spec) if not any(r.endpoint == link.endpoint and spec.guarded(r) for r in spec.all_routes)]


def guarded_cases(spec: ProjectSpec) -> tuple[GuardCase, ...]:
    """The first GET of every guarded route, as the route tests make it (other methods
    meet CSRF protection before the guard)."""
    if spec.probe is None:
        return ()
    guarded = {r.endpoint for r in spec.all_routes if spec.guarded(r)}
    seen: set[str] = set()
    out = []
    for case in spec.probe.http:
        endpoint = case.id.split(" ")[0].split("[")[0]
        if case.login and endpoint in guarded and endpoint not in seen and case.method == "GET":
            seen.add(endpoint)
            parts = urlsplit(case.url)
            local = f"{parts.scheme}://{parts.netloc}" == spec.probe.base_url
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            out.append(GuardCase(endpoint, case.method, case.url, path if local else None))
    return tuple(out)


def auth_ctx(spec: ProjectSpec) -> AuthCtx:
    auth = spec.auth
    assert auth is not None
    model = next(m for m in spec.models if m.name == auth.model)
    columns = {c.name: c for c in model.columns}
    identities = _identities(auth.identity, auth.identity_length)
    fields = tuple(
        Field(
            name,
            _label(name),
            columns[name].length,
            _sample(name, columns[name].length, "new"),
            _sample(name, columns[name].length, "ada"),
            _numbered(name, columns[name].length) if columns[name].unique else _sample(name, columns[name].length, "new"),
            columns[name].unique,
        )
        for name in auth.required
    )
    return AuthCtx(
        auth=auth,
        model=auth.model,
        identity=auth.identity,
        identity_label=_label(auth.identity),
        identity_length=auth.identity_length,
        hash_column=auth.hash_column,
        token_column=auth.token_column,
        home=_home(spec),
        fields=fields,
        min_password=MIN_PASSWORD,
        max_password=MAX_PASSWORD,
        numbered_identity=_numbered(auth.identity, auth.identity_length),
        pk=model.primary_key.name,
        test_identity=identities[0],
        new_identity=identities[1],
        cli_identity=identities[2],
        unknown_identity=identities[3],
        test_password=TEST_PASSWORD,
        guarded=guarded_cases(spec),
        login_path=f"{URL_PREFIX}/login",
        environment=production_environment(spec),
        key_from_text=KEY_FROM_TEXT[auth.key_type],
        key_is_uuid=auth.key_type == "uuid",
        site_name=spec.project.name,
        mail_column=auth.mail_column or auth.identity,
        links=auth.password_reset or auth.confirm_email,
    )


def _extension() -> Extension:
    return Extension(
        name="login_manager",
        imports=("from flask_login import LoginManager",),
        definition=(
            "login_manager = LoginManager()\n"
            f'login_manager.login_view = "{BLUEPRINT}.login"\n'
            'login_manager.login_message_category = "info"'
        ),
        init="login_manager.init_app(app)",
    )


def _limiter() -> Extension:
    """Flask-Limiter, keyed by the client's address unless a limit says otherwise; its
    storage is RATELIMIT_STORAGE_URI (Redis when REDIS_URL is set)."""
    return Extension(
        name="limiter",
        imports=("from flask_limiter import Limiter", "from flask_limiter.util import get_remote_address"),
        definition="limiter = Limiter(key_func=get_remote_address)",
        init="limiter.init_app(app)",
    )


def contribute(spec: ProjectSpec) -> Contribution:
    """Files and set-up for ``auth``."""
    out = Contribution()
    if spec.auth is None:
        return out
    pkg = spec.project.package
    ctx = AuthView(spec.project, auth_ctx(spec))
    out.extensions.append(_extension())
    out.dependencies += DEPENDENCIES
    if spec.auth.throttle:
        out.extensions.append(_limiter())
        out.dependencies.append(LIMITER_DEPENDENCY)
    out.app_imports.append(f"from .{BLUEPRINT} import bp as {BLUEPRINT}_bp")
    out.setup.append((Phase.BLUEPRINTS, f"app.register_blueprint({BLUEPRINT}_bp)"))
    out.conftest.append("auth")
    folder = f"{pkg}/{BLUEPRINT}"
    links = spec.auth.password_reset or spec.auth.confirm_email
    modules = ["__init__", "forms", "users", "views", "account", "commands"] + (["tokens"] if spec.auth.tokens else []) + (["links"] if links else [])
    for name in modules:
        out.files.append(PlannedFile(f"{folder}/{name}.py", f"project/package/auth/{name}.py.jinja", ctx, python=True))
    for name in _page_templates(spec.auth):
        out.files.append(PlannedFile(f"{pkg}/templates/{BLUEPRINT}/{name}", f"project/package/auth/{name}.jinja", ctx))
    for name in _mail_templates(spec.auth):
        out.files.append(PlannedFile(f"{pkg}/templates/mail/{name}", f"project/package/auth/mail/{name}.jinja", ctx))
    out.files.append(PlannedFile("tests/test_auth.py", "project/tests/test_auth.py.jinja", ctx, python=True))
    if links:
        out.files.append(PlannedFile("tests/test_accounts.py", "project/tests/test_accounts.py.jinja", ctx, python=True))
    return out


def _page_templates(auth: Auth) -> list[str]:
    """The auth blueprint's pages (under templates/auth/)."""
    names = ["_fields.html", "login.html", "password.html"]
    names += ["register.html"] if auth.register else []
    names += ["tokens.html"] if auth.tokens else []
    names += ["reset_request.html", "reset_password.html"] if auth.password_reset else []
    names += ["confirm_request.html", "unconfirmed.html"] if auth.confirm_email else []
    names += ["link_refused.html"] if auth.password_reset or auth.confirm_email else []
    return names


def _mail_templates(auth: Auth) -> list[str]:
    """The mails auth sends (under templates/mail/), each as text and HTML."""
    names = ["reset_password"] if auth.password_reset else []
    names += ["confirm_email"] if auth.confirm_email else []
    names += ["signup_attempt"] if auth.confirm_email and auth.register else []
    return [f"{name}.{kind}" for name in names for kind in ("txt", "html")]

"""Normalization of ``auth:`` (session login) and of ``login_required`` on routes and blueprints.

The auth model gains nullable ``password_hash`` and ``session_token`` columns here, before planning, so the
models module, the initial migration and every later ``regen`` migration see it like any
other column (rows that exist when auth is added keep their data and get no password).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from flaskgen.core.spec.access import BUILT_IN
from flaskgen.core.spec.base import claim_rule, snake
from flaskgen.core.spec.loader import KeyPath
from flaskgen.core.spec.routes import parse_rule
from flaskgen.core.spec.schema import did_you_mean
from flaskgen.core.spec.types import (
    AssociationTable,
    Auth,
    Blueprint,
    Column,
    Model,
    Relationship,
    Route,
)

if TYPE_CHECKING:
    from flaskgen.core.spec.base import Ctx, RouteCheck
    from flaskgen.core.spec.extras import Extras

BLUEPRINT = "auth"
URL_PREFIX = "/auth"
COMMAND = "create-user"
HASH_COLUMN = "password_hash"
TOKEN_COLUMN = "session_token"
CONFIRMED_COLUMN = "confirmed_at"
DEFAULT_THROTTLE = "5 per minute"
ROLE_MODEL = "Role"
ROLE_TABLE = "role"
ROLE_LENGTH = 80
ROLES_ATTRIBUTE = "roles"
TOKEN_LENGTH = 64  # secrets.token_urlsafe(32) is 43 characters
HASH_LENGTH = 255  # werkzeug's scrypt and pbkdf2 hashes are about 100 to 160 characters
KEY_TYPES = ("integer", "big_integer", "string", "uuid")
# Names the generated forms, views and create-user already use; a login column cannot take them.
FORM_NAMES = frozenset(
    {
        "password", "confirm", "remember", "submit", "csrf_token", "meta", "data", "errors",
        "form_errors", "validate", "validate_on_submit", "populate_obj", "process", "user",
        "hidden_tag", "is_submitted", "current",
    }
)  # fmt: skip
# (rule, endpoint, methods) of the auth blueprint; register is dropped with register: false.
RULES = (
    ("/login", "login", ("GET", "POST")),
    ("/logout", "logout", ("POST",)),
    ("/password", "change_password", ("GET", "POST")),
    ("/register", "register", ("GET", "POST")),
    ("/tokens", "tokens", ("GET", "POST")),
    ("/tokens/<int:token_id>/revoke", "revoke_token", ("POST",)),
    ("/reset", "reset_request", ("GET", "POST")),
    ("/reset/<token>", "reset_password", ("GET", "POST")),
    ("/confirm", "resend_confirmation", ("GET", "POST")),
    ("/confirm/<token>", "confirm_email", ("GET",)),
)
TOKEN_RULES = ("tokens", "revoke_token")  # only with auth.tokens
RESET_RULES = ("reset_request", "reset_password")  # only with auth.password_reset
CONFIRM_RULES = ("resend_confirmation", "confirm_email")  # only with auth.confirm_email


def auth_rules(auth: Auth) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The (rule, endpoint, methods) the auth blueprint of ``auth`` answers: register
    only with ``register: true``, the token pages only with ``tokens: true``, the reset
    and confirmation pages only with ``password_reset`` and ``confirm_email``."""
    off = {
        *(() if auth.register else ("register",)),
        *(() if auth.tokens else TOKEN_RULES),
        *(() if auth.password_reset else RESET_RULES),
        *(() if auth.confirm_email else CONFIRM_RULES),
    }
    return tuple(r for r in RULES if r[1] not in off)
TOKEN_MODEL = "ApiToken"
TOKEN_TABLE = "api_token"
TOKENS_ATTRIBUTE = "api_tokens"
TOKEN_NAME_LENGTH = 80
TOKEN_HASH_LENGTH = 64  # a SHA-256 hex digest


def _login_column(name: str, length: int, unique: bool, doc: str) -> Column:
    """A nullable string column that auth adds to the login model."""
    return Column(
        name=name,
        type="string",
        python_type="str",
        sa_type=f"String({length})",
        primary_key=False,
        nullable=True,
        unique=unique,
        index=False,
        default=None,
        default_expr=None,
        foreign_key=None,
        ondelete=None,
        length=length,
        doc=doc,
    )


def hash_column() -> Column:
    """The column that stores the password hash (never the password)."""
    return _login_column(HASH_COLUMN, HASH_LENGTH, False, "The werkzeug hash of the password; None until a password is set.")


def token_column() -> Column:
    """The column that names the user's current sessions: the session and the remember
    cookie carry it instead of the primary key, and a new value ends every session."""
    doc = "What sessions and remember cookies carry; a new one logs the user out everywhere."
    return _login_column(TOKEN_COLUMN, TOKEN_LENGTH, True, doc)


def confirmed_column() -> Column:
    """When the user followed the confirmation link; None until then. Rows already there
    when ``confirm_email`` is turned on get the migration's time: people who use the app
    today keep logging in."""
    return Column(
        name=CONFIRMED_COLUMN,
        type="datetime",
        python_type="datetime.datetime",
        sa_type="DateTime(timezone=True)",
        primary_key=False,
        nullable=True,
        unique=False,
        index=False,
        default=None,
        default_expr=None,
        foreign_key=None,
        ondelete=None,
        doc="When the address was confirmed; None until the emailed link is followed.",
        backfill="sa.func.current_timestamp()",
    )


def _mail_column(ctx: Ctx, raw: dict[str, Any], model: Model, identity: str, has_mail: bool) -> str | None:
    """The column ``password_reset`` and ``confirm_email`` mail to: the identity when it
    is an address, else a string column ``email``; both need ``mail:``."""
    wanted = [key for key in ("password_reset", "confirm_email") if raw.get(key) is True]
    if not wanted:
        return None
    column = identity if "mail" in identity else "email"
    found = next((c for c in model.columns if c.name == column and c.type == "string"), None)
    for key in wanted:
        what = "mails a reset link" if key == "password_reset" else "mails a confirmation link"
        if not has_mail:
            ctx.error(("auth", key), f"{key} {what}, and the spec has no mail: section; add mail: {{sender: ...}} or remove {key}", key=True)
        elif found is None:
            ctx.error(("auth", key), f"{key} {what}: {model.name} needs a string column email (or an identity that is an address)", key=True)
    return column if found is not None and has_mail else None


def _with_links(ctx: Ctx, raw: dict[str, Any], model: Model, auth: Auth, has_mail: bool) -> Auth:
    """``auth`` with ``password_reset`` and ``confirm_email`` when they can mail their links."""
    mail_column = _mail_column(ctx, raw, model, auth.identity, has_mail)
    if mail_column is None:
        return auth
    confirm = raw.get("confirm_email") is True
    # Mailed links need an address: sign-up and create-user ask for it.
    required = auth.required if mail_column in (auth.identity, *auth.required) else (*auth.required, mail_column)
    return replace(
        auth,
        required=required,
        mail_column=mail_column,
        password_reset=raw.get("password_reset") is True,
        confirm_email=confirm,
        confirmed_column=CONFIRMED_COLUMN if confirm else None,
    )


def normalize_auth(ctx: Ctx, rc: RouteCheck, extras: Extras) -> None:
    """Check ``auth:`` against the models and set ``extras.auth``; adds the hash and
    session token columns (and ``confirmed_at`` with ``confirm_email``)."""
    path: KeyPath = ("auth",)
    raw = ctx.get(path)
    if not isinstance(raw, dict) or not ctx.ok(path):
        return
    models = {m.name: m for m in extras.models}
    name = raw["model"]
    model = models.get(name)
    if model is None:
        if name not in (ctx.get(("models",)) or {}):  # a broken model was reported already
            ctx.error((*path, "model"), f"unknown model '{name}'{did_you_mean(name, list(models))}")
        return
    auth = _auth(ctx, model, raw.get("identity", "email"), bool(raw.get("register", True)))
    if auth is None:
        return
    throttle = raw.get("throttle", DEFAULT_THROTTLE)
    roles = _roles(ctx, raw, auth.register)
    auth = replace(
        auth,
        throttle=throttle if isinstance(throttle, str) else None,
        roles=roles,
        register_role=raw.get("register_role") if roles else None,
        tokens=raw.get("tokens") is True,
    )
    auth = _with_links(ctx, raw, model, auth, extras.mail is not None)
    _claim_rules(ctx, rc, auth)
    extras.auth = auth
    added = (hash_column(), token_column(), *((confirmed_column(),) if auth.confirm_email else ()))
    with_hash = replace(model, columns=(*model.columns, *added))
    extras.models = tuple(with_hash if m.name == name else m for m in extras.models)
    if roles and _names_free(ctx, with_hash, extras, ROLE_MODEL, (ROLE_TABLE, f"{with_hash.table}_{ROLE_TABLE}"), ROLES_ATTRIBUTE, "auth.roles"):
        _add_role_model(extras, with_hash)
    user = next(m for m in extras.models if m.name == name)
    if auth.tokens and not any(r.api for r in extras.resources):
        ctx.error(("auth", "tokens"), "tokens open the JSON API, and no resource has one; add a resource (api: true) or remove tokens")
    elif auth.tokens and _names_free(ctx, user, extras, TOKEN_MODEL, (TOKEN_TABLE,), TOKENS_ATTRIBUTE, "auth.tokens"):
        _add_token_model(extras, user)


def _roles(ctx: Ctx, raw: dict[str, Any], register: bool) -> tuple[str, ...]:
    """``auth.roles``, checked, and ``register_role`` against them."""
    roles = tuple(raw.get("roles") or ())
    for i, role in enumerate(roles):
        if role in BUILT_IN:
            ctx.error(("auth", "roles", i), f"'{role}' is a rule of its own (anyone, user, owner); pick another role name")
    chosen = raw.get("register_role")
    if chosen is not None:
        where: KeyPath = ("auth", "register_role")
        if chosen not in roles:
            hint = did_you_mean(chosen, list(roles)) or (" (auth.roles declares none)" if not roles else "")
            ctx.error(where, f"unknown role '{chosen}'{hint}; register_role names one of auth.roles")
        elif not register:
            ctx.error(where, "register_role is the role of people who sign up, and register: false turns sign-up off")
    return roles


def _names_free(ctx: Ctx, user: Model, extras: Extras, model_name: str, tables: tuple[str, ...], attribute: str, key: str) -> bool:
    """A model that auth generates, its tables and the user model's new attribute must not clash."""
    ok = True
    taken = {m.table: m.name for m in extras.models} | {a.name: "an association table" for a in extras.association_tables}
    for model in extras.models:
        if model.name == model_name:
            ctx.error(("models", model.name), f"{key} generates the {model_name} model; rename this one", key=True)
            ok = False
    for table in tables:
        if table in taken:
            ctx.error(("auth",), f"{key} needs the table '{table}', which {taken[table]} already uses; rename that table")
            ok = False
    if attribute in {c.name for c in user.columns} | {r.name for r in user.relationships}:
        ctx.error(("models", user.name), f"{key} gives {user.name} a '{attribute}' relationship; rename yours", key=True)
        ok = False
    return ok


def _add_token_model(extras: Extras, user: Model) -> None:
    """The ``ApiToken`` model: a named, hashed bearer token of one user, with its last use."""
    upk = user.primary_key
    key = Column("id", "integer", "int", "Integer()", True, False, False, False, None, None, None, None)
    owner = replace(upk, name="user_id", primary_key=False, nullable=False, unique=False, index=True, default=None,
                    default_expr=None, foreign_key=f"{user.table}.{upk.name}", ondelete="CASCADE",
                    doc="The user the token acts for.", renamed_from=None)
    name = replace(_login_column("name", TOKEN_NAME_LENGTH, False, "What the token is for, as its owner named it."), nullable=False)
    digest = replace(_login_column("token_hash", TOKEN_HASH_LENGTH, True, "The SHA-256 of the token (the token itself is shown once)."), nullable=False)
    stamp = "DateTime(timezone=True)"
    created = Column("created_at", "datetime", "datetime.datetime", stamp, False, False, False, False, "now", "utcnow", None, None, doc="When the token was made.")
    used = Column("last_used_at", "datetime", "datetime.datetime", stamp, False, True, False, False, None, None, None, None, doc="When the token was last used; None until then.")
    token = Model(
        name=TOKEN_MODEL,
        table=TOKEN_TABLE,
        columns=(key, owner, name, digest, created, used),
        relationships=(Relationship("user", user.name, TOKENS_ATTRIBUTE, None, False, kind="many_to_one", optional=False, passive_deletes=True, fk_column="user_id"),),
        doc="An API bearer token (auth.tokens): stored hashed, revocable, for the JSON API only.",
        label="name",
    )
    back = Relationship(TOKENS_ATTRIBUTE, TOKEN_MODEL, "user", None, True, True, "one_to_many", passive_deletes=True, fk_column="user_id")
    extras.models = (*(replace(m, relationships=(*m.relationships, back)) if m.name == user.name else m for m in extras.models), token)


def _add_role_model(extras: Extras, user: Model) -> None:
    """The ``Role`` model (one row per role name) and its many-to-many with the users."""
    secondary = f"{user.table}_{ROLE_TABLE}"
    key = Column("id", "integer", "int", "Integer()", True, False, False, False, None, None, None, None)
    role = Model(
        name=ROLE_MODEL,
        table=ROLE_TABLE,
        columns=(key, replace(_login_column("name", ROLE_LENGTH, True, "The role's name, as auth.roles spells it."), nullable=False)),
        relationships=(Relationship("users", user.name, ROLES_ATTRIBUTE, secondary, True, True, "many_to_many"),),
        doc="A named role (auth.roles); access rules name roles, and a user holds any number.",
        label="name",
    )
    upk = user.primary_key
    sides = sorted([(f"{snake(user.name)}_{upk.name}", user.table, upk), ("role_id", ROLE_TABLE, key)], key=lambda s: s[0])
    table = AssociationTable(
        secondary,
        (sides[0][0], sides[0][1], sides[0][2].name),
        (sides[1][0], sides[1][1], sides[1][2].name),
        (sides[0][2].python_type, sides[1][2].python_type),
        (sides[0][2].sa_type, sides[1][2].sa_type),
    )
    with_roles = replace(user, relationships=(*user.relationships, Relationship(ROLES_ATTRIBUTE, ROLE_MODEL, "users", secondary, True, kind="many_to_many")))
    extras.models = (*(with_roles if m.name == user.name else m for m in extras.models), role)
    extras.association_tables = tuple(sorted((*extras.association_tables, table), key=lambda a: a.name))


def _auth(ctx: Ctx, model: Model, identity: str, register: bool) -> Auth | None:
    """The :class:`Auth` of ``model``, or None after reporting what is wrong with it."""
    path: KeyPath = ("auth", "identity") if "identity" in ctx.get(("auth",)) else ("auth", "model")
    columns = {c.name: c for c in model.columns}
    column = columns.get(identity)
    keys = [c for c in model.columns if c.primary_key]
    ok = True
    if column is None:
        hint = did_you_mean(identity, list(columns))
        ctx.error(path, f"model {model.name} has no column '{identity}'{hint}; auth.identity names the column people log in with")
        ok = False
    elif column.type != "string" or column.primary_key:
        ctx.error(path, f"{model.name}.{identity} has type {column.type}; the identity must be a string column")
        ok = False
    elif not column.unique:
        ctx.error(path, f"{model.name}.{identity} is not unique; add unique: true so one identity names one user")
        ok = False
    confirm = ctx.get(("auth",)).get("confirm_email") is True
    for added in (HASH_COLUMN, TOKEN_COLUMN, *((CONFIRMED_COLUMN,) if confirm else ())):
        if added in columns:
            cpath = ("models", model.name, "columns", added)
            ctx.error(cpath, f"auth adds the '{added}' column to {model.name}; remove this one", key=True)
            ok = False
    if len(keys) != 1 or keys[0].type not in KEY_TYPES:
        ctx.error(("auth", "model"), f"the auth model needs one primary key column of type {', '.join(KEY_TYPES)}")
        ok = False
    required = _required(ctx, model, identity)
    for name in (identity, *(required or ())):
        if name in FORM_NAMES:
            cpath = ("models", model.name, "columns", name)
            ctx.error(cpath, f"'{name}' is a name the login forms use themselves; rename the column (renamed_from keeps its data)", key=True)
            ok = False
    if not ok or column is None or required is None:
        return None
    return Auth(
        model=model.name,
        table=model.table,
        identity=identity,
        identity_length=column.length,
        register=register,
        primary_key=keys[0].name,
        key_type=keys[0].type,
        required=required,
    )


def _required(ctx: Ctx, model: Model, identity: str) -> tuple[str, ...] | None:
    """Other columns a new user must fill in: string and text ones become form fields."""
    out = []
    for column in model.columns:
        if column.name == identity or column.primary_key or column.nullable or column.default_expr is not None:
            continue
        if column.type in ("string", "text") and not column.foreign_key:
            out.append(column.name)
            continue
        path = ("models", model.name, "columns", column.name)
        ctx.error(
            path,
            f"sign-up and create-user cannot fill the required {column.type} column '{column.name}' of the auth model; "
            "give it a default or make it nullable",
            key=True,
        )
        return None
    return tuple(out)


def _claim_rules(ctx: Ctx, rc: RouteCheck, auth: Auth) -> None:
    """The auth blueprint's name, rules, endpoints and command must be free."""
    blueprints = ctx.get(("blueprints",)) or {}
    if isinstance(blueprints, dict) and BLUEPRINT in blueprints:
        ctx.error(("blueprints", BLUEPRINT), "'auth' is the login blueprint that auth: generates; pick another blueprint name", key=True)
    commands = ctx.get(("commands",)) or {}
    for name in (COMMAND, "set-password", *(("set-role", "unset-role") if auth.roles else ()), *(("create-token",) if auth.tokens else ())):
        if isinstance(commands, dict) and name in commands:
            ctx.error(("commands", name), f"auth: generates the {name} command; remove this one or rename it", key=True)
    if ctx.get(("project", "csrf")) is False:
        ctx.error(("project", "csrf"), "auth needs CSRF protection (its forms and the logout button); remove csrf: false")
    for rule_text, key, methods in auth_rules(auth):
        rule = parse_rule(ctx, rc, ("auth",), URL_PREFIX + rule_text, None)
        if rule is not None:
            claim_rule(ctx, rc, ("auth",), rule, f"{BLUEPRINT}.{key}", methods)
        rc.endpoints.setdefault(f"{BLUEPRINT}.{key}", ("auth",))


def check_guards(ctx: Ctx, routes: list[tuple[KeyPath, Route]], blueprints: list[tuple[KeyPath, Blueprint]], has_auth: bool) -> None:
    """A rule-level redirect has no view to guard (``login_required`` and ``access``
    without ``auth`` are reported where the rules are read)."""
    for path, route in routes:
        if route.login_required and route.response.kind == "redirect_to":
            key = "access" if "access" in (ctx.get(path) or {}) else "login_required"
            ctx.error((*path, key), "a redirect_to route has no view to guard; guard the route it redirects to", key=True)


def throttle_defaults(defined: dict[str, dict[str, Any]], out: dict[str, dict[str, Any]], throttle: str) -> None:
    """Config defaults of the login throttle, where ``defined`` is silent: the limit, the
    counters' storage (Redis when ``REDIS_URL`` is set, so every app process counts
    together; else this process's memory; always memory in the tests), and no
    throttling in the tests."""
    def anywhere(key: str) -> bool:
        return any(key in body for body in defined.values())

    if not anywhere("AUTH_THROTTLE"):
        out["base"]["AUTH_THROTTLE"] = throttle
    if not anywhere("RATELIMIT_STORAGE_URI"):
        out["base"]["RATELIMIT_STORAGE_URI"] = "${REDIS_URL:-memory://}"
        # The tests count in their own process, even where a REDIS_URL is set for the
        # development server: counters left in a shared Redis would leak between runs.
        out["testing"]["RATELIMIT_STORAGE_URI"] = "memory://"
    if "RATELIMIT_ENABLED" not in defined.get("testing", {}):
        out["testing"]["RATELIMIT_ENABLED"] = False


def cookie_defaults(defined: dict[str, dict[str, Any]], out: dict[str, dict[str, Any]], subdomains: bool) -> None:
    """Config defaults of auth, in ``out`` (profile -> key -> value) where ``defined`` is silent.

    Flask-Login's remember-me cookie gets the production session cookie's flags. With
    subdomain routes, a profile with a literal SERVER_NAME shares the session (and the
    remember-me cookie) with its subdomains, so one login covers ``admin.<server>`` too.
    """
    if "PASSWORD_HASH_METHOD" not in defined.get("testing", {}):
        # scrypt takes a quarter of a second a hash, by design: the tests make many users.
        out["testing"]["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    if not any("REMEMBER_COOKIE_DURATION" in body for body in defined.values()):
        # Flask-Login's default is a year; a stolen remember cookie should not live that long.
        out["base"]["REMEMBER_COOKIE_DURATION"] = "14d"
    production = {**out["production"], **defined.get("production", {})}
    for flag in ("SECURE", "HTTPONLY", "SAMESITE"):
        key = f"REMEMBER_COOKIE_{flag}"
        value = production.get(f"SESSION_COOKIE_{flag}")
        if value is not None and key not in production:
            out["production"][key] = value
    if not subdomains or any("SESSION_COOKIE_DOMAIN" in body for body in defined.values()):
        return
    for name, body in defined.items():
        server = body.get("SERVER_NAME")
        if isinstance(server, str) and "${" not in server:
            domain = server.split(":")[0]
            out.setdefault(name, {}).update({"SESSION_COOKIE_DOMAIN": domain, "REMEMBER_COOKIE_DOMAIN": domain})

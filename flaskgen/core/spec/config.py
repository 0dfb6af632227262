"""``config:`` and ``converters:``: profiles with typed setting values (``EnvRef``,
``Size``, ``Duration``, ``Constant``) and their inheritance; custom URL converters."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

from werkzeug.routing import Map

from flaskgen.core.spec.auth import cookie_defaults, throttle_defaults
from flaskgen.core.spec.base import STANDARD_PROFILES, Ctx, camel
from flaskgen.core.spec.loader import KeyPath
from flaskgen.core.spec.mail import mail_defaults
from flaskgen.core.spec.schema import did_you_mean
from flaskgen.core.spec.types import (
    Constant,
    Converter,
    Duration,
    EnvRef,
    Mail,
    Profile,
    Setting,
    Size,
)

ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


SIZE_RE = re.compile(r"^([0-9]+) ?(B|KB|MB|GB)$")


DURATION_RE = re.compile(r"^([0-9]+) ?(s|m|h|d)$")


SIZE_FACTORS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


# Flask settings that take a length of time or a number of bytes; a text that is not
# one would only fail when the app reads it.
DURATION_SETTINGS = frozenset({"PERMANENT_SESSION_LIFETIME", "SEND_FILE_MAX_AGE_DEFAULT", "REMEMBER_COOKIE_DURATION"})
SIZE_SETTINGS = frozenset({"MAX_CONTENT_LENGTH", "MAX_FORM_MEMORY_SIZE"})
DATABASE_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\+[A-Za-z0-9_]+)?://\S*$")


def _setting(ctx: Ctx, path: KeyPath, key: str, value: Any) -> Setting:
    _check_kind(ctx, path, key, value)
    if isinstance(value, str):
        if "${" in value:
            leftover = ENV_RE.sub("", value)
            if "${" in leftover:
                ctx.error(path, f"malformed environment reference in {value!r}: write ${{NAME}} or ${{NAME:-default}}")
            needed = tuple(name for name, default in _env_refs(value) if default is None)
            return Setting(key, EnvRef(value, needed))
        size = SIZE_RE.match(value)
        if size:
            number, unit = int(size.group(1)), size.group(2)
            if number * SIZE_FACTORS[unit] > 2**63 - 1:
                ctx.error(path, f"{value} is too large: sizes must be below 8 EiB (2**63 bytes)")
            return Setting(key, Size(number, unit))
        duration = DURATION_RE.match(value)
        if duration:
            unit = DURATION_UNITS[duration.group(2)]
            if _seconds(duration) > timedelta.max.total_seconds():
                ctx.error(path, f"{value} is too long: durations must be below 999999999 days")
            return Setting(key, Duration(int(duration.group(1)), unit))
    return Setting(key, Constant(value))


def _check_kind(ctx: Ctx, path: KeyPath, key: str, value: Any) -> None:
    """A duration or size setting holds one (or a number, null, or ``${VAR}``)."""
    if (isinstance(value, str) and "${" in value) or value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return
    text = value if isinstance(value, str) else None
    if key == "SQLALCHEMY_DATABASE_URI" and not DATABASE_URL_RE.match(text or ""):
        ctx.error(path, "expected a database URL such as sqlite:///app.db or postgresql+psycopg://user@host/db, or ${DATABASE_URL}")
    elif key in DURATION_SETTINGS and (text is None or not DURATION_RE.match(text)):
        ctx.error(path, "expected a duration such as 7d, 12h, 30m or 45s, or a number of seconds")
    elif key in SIZE_SETTINGS and (text is None or not SIZE_RE.match(text)):
        ctx.error(path, "expected a size such as 16MB (B, KB, MB, GB) or a number of bytes")


def _seconds(duration: re.Match[str]) -> float:
    """The length of a ``DURATION_RE`` match in seconds."""
    return int(duration.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[duration.group(2)]


def _env_refs(value: str) -> list[tuple[str, str | None]]:
    """``${A}`` and ``${B:-x}`` references: (name, default or None)."""
    out = []
    for match in ENV_RE.finditer(value):
        has_default = match.group(0).find(":-") != -1
        out.append((match.group(1), match.group(2) if has_default else None))
    return out


def _profile_order(ctx: Ctx, raw: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(profile, parent) pairs, parents first; reports unknown parents and cycles."""
    names = list(dict.fromkeys([*STANDARD_PROFILES, *raw]))
    parent: dict[str, str | None] = {}
    for name in names:
        body = raw.get(name) if isinstance(raw.get(name), dict) else {}
        ext = body.get("extends") if isinstance(body, dict) else None
        if name == "base":
            if ext is not None:
                ctx.error(("config", "base", "extends"), "the base profile cannot extend another profile")
            parent[name] = None
        elif isinstance(ext, str):
            if ext not in names:
                ctx.error(("config", name, "extends"), f"unknown profile '{ext}'{did_you_mean(ext, names)}")
                parent[name] = "base"
            else:
                parent[name] = ext
        else:
            parent[name] = "base"
    ordered: list[tuple[str, str | None]] = []
    done: set[str] = set()
    for name in names:
        chain: list[str] = []
        cur: str | None = name
        while cur is not None and cur not in done:
            if cur in chain:
                ctx.error(("config", name, "extends"), f"profiles extend each other in a cycle: {' -> '.join([*chain, cur])}")
                parent[cur] = "base" if cur != "base" else None
                break
            chain.append(cur)
            cur = parent[cur]
        for item in reversed(chain):
            if item not in done:
                done.add(item)
                ordered.append((item, parent[item]))
    return ordered


def parse_profiles(
    ctx: Ctx,
    package: str,
    has_models: bool,
    auth: bool = False,
    subdomains: bool = False,
    throttle: str | None = None,
    mail: Mail | None = None,
    *,
    jobs: bool = False,
) -> tuple[Profile, ...]:
    raw = ctx.get(("config",), {}) or {}
    if not isinstance(raw, dict) or not ctx.ok(("config",)) and any(len(b) == 1 and b[0] == "config" for b in ctx.bad):
        raw = {}
    defined: dict[str, dict[str, Any]] = {}
    for name, body in raw.items():
        if isinstance(body, dict) and ctx.ok(("config", name)):
            defined[name] = {k: v for k, v in body.items() if k != "extends"}
    defaults = _profile_defaults(defined, package, has_models)
    if auth:
        cookie_defaults(defined, defaults, subdomains)
    if auth and throttle:
        throttle_defaults(defined, defaults, throttle)
    if mail is not None:
        mail_defaults(defined, defaults, mail)
    if jobs:
        _jobs_defaults(defined, defaults)
    profiles: list[Profile] = []
    for name, parent in _profile_order(ctx, raw):
        settings = {**defaults.get(name, {}), **defined.get(name, {})}
        items = tuple(
            _setting(ctx, ("config", name, key), key, value)
            for key, value in settings.items()
        )
        profiles.append(
            Profile(
                name=name,
                class_name=f"{camel(name)}Config",
                parent=f"{camel(parent)}Config" if parent else None,
                settings=items,
            )
        )
    _check_testing_database(ctx, profiles)
    return tuple(_production_secret(ctx, profiles))


def _jobs_defaults(defined: dict[str, dict[str, Any]], out: dict[str, dict[str, Any]]) -> None:
    """Config defaults of the job queue where ``defined`` is silent: Redis at ``REDIS_URL``
    (required in production), jobs run at once in development while it is unset, and
    always at once, in-process, in the tests."""
    if not any("REDIS_URL" in body for body in defined.values()):
        out["base"]["REDIS_URL"] = "${REDIS_URL:-}"
        out["production"]["REDIS_URL"] = "${REDIS_URL}"
    if "JOBS_RUN_AT_ONCE" not in defined.get("testing", {}):
        out["testing"]["JOBS_RUN_AT_ONCE"] = True
    if "JOBS_WITHOUT_REDIS" not in defined.get("development", {}):
        out["development"]["JOBS_WITHOUT_REDIS"] = True


def _check_testing_database(ctx: Ctx, profiles: list[Profile]) -> None:
    """The generated tests run where nothing is set: the testing database must not
    require a variable (a stand-in cannot be a database)."""
    testing = next((p for p in profiles if p.name == "testing"), None)
    found = testing.get("SQLALCHEMY_DATABASE_URI") if testing else None
    if found is not None and found.env_vars:
        ctx.error(
            ("config", "testing", "SQLALCHEMY_DATABASE_URI"),
            f"the testing database must work with nothing set; give ${{{found.env_vars[0]}}} a default, "
            f"such as ${{{found.env_vars[0]}:-sqlite://}}",
        )


def _production_secret(ctx: Ctx, profiles: list[Profile]) -> list[Profile]:
    """Production reads SECRET_KEY from the environment: a key written in the spec would
    sit in version control. A literal key inherited from ``base`` stays the key of
    development and testing, and production gets ``${SECRET_KEY}`` (as the modern idiom
    has it); a literal written in ``production`` itself is refused."""
    production = next((p for p in profiles if p.name == "production"), None)
    by_class = {p.class_name: p for p in profiles}
    current = production
    while current is not None:
        found = current.get("SECRET_KEY")
        if found is not None and isinstance(found.value, EnvRef):
            return profiles
        if found is not None and current is production:
            ctx.error(
                ("config", "production", "SECRET_KEY"),
                "production's SECRET_KEY must not be written in the spec (it would sit in version control); "
                "read it from the environment with ${SECRET_KEY}",
            )
            return profiles
        if found is not None:
            break
        current = by_class.get(current.parent) if current.parent else None
    if production is None:
        return profiles
    from_env = Setting("SECRET_KEY", EnvRef("${SECRET_KEY}", ("SECRET_KEY",)))
    fixed = replace(production, settings=(from_env, *production.settings))
    return [fixed if p is production else p for p in profiles]


def _profile_defaults(
    defined: dict[str, dict[str, Any]], package: str, has_models: bool
) -> dict[str, dict[str, Any]]:
    """Settings flaskgen adds where the spec is silent (listed first in each class)."""

    def anywhere(key: str) -> bool:
        return any(key in body for body in defined.values())

    out: dict[str, dict[str, Any]] = {name: {} for name in STANDARD_PROFILES}
    if not any("SECRET_KEY" in defined.get(name, {}) for name in ("base", "production")):
        # Production always has one, from the environment (a key set for development
        # alone leaves it to this default).
        out["base"]["SECRET_KEY"] = "${SECRET_KEY}"
        if not anywhere("SECRET_KEY"):
            out["development"]["SECRET_KEY"] = "${SECRET_KEY:-dev-not-secret}"
    if "SECRET_KEY" not in defined.get("testing", {}):
        # Tests never need a real secret: they must run where no SECRET_KEY is set.
        out["testing"]["SECRET_KEY"] = "testing-not-secret"
    if "TESTING" not in defined.get("testing", {}):
        out["testing"]["TESTING"] = True
    if has_models and "SQLALCHEMY_DATABASE_URI" not in defined.get("base", {}):
        out["base"]["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{package}.db"
    if has_models and "SQLALCHEMY_DATABASE_URI" not in defined.get("testing", {}):
        # Tests drop every table: they never inherit a database a person uses.
        out["testing"]["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    if not anywhere("MAX_CONTENT_LENGTH"):
        # No request body is unlimited: a huge POST would fill a worker's memory.
        # Uploads hold their own POSTs to their max_size.
        out["base"]["MAX_CONTENT_LENGTH"] = "16MB"
    if not anywhere("BOOTSTRAP_SERVE_LOCAL"):
        # The pages' Bootstrap comes from the app itself: no CDN, so they work offline
        # and under the Content-Security-Policy (default-src 'self').
        out["base"]["BOOTSTRAP_SERVE_LOCAL"] = True
    production = defined.get("production", {})
    for key, value in (
        ("SESSION_COOKIE_SECURE", True),
        ("SESSION_COOKIE_HTTPONLY", True),
        ("SESSION_COOKIE_SAMESITE", "Lax"),
    ):
        if key not in production:
            out["production"][key] = value
    return out


def resolved_setting(spec_profiles: tuple[Profile, ...], profile: str, key: str) -> Setting | None:
    """The setting ``key`` as ``profile`` sees it, following ``extends``."""
    by_class = {p.class_name: p for p in spec_profiles}
    current = next((p for p in spec_profiles if p.name == profile), None)
    while current is not None:
        found = current.get(key)
        if found is not None:
            return found
        current = by_class.get(current.parent) if current.parent else None
    return None


def parse_converters(ctx: Ctx) -> tuple[Converter, ...]:
    raw = ctx.get(("converters",), {}) or {}
    out = []
    builtin = set(Map.default_converters)
    for name, body in raw.items() if isinstance(raw, dict) else ():
        path: KeyPath = ("converters", name)
        if not ctx.ok(path):
            continue
        if name in builtin:
            ctx.error(path, f"'{name}' is a built-in converter; pick another name", key=True)
            continue
        regex = body.get("regex")
        if regex is not None:
            try:
                compiled = re.compile(regex)
            except re.error as exc:
                ctx.error((*path, "regex"), f"invalid regular expression: {exc}")
                continue
            if compiled.groupindex:
                ctx.error((*path, "regex"), "named groups are not allowed in a converter regex; use (?:...)")
                continue
        out.append(
            Converter(
                name=name,
                class_name=f"{camel(name)}Converter",
                regex=regex,
                type=body.get("type", "str"),
                doc=str(body.get("doc", "")),
            )
        )
    return tuple(out)

"""Deploy and CI files: Dockerfile, compose.yaml, gunicorn.conf.py, /healthz, workflows.

The generated project runs the same way everywhere: ``gunicorn -c gunicorn.conf.py
"<package>:create_app()"``. Every value the templates need (base image, the database
variable, the environment a container needs) is computed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from flaskgen.core.plan.base import Contribution, Phase, PlannedFile, TypedView
from flaskgen.core.spec.base import PYTHONS, join_prefix
from flaskgen.core.spec.config import resolved_setting
from flaskgen.core.spec.types import Constant, EnvRef, Project, ProjectSpec, SettingValue

# The ruff release flaskgen is tested with: generated projects need at least this one
# (their dev extra and pre-commit hook), so their `ruff format --check` agrees.
RUFF_VERSION = "0.17.6"
GUNICORN = "gunicorn>=23"
PSYCOPG = "psycopg[binary]>=3.1"
POSTGRES_IMAGE = "postgres:17-alpine"
REDIS_IMAGE = "redis:7-alpine"
HEALTH_RULE = "/healthz"
WHOLE_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
POSTGRES_URL = re.compile(r"(postgres|postgresql)(\+\w+)?://")


@dataclass(frozen=True)
class Deploy:
    """What the deploy files say about one project."""

    python: str  # the Docker base image's Python, e.g. 3.13
    has_db: bool
    database_var: str | None  # the variable production reads its database URL from
    env_vars: tuple[str, ...]  # required variables of the production profile, sorted
    healthz: bool  # flaskgen adds GET /healthz
    upload_vars: tuple[str, ...]  # <NAME>_UPLOAD_FOLDER variables
    proxy_fix: bool  # the app reads X-Forwarded-* through werkzeug's ProxyFix
    redis: bool  # compose runs Redis: the job queue, or the login throttle's shared counters
    worker: bool  # compose runs a job worker (the spec has jobs)
    redis_purpose: str  # what Redis holds, for compose.yaml's comment
    throttle: bool  # the login throttle counts in Redis

    def _env_kinds(self) -> list[tuple[str, str]]:
        """``(name, kind)`` for each variable a container gets, sorted: ``database`` and
        ``redis`` point at compose's own services, ``required`` comes from .env."""
        names = sorted({*self.env_vars, *(("REDIS_URL",) if self.redis else ())})
        kinds = {"REDIS_URL": "redis" if self.redis else "required"}
        if self.database_var:
            kinds[self.database_var] = "database"
        return [(name, kinds.get(name, "required")) for name in names]

    @property
    def compose_env(self) -> tuple[tuple[str, str], ...]:
        """``(name, quoted YAML value)`` of each variable in compose.yaml."""
        services = {
            "database": '"postgresql://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD:-app}@db:5432/${POSTGRES_DB:-app}"',
            "redis": '"redis://redis:6379/0"',
        }
        return tuple(
            (name, services.get(kind, f'"${{{name}:?set {name} in .env (see .env.example)}}"'))
            for name, kind in self._env_kinds()
        )

    @property
    def ci_env(self) -> tuple[tuple[str, str], ...]:
        """``(name, value)`` of each variable the CI migration step sets."""
        services = {"database": "postgresql://app:app@localhost:5432/app", "redis": "redis://localhost:6379/0"}
        return tuple(
            (name, services.get(kind, f"ci-stand-in-for-{name.lower()}-0123456789abcdef"))
            for name, kind in self._env_kinds()
        )


@dataclass(frozen=True)
class DeployView(TypedView):
    """Dockerfile, compose.yaml, gunicorn.conf.py, the CI workflow and the pre-commit config."""

    project: Project
    deploy: Deploy
    postgres_image: str
    redis_image: str
    health_rule: str
    ruff_version: str


@dataclass(frozen=True)
class HealthView(TypedView):
    """<package>/health.py and tests/test_health.py."""

    project: Project
    deploy: Deploy
    rule: str


def base_python(requirement: str) -> str:
    """The newest supported Python that ``project.python`` (``>=3.11``) allows."""
    try:
        allowed = SpecifierSet(requirement)
    except InvalidSpecifier:
        return PYTHONS[0]
    return next((v for v in PYTHONS if allowed.contains(v, prereleases=True)), PYTHONS[-1])


def database_var(spec: ProjectSpec) -> str | None:
    """``DATABASE_URL`` when production's ``SQLALCHEMY_DATABASE_URI`` is ``${DATABASE_URL}``."""
    setting = resolved_setting(spec.profiles, "production", "SQLALCHEMY_DATABASE_URI")
    value = setting.value if setting else None
    match = WHOLE_ENV.fullmatch(value.template) if isinstance(value, EnvRef) else None
    return match.group(1) if match else None


def _text(value: SettingValue) -> str:
    """The string a setting holds (an environment reference's template), else ""."""
    if isinstance(value, EnvRef):
        return value.template
    return value.value if isinstance(value, Constant) and isinstance(value.value, str) else ""


def uses_postgres(spec: ProjectSpec) -> bool:
    """Whether a profile's database URL is a literal PostgreSQL URL."""
    return any(
        POSTGRES_URL.match(_text(s.value))
        for p in spec.profiles
        for s in p.settings
        if s.key == "SQLALCHEMY_DATABASE_URI"
    )


def wants_healthz(spec: ProjectSpec) -> bool:
    """True unless the spec has its own ``healthz`` endpoint, ``/healthz`` rule or module."""
    prefixes = {bp.name: bp.url_prefix for bp in spec.blueprints}
    rules = {
        join_prefix(prefixes.get(r.blueprint or ""), rule.rule).rstrip("/") or "/"
        for r in spec.all_routes
        for rule in r.rules
    } | {u.rule.rstrip("/") for u in spec.uploads}
    names = {r.key for r in spec.routes} | {bp.name for bp in spec.blueprints}
    names |= {u.name for u in spec.uploads}
    return HEALTH_RULE not in rules and not names & {"healthz", "health"}


def deploy_info(spec: ProjectSpec) -> Deploy:
    """Everything the deploy templates need, computed once."""
    keys = {s.key for p in spec.profiles for s in p.settings}
    throttle = bool(spec.auth and spec.auth.throttle)
    env_vars: set[str] = set()
    for key in keys:
        setting = resolved_setting(spec.profiles, "production", key)
        env_vars.update(setting.env_vars if setting else ())
    return Deploy(
        python=base_python(spec.project.python),
        has_db=bool(spec.models),
        database_var=database_var(spec) if spec.models else None,
        env_vars=tuple(sorted(env_vars)),
        healthz=wants_healthz(spec),
        upload_vars=tuple(sorted(f"{u.name.upper()}_UPLOAD_FOLDER" for u in spec.uploads)),
        proxy_fix=spec.proxy_fix is not None,
        redis=bool(spec.jobs) or throttle,
        worker=bool(spec.jobs),
        redis_purpose=" and ".join(
            purpose for purpose, on in (("the job queue", bool(spec.jobs)), ("the login throttle's counters", throttle)) if on
        ).capitalize(),
        throttle=throttle,
    )


def _health(spec: ProjectSpec, info: Deploy, out: Contribution) -> None:
    pkg = spec.project.package
    view = HealthView(spec.project, info, HEALTH_RULE)
    out.files.append(PlannedFile(f"{pkg}/health.py", "project/package/health.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_health.py", "project/tests/test_health.py.jinja", view, python=True))
    out.app_imports.append("from .health import register_health")
    out.setup.append((Phase.VIEWS, "register_health(app)"))


def contribute(spec: ProjectSpec) -> Contribution:
    """Deploy files, CI workflow, pre-commit config and the health check."""
    info = deploy_info(spec)
    out = Contribution(dependencies=[GUNICORN])
    if spec.models:
        target = out.dependencies if uses_postgres(spec) else out.extras.setdefault("postgres", [])
        target.append(PSYCOPG)
    if info.healthz:
        _health(spec, info, out)
    view = DeployView(spec.project, info, POSTGRES_IMAGE, REDIS_IMAGE, HEALTH_RULE, RUFF_VERSION)
    for relpath, template, python in (
        ("Dockerfile", "project/deploy/Dockerfile.jinja", False),
        (".dockerignore", "project/deploy/dockerignore.jinja", False),
        ("compose.yaml", "project/deploy/compose.yaml.jinja", False),
        ("gunicorn.conf.py", "project/deploy/gunicorn.conf.py.jinja", True),
        (".github/workflows/ci.yml", "project/deploy/ci.yml.jinja", False),
        (".pre-commit-config.yaml", "project/deploy/pre-commit-config.yaml.jinja", False),
    ):
        out.files.append(PlannedFile(relpath, template, view, python=python))
    return out

"""The normalized spec: frozen values that every later stage reads.

Everything a template needs (identifiers, class names, Python expressions, imports)
is computed here or in the planner, so templates only loop and substitute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flaskgen.core.spec.words import human, model_title, plural

if TYPE_CHECKING:
    from flaskgen.core.spec.probe import Probe
    from flaskgen.core.spec.resources import Resource

Import = tuple[str, str]  # (module, name): "from module import name"; name "" = "import module"


@dataclass(frozen=True)
class Project:
    name: str
    package: str
    description: str
    version: str
    python: str
    csrf: bool


@dataclass(frozen=True)
class Constant:
    """A plain YAML value (str, int, float, bool, None, list, mapping) used as it is."""

    value: Any


@dataclass(frozen=True)
class EnvRef:
    """A string with ``${NAME}`` / ``${NAME:-default}`` references, read at run time."""

    template: str
    env_vars: tuple[str, ...] = ()  # the names without a default: required at run time


@dataclass(frozen=True)
class Size:
    """A byte size such as ``16MB``."""

    number: int
    unit: str  # B, KB, MB or GB


@dataclass(frozen=True)
class Duration:
    """A duration such as ``30m``; ``unit`` is the ``timedelta`` keyword."""

    amount: int
    unit: str  # seconds, minutes, hours or days


SettingValue = Constant | EnvRef | Size | Duration


@dataclass(frozen=True)
class Setting:
    """One Flask setting of a config profile, as a typed value."""

    key: str
    value: SettingValue

    @property
    def env_vars(self) -> tuple[str, ...]:
        """The environment variables this setting requires."""
        return self.value.env_vars if isinstance(self.value, EnvRef) else ()

    @property
    def imports(self) -> frozenset[Import]:
        """What ``config.py`` imports for this setting's source."""
        return frozenset({("datetime", "timedelta")}) if isinstance(self.value, Duration) else frozenset()


@dataclass(frozen=True)
class Profile:
    name: str
    class_name: str
    parent: str | None  # class name of the profile it extends; None for base
    settings: tuple[Setting, ...]

    def get(self, key: str) -> Setting | None:
        return next((s for s in self.settings if s.key == key), None)


@dataclass(frozen=True)
class Converter:
    name: str
    class_name: str
    regex: str | None  # None: the pattern is the rule's argument, as in <regex("\d+"):x>
    type: str  # str | int | float
    doc: str


@dataclass(frozen=True)
class UrlVar:
    name: str
    converter: str
    annotation: str  # Python type of the value the view receives
    imports: frozenset[Import] = frozenset()  # what the annotation needs


@dataclass(frozen=True)
class UrlRule:
    rule: str  # as written, relative to the blueprint's url_prefix
    variables: tuple[str, ...]
    defaults: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Response:
    """What a view returns. ``expr`` is the Python expression (empty for abort)."""

    kind: str  # template | text | html | json | redirect | redirect_to | abort
    expr: str
    imports: frozenset[Import] = frozenset()
    template: str = ""  # for kind == "template"
    text: str | None = None  # the exact body for text/html with all variables known
    json: Any = None  # the JSON body when it does not depend on URL variables
    target: str = ""  # redirect endpoint or redirect_to rule
    abort: int = 0


@dataclass(frozen=True)
class Param:
    name: str
    annotation: str
    default: Constant | None  # None: the view argument is required
    imports: frozenset[Import] = frozenset()  # what the annotation needs


@dataclass(frozen=True)
class Route:
    key: str
    blueprint: str | None
    rules: tuple[UrlRule, ...]
    methods: tuple[str, ...]
    response: Response
    status: int | None
    strict_slashes: bool | None
    subdomain: str | None
    view_class: bool
    doc: str
    params: tuple[Param, ...]
    variables: tuple[UrlVar, ...]
    function_name: str
    class_name: str
    examples: tuple[tuple[str, Any], ...] = ()
    renamed_from: str | None = None
    csrf: bool = True  # False: exempt from CSRF protection (itself or through its blueprint)
    login_required: bool = False
    access: tuple[str, ...] = ("anyone",)  # who may use the route (login_required: ("user",))

    @property
    def endpoint(self) -> str:
        return f"{self.blueprint}.{self.key}" if self.blueprint else self.key

    @property
    def accepts_post(self) -> bool:
        return "POST" in self.methods

    @property
    def statement(self) -> str:
        """The view body's one statement."""
        r = self.response
        if r.kind == "abort":
            return f"abort({r.abort})"
        if self.status and r.kind != "redirect":
            return f"return {r.expr}, {self.status}"
        return f"return {r.expr}"

    @property
    def view_methods(self) -> tuple[str, ...]:
        """Lower-case MethodView method names (HEAD is served by get)."""
        names = [m.lower() for m in self.methods if m not in ("HEAD", "OPTIONS") or m == "HEAD" and "GET" not in self.methods]
        return tuple("get" if m == "head" else m for m in names)


@dataclass(frozen=True)
class Blueprint:
    name: str
    url_prefix: str | None
    subdomain: str | None
    routes: tuple[Route, ...]
    doc: str
    renamed_from: str | None = None
    csrf: bool = True  # False: the whole blueprint is exempt from CSRF protection
    login_required: bool = False
    access: tuple[str, ...] = ("anyone",)  # one rule for every route of the blueprint


@dataclass(frozen=True)
class ErrorPage:
    code: int
    title: str
    function_name: str
    response: Response


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    python_type: str  # e.g. "str", "datetime.datetime", "decimal.Decimal"
    sa_type: str  # SQLAlchemy type expression, e.g. "String(32)"
    primary_key: bool
    nullable: bool
    unique: bool
    index: bool
    default: Any
    default_expr: str | None
    foreign_key: str | None
    ondelete: str | None
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[str, ...] = ()
    doc: str = ""
    renamed_from: str | None = None
    # Python source of a value that rows already there get when a migration adds this
    # (nullable) column, such as ``sa.func.current_timestamp()``; new rows get none.
    backfill: str | None = None
    title: str = ""  # the heading and label in pages; "" -> the name, humanised
    titles: tuple[tuple[str, str], ...] = ()  # (enum value, shown label): every value, in order

    def __post_init__(self) -> None:
        # The defaults are the humanised names: one place decides them, for every column
        # (those the spec declares and those flaskgen adds).
        if not self.title:
            object.__setattr__(self, "title", human(self.name))
        declared = dict(self.titles)
        if self.values and tuple(v for v, _ in self.titles) != self.values:
            object.__setattr__(self, "titles", tuple((v, declared.get(v) or human(v)) for v in self.values))

    def value_title(self, value: str) -> str:
        """The shown label of one of an enum's values."""
        return dict(self.titles).get(value, value)

    @property
    def ref_table(self) -> str | None:
        """The table ``foreign_key`` (``table.column``) points at."""
        return self.foreign_key.partition(".")[0] if self.foreign_key else None

    @property
    def ref_column(self) -> str | None:
        """The column ``foreign_key`` (``table.column``) points at."""
        return self.foreign_key.partition(".")[2] if self.foreign_key else None


@dataclass(frozen=True)
class Relationship:
    name: str
    model: str
    back_populates: str | None
    secondary: str | None
    many: bool  # a collection (list) on this side
    generated: bool = False  # the other side, generated from the declaring side
    kind: str = "many_to_one"  # many_to_one | one_to_many | one_to_one | many_to_many
    optional: bool = True  # a scalar side may be None (its foreign key is nullable)
    passive_deletes: bool = False  # the database deletes or nulls the children (ondelete)
    fk_column: str | None = None  # the foreign key column, on whichever model holds it


@dataclass(frozen=True)
class Model:
    name: str
    table: str
    columns: tuple[Column, ...]
    relationships: tuple[Relationship, ...]
    doc: str
    renamed_from: str | None = None
    label: str | None = None  # the column that names a row in pages and pickers; None: "#<id>"
    title: str = ""  # how pages name a row ("Order line"); "" -> the class name, spaced
    plural: str = ""  # how pages name rows ("Order lines"); "" -> an English plural of the title

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", model_title(self.name))
        if not self.plural:
            object.__setattr__(self, "plural", plural(self.title))

    @property
    def primary_key(self) -> Column:
        """The (first) primary key column."""
        return next(c for c in self.columns if c.primary_key)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def relationship(self, name: str) -> Relationship | None:
        return next((r for r in self.relationships if r.name == name), None)


@dataclass(frozen=True)
class AssociationTable:
    name: str
    left: tuple[str, str, str]  # (column, table, referenced column)
    right: tuple[str, str, str]
    python_type: tuple[str, str] = ("int", "int")  # of the left and right columns
    sa_type: tuple[str, str] = ("Integer", "Integer")


@dataclass(frozen=True)
class Upload:
    name: str
    rule: str
    field: str
    extensions: tuple[str, ...]
    max_size: int | None
    folder: str
    serve: str | None
    overwrite: bool
    renamed_from: str | None = None
    login_required: bool = False  # upload and download need a logged-in user
    access: tuple[str, ...] = ("anyone",)  # who may upload and download


@dataclass(frozen=True)
class CommandOption:
    name: str
    default: Any
    help: str
    type: str
    required: bool


@dataclass(frozen=True)
class Command:
    name: str
    function_name: str
    help: str
    arguments: tuple[str, ...]
    options: tuple[CommandOption, ...]


@dataclass(frozen=True)
class Job:
    """A function the worker runs outside the request (``jobs.<name>``)."""

    name: str
    help: str
    arguments: tuple[str, ...]
    schedule: str | None  # a five-field cron line, UTC


@dataclass(frozen=True)
class Auth:
    """Session login (``auth:``): who logs in, with which column, and whether they may sign up."""

    model: str  # the model's class name
    table: str
    identity: str  # the unique string column people log in with
    identity_length: int | None
    register: bool
    primary_key: str  # the model's (single) primary key column
    key_type: str  # the primary key's spec type: integer, big_integer, string, uuid
    required: tuple[str, ...] = ()  # other string columns a new user must fill in
    hash_column: str = "password_hash"
    token_column: str = "session_token"
    throttle: str | None = "5 per minute"  # attempts per identity and per address; None: off
    roles: tuple[str, ...] = ()  # auth.roles
    register_role: str | None = None  # the role a person who signs up gets
    tokens: bool = False  # API bearer tokens (auth.tokens)
    password_reset: bool = False  # "Forgot your password?" by mail (auth.password_reset)
    confirm_email: bool = False  # a new account logs in once its address is confirmed
    mail_column: str | None = None  # the column mails go to (with password_reset or confirm_email)
    confirmed_column: str | None = None  # when the address was confirmed (with confirm_email)


@dataclass(frozen=True)
class Mail:
    """Outgoing mail (``mail:``): who it comes from; the MAIL_* settings live in the profiles."""

    sender: str


@dataclass(frozen=True)
class ProjectSpec:
    project: Project
    profiles: tuple[Profile, ...]
    converters: tuple[Converter, ...]
    routes: tuple[Route, ...]
    blueprints: tuple[Blueprint, ...]
    errors: tuple[ErrorPage, ...]
    models: tuple[Model, ...] = ()
    association_tables: tuple[AssociationTable, ...] = ()
    uploads: tuple[Upload, ...] = ()
    hooks: tuple[tuple[str, tuple[str, ...]], ...] = ()
    template_filters: tuple[str, ...] = ()
    template_globals: tuple[str, ...] = ()
    proxy_fix: tuple[tuple[str, int], ...] | None = None
    middleware: tuple[str, ...] = ()
    session_permanent: bool = False
    commands: tuple[Command, ...] = ()
    log_level: str | None = None
    log_format: str | None = None
    auth: Auth | None = None
    resources: tuple[Resource, ...] = ()
    jobs: tuple[Job, ...] = ()
    mail: Mail | None = None
    # ``dropped``: tables (``Model``, an association table) and columns (``Model.column``)
    # a regen migration may delete with their data
    dropped: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    probe: Probe | None = field(default=None, compare=False, repr=False)

    @property
    def all_routes(self) -> tuple[Route, ...]:
        return self.routes + tuple(r for bp in self.blueprints for r in bp.routes)

    @property
    def uses_subdomains(self) -> bool:
        return any(r.subdomain for r in self.all_routes) or any(b.subdomain for b in self.blueprints)

    def guarded(self, route: Route) -> bool:
        """True if ``route`` needs a logged-in user (itself or through its blueprint)."""
        if route.login_required:
            return True
        return any(bp.login_required for bp in self.blueprints if bp.name == route.blueprint)

    def profile(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)

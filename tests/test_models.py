"""Models: normalization, the invalid-spec table for the model keys, migrations, and
(slow) generated projects with models on SQLite and PostgreSQL.

Invalid cases are appended to a two-line header, so their own lines start at line 3.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.core.migrate.diff import Drops, revision, schema_of
from flaskgen.generate import render_project
from flaskgen.specfile import parse_spec, read_spec
from tests.conftest import EXAMPLES, BuiltExample, GenEnv

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
# The contract's models (spec-v1.md), verbatim.
CONTRACT = HEADER + """models:
  Department:
    columns:
      id: {type: integer, primary_key: true}
      title: {type: string, length: 64, nullable: false, unique: true}
  User:
    table: users
    columns:
      id: {type: integer, primary_key: true}
      name: {type: string, length: 32, index: true, nullable: false}
      email: {type: string, length: 120, unique: true, nullable: false}
      bio: {type: text}
      active: {type: boolean, default: true}
      joined: {type: date}
      created_at: {type: datetime, default: now}
      depart_id: {type: integer, foreign_key: department.id, ondelete: CASCADE}
    relationships:
      department: {model: Department, back_populates: users}
  Tag:
    columns:
      id: {type: integer, primary_key: true}
      label: {type: string, length: 30, nullable: false}
    relationships:
      users: {model: User, secondary: user_tag, back_populates: tags}
"""

CASES: dict[str, tuple[str, list[str]]] = {
    'unknown column type': (
        'models:\n  A:\n    columns:\n      n: {type: strng}\n',
        ["spec.yaml:6:17: models.A.columns.n.type: 'strng' is not one of integer, big_integer, float, numeric, string, text, boolean, date, datetime, time, json, uuid, enum, binary (did you mean 'string'?)"],
    ),
    'fk to missing table': (
        'models:\n  A:\n    columns:\n      b_id: {type: integer, foreign_key: bb.id}\n  B:\n    columns: {}\n',
        ["spec.yaml:6:42: models.A.columns.b_id.foreign_key: no table 'bb' (did you mean 'b'?); tables: a, b"],
    ),
    'fk to missing column': (
        'models:\n  A:\n    columns:\n      b_id: {type: integer, foreign_key: b.uid}\n  B:\n    columns: {}\n',
        ["spec.yaml:6:42: models.A.columns.b_id.foreign_key: table 'b' has no column 'uid' (did you mean 'id'?)"],
    ),
    'relationship to missing model': (
        'models:\n  A:\n    relationships:\n      b: {model: Bee}\n  B:\n    columns: {}\n',
        ["spec.yaml:6:18: models.A.relationships.b.model: no model 'Bee' (did you mean 'B'?)"],
    ),
    'back_populates clash': (
        'models:\n  A:\n    columns:\n      b_id: {type: integer, foreign_key: b.id}\n    relationships:\n      b: {model: B, back_populates: name}\n  B:\n    columns:\n      name: {type: string}\n',
        ['spec.yaml:8:37: models.A.relationships.b.back_populates: B.name is a column; choose another name for back_populates'],
    ),
    'duplicate table': (
        'models:\n  A:\n    table: things\n  B:\n    table: things\n',
        ["spec.yaml:6:3: models.B: table 'things' is already the table of A; set 'table' to another name"],
    ),
    'reserved table': (
        'models:\n  User:\n    columns:\n      name: {type: string}\n',
        ["spec.yaml:4:3: models.User: table name 'user' is an SQL reserved word; set 'table' to another name, such as 'users'"],
    ),
    'reserved column': (
        'models:\n  A:\n    columns:\n      order: {type: integer}\n',
        ["spec.yaml:6:7: models.A.columns.order: column name 'order' is an SQL reserved word; pick another name"],
    ),
    'python keyword column': (
        'models:\n  A:\n    columns:\n      class: {type: string}\n',
        ["spec.yaml:6:7: models.A.columns.class: column name 'class' is a Python keyword; pick another name"],
    ),
    'enum without values': (
        'models:\n  A:\n    columns:\n      s: {type: enum}\n',
        ["spec.yaml:6:17: models.A.columns.s.type: an enum column needs 'values', such as [draft, published]"],
    ),
    'bad default': (
        'models:\n  A:\n    columns:\n      n: {type: integer, default: many}\n',
        ["spec.yaml:6:35: models.A.columns.n.default: 'many' is not a valid default for this integer column: expected a value of type integer"],
    ),
    'ondelete without fk': (
        'models:\n  A:\n    columns:\n      n: {type: integer, ondelete: CASCADE}\n',
        ["spec.yaml:6:26: models.A.columns.n.ondelete: 'ondelete' needs a 'foreign_key'"],
    ),
    'no foreign key for relationship': (
        'models:\n  A:\n    relationships:\n      b: {model: B}\n  B:\n    columns: {}\n',
        ["spec.yaml:6:10: models.A.relationships.b: no foreign key between a and b; a relationship needs exactly one (add one such as b_id: {type: integer, foreign_key: b.id}) or 'secondary' for many-to-many"],
    ),
    'secondary clashes with a table': (
        'models:\n  A:\n    relationships:\n      bs: {model: B, secondary: b}\n  B:\n    columns: {}\n',
        ["spec.yaml:6:33: models.A.relationships.bs.secondary: table 'b' is already the table of B"],
    ),
    'length on integer': (
        'models:\n  A:\n    columns:\n      n: {type: integer, length: 3}\n',
        ["spec.yaml:6:26: models.A.columns.n.length: 'length' applies to string columns, not integer"],
    ),
    'fk type mismatch': (
        'models:\n  A:\n    columns:\n      b_id: {type: string, foreign_key: b.id}\n  B:\n    columns: {}\n',
        ["spec.yaml:6:41: models.A.columns.b_id.foreign_key: 'b_id' is string but 'b.id' is integer; make the types match"],
    ),
    'model named like an import': (
        'models:\n  String:\n    columns: {}\n',
        ["spec.yaml:4:3: models.String: 'String' is a name models.py already uses; pick another model name"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES)
def test_invalid_models_report_exactly(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + text)
    assert [p.format() for p in caught.value.problems] == expected


# -- normalization ---------------------------------------------------------------------------


def test_contract_models_normalize() -> None:
    spec = parse_spec(CONTRACT)
    models = {m.name: m for m in spec.models}
    assert [(m.name, m.table) for m in spec.models] == [("Department", "department"), ("User", "users"), ("Tag", "tag")]
    user = {c.name: c for c in models["User"].columns}
    assert not user["name"].nullable and user["name"].index and user["name"].sa_type == "String(32)"
    assert user["bio"].nullable and user["bio"].python_type == "str"
    assert user["created_at"].default_expr == "utcnow"
    assert user["active"].default_expr == "True"
    assert user["depart_id"].foreign_key == "department.id" and user["depart_id"].ondelete == "CASCADE"
    # Both sides of each relationship come from one declaration.
    dept_users = next(r for r in models["Department"].relationships if r.name == "users")
    assert (dept_users.model, dept_users.many, dept_users.generated, dept_users.back_populates) == ("User", True, True, "department")
    assert dept_users.passive_deletes  # ondelete CASCADE: the database removes the children
    user_tags = next(r for r in models["User"].relationships if r.name == "tags")
    assert (user_tags.secondary, user_tags.many, user_tags.kind) == ("user_tag", True, "many_to_many")
    [table] = spec.association_tables
    assert (table.name, table.left, table.right) == ("user_tag", ("tag_id", "tag", "id"), ("user_id", "users", "id"))


def test_model_without_primary_key_gets_id() -> None:
    spec = parse_spec(HEADER + "models:\n  OrderItem:\n    columns:\n      qty: {type: integer, nullable: false}\n")
    [model] = spec.models
    assert model.table == "order_item"
    assert [(c.name, c.primary_key, c.nullable) for c in model.columns] == [("id", True, False), ("qty", False, False)]


@pytest.mark.parametrize(
    ("column", "python_type", "sa_type"),
    [
        ("{type: integer}", "int", "Integer()"),
        ("{type: big_integer}", "int", "BigInteger()"),
        ("{type: float}", "float", "Float()"),
        ("{type: numeric, precision: 10, scale: 2}", "decimal.Decimal", "Numeric(10, 2)"),
        ("{type: string, length: 5}", "str", "String(5)"),
        ("{type: text}", "str", "Text()"),
        ("{type: boolean}", "bool", "Boolean()"),
        ("{type: date}", "datetime.date", "Date()"),
        ("{type: datetime}", "datetime.datetime", "DateTime(timezone=True)"),
        ("{type: time}", "datetime.time", "Time()"),
        ("{type: json}", "dict[str, Any]", "JSON()"),
        ("{type: uuid}", "uuid.UUID", "Uuid()"),
        ("{type: enum, values: [a, bc]}", "str", "Enum('a', 'bc', name='thing_x', native_enum=False, length=2)"),
        ("{type: binary}", "bytes", "LargeBinary()"),
    ],
)
def test_every_column_type(column: str, python_type: str, sa_type: str) -> None:
    spec = parse_spec(HEADER + f"models:\n  Thing:\n    columns:\n      x: {column}\n")
    x = spec.models[0].columns[1]
    assert (x.python_type, x.sa_type) == (python_type, sa_type)


@pytest.mark.parametrize(
    ("column", "expr"),
    [
        ("{type: date, default: now}", "utc_today"),
        ("{type: date, default: '2024-02-29'}", "datetime.date(2024, 2, 29)"),
        ("{type: numeric, default: 1.5}", "decimal.Decimal('1.5')"),
        ("{type: enum, values: [a, b], default: b}", "'b'"),
        ("{type: json, default: {k: 1}}", "lambda: {'k': 1}"),
        ("{type: uuid, primary_key: true}", "uuid.uuid4"),
    ],
)
def test_defaults(column: str, expr: str) -> None:
    spec = parse_spec(HEADER + f"models:\n  Thing:\n    columns:\n      x: {column}\n")
    x = next(c for c in spec.models[0].columns if c.name == "x")
    assert x.default_expr == expr


# -- migrations ------------------------------------------------------------------------------


def test_initial_revision_is_deterministic_and_ordered() -> None:
    files = [render_project(parse_spec(CONTRACT)) for _ in range(2)]
    assert files[0]["migrations/versions/0001_initial.py"] == files[1]["migrations/versions/0001_initial.py"]
    text = files[0]["migrations/versions/0001_initial.py"]
    assert "Create Date" not in text
    # Referenced tables are created first and dropped last.
    assert text.index('"department"') < text.index('"users"') < text.index('"user_tag"')
    downgrade = text.split("def downgrade")[1]
    assert downgrade.index('"user_tag"') < downgrade.index('"users"') < downgrade.index('"department"')


def _schema(text: str):  # type: ignore[no-untyped-def]
    spec = parse_spec(HEADER + text)
    return schema_of(spec.models, spec.association_tables)


def test_revision_between_two_schemas() -> None:
    old = _schema("models:\n  Post:\n    columns:\n      title: {type: string, length: 50}\n      old: {type: text}\n")
    new = _schema(
        "models:\n  Author:\n    columns: {}\n  Post:\n    columns:\n"
        "      title: {type: string, length: 50, nullable: false, index: true}\n"
        "      author_id: {type: integer, foreign_key: author.id}\n"
    )
    drops = Drops(frozenset({"Post.old"}))  # the column 'old' goes with its data
    rev = revision(old, new, number=2, down_revision="abc", message="Authors write posts", drops=drops)
    assert rev.filename == "0002_authors_write_posts.py"
    assert rev.down_revision == "abc"
    up = "\n".join(rev.upgrade)
    assert up.index("op.create_table(\n    'author'") < up.index("batch_alter_table('post')")
    for statement in (
        "batch_op.drop_column('old')",
        "batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))",
        "batch_op.alter_column('title', existing_type=sa.String(50), nullable=False)",
        "batch_op.create_index(batch_op.f('ix_post_title'), ['title'], unique=False)",
        "batch_op.create_foreign_key(batch_op.f('fk_post_author_id_author'), 'author', ['author_id'], ['id'])",
    ):
        assert statement in up
    down = "\n".join(rev.downgrade)
    assert down.index("batch_alter_table('post')") < down.index("op.drop_table('author')")
    assert "batch_op.add_column(sa.Column('old', sa.Text(), nullable=True))" in down
    # The id depends on the content only.
    assert revision(old, new, number=2, down_revision="abc", message="Authors write posts", drops=drops).id == rev.id
    assert revision(new, new).upgrade == ()


# -- generated projects ----------------------------------------------------------------------

MODEL_EXAMPLES = sorted(p for p in EXAMPLES.glob("*.yaml") if read_spec(p).models)


def _migrate(gen_env: GenEnv, project: Path, env: dict[str, str]) -> None:
    for args in (["db", "upgrade"], ["db", "check"], ["db", "downgrade", "base"], ["db", "upgrade"]):
        result = gen_env.run([gen_env.python, "manage.py", *args], cwd=project, env=env)
        assert result.returncode == 0, f"db {' '.join(args)}:\n{result.stdout}{result.stderr}"


def _check_project(gen_env: GenEnv, project: Path, env: dict[str, str], test_env: dict[str, str]) -> None:
    _migrate(gen_env, project, env)
    result = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=test_env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("spec_path", MODEL_EXAMPLES, ids=lambda p: p.stem)
def test_example_with_models_runs_on_sqlite(spec_path: Path, built_example: Callable[[Path], BuiltExample], gen_env: GenEnv) -> None:
    built = built_example(spec_path)  # generated, installed, its suite run (on SQLite)
    _migrate(gen_env, built.project, {"FLASK_CONFIG": "development"})
    assert any((built.project / "instance").glob("*.db"))  # SQLite lives in the instance folder
    assert built.suite.returncode == 0, built.suite.stdout + built.suite.stderr


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("spec_path", MODEL_EXAMPLES, ids=lambda p: p.stem)
def test_example_with_models_runs_on_postgres(spec_path: Path, generate, gen_env: GenEnv, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    project = generate(spec_path)
    gen_env.install(project)
    # What production requires besides the database: a key, and for some examples a mail
    # server and a Redis (the migrations connect to neither).
    env = {
        "FLASK_CONFIG": "production", "DATABASE_URL": postgres_url, "SECRET_KEY": "x" * 32,
        "MAIL_SERVER": "127.0.0.1", "REDIS_URL": "redis://127.0.0.1:6379/0",
    }  # fmt: skip
    _check_project(gen_env, project, env, {"TEST_DATABASE_URL": postgres_url})
    result = gen_env.run([gen_env.python, "manage.py", "db", "downgrade", "base"], cwd=project, env=env)
    assert result.returncode == 0, result.stderr

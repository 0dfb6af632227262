"""Migrations regen adds when the models change: rename hints, a possible rename without
one, NOT NULL columns added to tables that hold rows, and the proof on real databases."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.core.errors import FlaskgenError
from flaskgen.core.migrate.diff import Drops, MigrationIntentError, revision, schema_of
from flaskgen.project import create_project
from flaskgen.regen import regen
from flaskgen.specfile import parse_spec
from tests.conftest import GenEnv

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"


def _schema(models: str):  # type: ignore[no-untyped-def]
    spec = parse_spec(HEADER + "models:\n" + models)
    return schema_of(spec.models, spec.association_tables)


def _rev(old: str, new: str, dropped: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    drops = Drops(frozenset(dropped))
    return revision(_schema(old), _schema(new), number=2, down_revision="abc", message="Models changed", drops=drops)


# -- rename hints --------------------------------------------------------------------------


def test_normalized_models_carry_rename_hints_into_the_schema() -> None:
    (table,) = _schema("  Person:\n    renamed_from: Contact\n    columns:\n      full_name: {type: string, renamed_from: name}\n")
    assert (table.model, table.renamed_from) == ("Person", "Contact")
    assert {c.name: c.renamed_from for c in table.columns} == {"id": None, "full_name": "name"}


def test_column_with_renamed_from_is_renamed_not_dropped() -> None:
    rev = _rev(
        "  Post:\n    columns:\n      title: {type: string, length: 50, index: true}\n",
        "  Post:\n    columns:\n      headline: {type: string, length: 50, index: true, renamed_from: title}\n",
    )
    up, down = "\n".join(rev.upgrade), "\n".join(rev.downgrade)
    assert "batch_op.alter_column('title', new_column_name='headline', existing_type=sa.String(50), existing_nullable=True)" in up
    assert "drop_column" not in up and "add_column" not in up
    # The index is named after the column: it follows the rename.
    assert up.index("drop_index(batch_op.f('ix_post_title'))") < up.index("new_column_name") < up.index("ix_post_headline")
    assert "batch_op.alter_column('headline', new_column_name='title', existing_type=sa.String(50), existing_nullable=True)" in down
    assert "drop_column" not in down and "add_column" not in down


def test_rename_with_a_type_or_nullability_change_says_both() -> None:
    rev = _rev(
        "  Post:\n    columns:\n      title: {type: string, length: 50}\n",
        "  Post:\n    columns:\n      headline: {type: string, length: 80, nullable: false, renamed_from: title}\n",
    )
    assert rev.upgrade == (
        "with op.batch_alter_table('post') as batch_op:\n"
        "    batch_op.alter_column('title', new_column_name='headline', existing_type=sa.String(50), type_=sa.String(80), nullable=False)",
    )
    assert "batch_op.alter_column('headline', new_column_name='title', existing_type=sa.String(80), type_=sa.String(50), nullable=True)" in rev.downgrade[0]


def test_a_hint_left_in_the_spec_after_its_rename_changes_nothing() -> None:
    done = "  Post:\n    columns:\n      headline: {type: string, renamed_from: title}\n"
    assert _rev(done, done).upgrade == ()
    assert _rev("  Post:\n    columns:\n      headline: {type: string}\n", done).upgrade == ()


def test_model_with_renamed_from_renames_its_table() -> None:
    old = (
        "  Contact:\n    columns:\n      email: {type: string, unique: true}\n"
        "  Note:\n    columns:\n      contact_id: {type: integer, foreign_key: contact.id}\n"
    )
    new = (
        "  Person:\n    renamed_from: Contact\n    columns:\n      email: {type: string, unique: true}\n"
        "  Note:\n    columns:\n      contact_id: {type: integer, foreign_key: person.id}\n"
    )
    rev = _rev(old, new)
    up, down = rev.upgrade, rev.downgrade
    assert up[0] == "op.rename_table('contact', 'person')"
    text = "\n".join(up)
    assert "create_table" not in text and "drop_table" not in text
    # Constraints named after the table get the new name; the foreign key of note too.
    assert "batch_op.drop_constraint(batch_op.f('uq_contact_email'), type_='unique')" in text
    assert "batch_op.create_unique_constraint(batch_op.f('uq_person_email'), ['email'])" in text
    assert "batch_op.create_foreign_key(batch_op.f('fk_note_contact_id_person'), 'person', ['contact_id'], ['id'])" in text
    assert down[-1] == "op.rename_table('person', 'contact')"
    assert "create_table" not in "\n".join(down)


def test_renamed_model_renames_its_key_in_association_tables() -> None:
    tail = "  Tag:\n    columns:\n      label: {type: string}\n"
    old = "  Post:\n    relationships:\n      tags: {model: Tag, secondary: post_tag}\n" + tail
    new = "  Article:\n    renamed_from: Post\n    relationships:\n      tags: {model: Tag, secondary: post_tag}\n" + tail
    text = "\n".join(_rev(old, new).upgrade)
    assert "op.rename_table('post', 'article')" in text
    assert "batch_op.alter_column('post_id', new_column_name='article_id'" in text


# -- a possible rename without a hint --------------------------------------------------------


def test_disappearing_and_appearing_compatible_columns_need_a_hint() -> None:
    with pytest.raises(MigrationIntentError) as caught:
        _rev(
            "  Post:\n    columns:\n      title: {type: string, length: 50}\n",
            "  Post:\n    columns:\n      headline: {type: text}\n",
        )
    err = caught.value
    assert isinstance(err, FlaskgenError) and err.exit_code == 2
    message = err.format()
    for part in ("table 'post'", "'title'", "'headline'", "renamed_from: title", "models.Post.columns.headline", "run regen again"):
        assert part in message
    # The other way forward: the old column confirmed as dropped, the new one added empty.
    assert "add 'Post.title' to the top-level 'dropped' list" in message
    rev = _rev(
        "  Post:\n    columns:\n      title: {type: string, length: 50}\n",
        "  Post:\n    columns:\n      headline: {type: text}\n",
        dropped=("Post.title",),
    )
    text = "\n".join(rev.upgrade)
    assert "batch_op.drop_column('title')" in text and "batch_op.add_column(sa.Column('headline'" in text


def test_columns_of_unrelated_types_are_dropped_and_added() -> None:
    rev = _rev(
        "  Post:\n    columns:\n      title: {type: string}\n",
        "  Post:\n    columns:\n      views: {type: integer}\n",
        dropped=("Post.title",),
    )
    text = "\n".join(rev.upgrade)
    assert "batch_op.drop_column('title')" in text and "batch_op.add_column(sa.Column('views'" in text


# -- NOT NULL columns added to a table with rows ----------------------------------------------


@pytest.mark.parametrize(
    ("column", "server_default"),
    [
        ("{type: integer, nullable: false, default: 3}", "'3'"),
        ("{type: string, length: 8, nullable: false, default: \"it's\"}", '"it\'s"'),
        ("{type: boolean, nullable: false, default: true}", "sa.true()"),
        ("{type: numeric, precision: 6, scale: 2, nullable: false, default: 1.5}", "'1.5'"),
        ("{type: date, nullable: false, default: '2024-02-29'}", "'2024-02-29'"),
        ("{type: enum, values: [a, b], nullable: false, default: b}", "'b'"),
    ],
)
def test_not_null_column_fills_existing_rows_with_its_default(column: str, server_default: str) -> None:
    rev = _rev("  Post:\n    columns: {}\n", f"  Post:\n    columns:\n      extra: {column}\n")
    add, drop_default = rev.upgrade
    assert f"nullable=False, server_default={server_default})" in add
    assert drop_default.startswith("with op.batch_alter_table('post')")  # a second batch, once rows are filled
    assert "batch_op.alter_column('extra'" in drop_default and "server_default=None" in drop_default
    assert rev.downgrade == ("with op.batch_alter_table('post') as batch_op:\n    batch_op.drop_column('extra')",)


def test_dropped_not_null_column_comes_back_filled_on_downgrade() -> None:
    rev = _rev("  Post:\n    columns:\n      rank: {type: integer, nullable: false, default: 0}\n", "  Post:\n    columns: {}\n", dropped=("Post.rank",))
    add, drop_default = rev.downgrade
    assert "batch_op.add_column(sa.Column('rank', sa.Integer(), nullable=False, server_default='0'))" in add
    assert "server_default=None" in drop_default


@pytest.mark.parametrize("column", ["{type: integer, nullable: false}", "{type: datetime, nullable: false, default: now}"])
def test_not_null_column_without_a_literal_default_needs_one(column: str) -> None:
    with pytest.raises(MigrationIntentError) as caught:
        _rev("  Post:\n    columns: {}\n", f"  Post:\n    columns:\n      extra: {column}\n")
    message = caught.value.format()
    assert "table 'post'" in message and "'extra'" in message and "NOT NULL" in message
    assert "models.Post.columns.extra" in message and "nullable: true" in message


def test_not_null_column_of_a_new_table_needs_no_default() -> None:
    rev = _rev("  Post:\n    columns: {}\n", "  Post:\n    columns: {}\n  Tag:\n    columns:\n      rank: {type: integer, nullable: false}\n")
    assert "server_default" not in "\n".join(rev.upgrade)


# -- regen stops with the error ----------------------------------------------------------------

SHOP = """\
flaskgen: 1
project: {name: Shop, package: shop}
models:
  Customer:
    columns:
      name: {type: string, length: 64, nullable: false, index: true}
      visits: {type: integer}
  Order:
    table: orders
    columns:
      customer_id: {type: integer, foreign_key: customer.id, nullable: false}
      total: {type: integer}
"""
SHOP_AMBIGUOUS = SHOP.replace("      name: {type: string, length: 64, nullable: false, index: true}\n", "      full_name: {type: string, length: 64}\n")


def test_regen_cli_stops_on_a_possible_rename_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text(SHOP, encoding="utf-8")
    project = tmp_path / "shop"
    create_project(spec, project)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    spec.write_text(SHOP_AMBIGUOUS, encoding="utf-8")
    result = CliRunner().invoke(main, ["regen", str(spec), "-o", str(project)])
    assert result.exit_code == 2, result.output
    # At the new column's key in the spec, with both ways forward.
    line = SHOP_AMBIGUOUS.split("\n").index("      full_name: {type: string, length: 64}") + 1
    assert f"{spec}:{line}:18: models.Customer.columns.full_name: table 'customer'" in result.output
    assert "renamed_from: name" in result.output and "add 'Customer.name' to the top-level 'dropped' list" in result.output
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    # The second way out the message gives: the old column confirmed as dropped.
    spec.write_text(SHOP_AMBIGUOUS + "dropped: [Customer.name]\n", encoding="utf-8")
    report = regen(project, spec)
    assert not report.conflicts
    revisions = sorted(p.name for p in (project / "migrations" / "versions").glob("*.py"))
    assert len(revisions) == 2, revisions
    text = (project / "migrations" / "versions" / revisions[1]).read_text()
    assert 'batch_op.drop_column("name")' in text and 'sa.Column("full_name"' in text


# -- proof on real databases ---------------------------------------------------------------------

SHOP_CHANGED = """\
flaskgen: 1
project: {name: Shop, package: shop}
models:
  Customer:
    columns:
      full_name: {type: string, length: 64, nullable: false, index: true, renamed_from: name}
      active: {type: boolean, nullable: false, default: true}
      tier: {type: string, length: 8, nullable: false, default: basic}
  Purchase:
    renamed_from: Order
    columns:
      customer_id: {type: integer, foreign_key: customer.id, nullable: false}
      total: {type: integer}
  Product:
    columns:
      title: {type: string, length: 80, nullable: false}
dropped: [Customer.visits]
"""
INSERT = """\
from shop import create_app
from shop.extensions import db
from shop.models import Customer, Order
app = create_app()
with app.app_context():
    db.session.add_all([Customer(id=1, name="Ada", visits=3), Customer(id=2, name="Bob")])
    db.session.flush()
    db.session.add_all([Order(id=10, customer_id=1, total=5), Order(id=11, customer_id=2)])
    db.session.commit()
"""
READ = """\
import json
from shop import create_app
from shop.extensions import db
from shop.models import Customer, Product, Purchase
app = create_app()
with app.app_context():
    customers = [[c.id, c.full_name, c.active, c.tier] for c in db.session.scalars(db.select(Customer).order_by(Customer.id))]
    purchases = [[p.id, p.customer_id, p.total] for p in db.session.scalars(db.select(Purchase).order_by(Purchase.id))]
    db.session.add(Product(title="Widget"))
    db.session.add(Customer(full_name="Cy"))
    db.session.commit()
    print(json.dumps([customers, purchases, db.session.scalar(db.select(db.func.count(Product.id)))]))
"""

READ_OLD = """\
import json
import sqlalchemy as sa
from shop import create_app
from shop.extensions import db
app = create_app()
with app.app_context():
    query = "SELECT c.id, c.name, o.id FROM customer c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.id"
    print(json.dumps([list(row) for row in db.session.execute(sa.text(query))]))
"""


def _run(gen_env: GenEnv, project: Path, env: dict[str, str], *args: str) -> str:
    result = gen_env.run([gen_env.python, *args], cwd=project, env=env)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def _prove(tmp_path: Path, gen_env: GenEnv, env: dict[str, str]) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text(SHOP, encoding="utf-8")
    project = tmp_path / "shop"
    create_project(spec, project)
    gen_env.install(project)
    _run(gen_env, project, env, "manage.py", "db", "upgrade")
    _run(gen_env, project, env, "-c", INSERT)

    spec.write_text(SHOP_CHANGED, encoding="utf-8")
    report = regen(project, spec)
    assert not report.conflicts, report.results
    (new_revision,) = [s.relpath for s in report.steps if s.relpath.startswith("migrations/versions/") and s.action == "create"]
    text = (project / new_revision).read_text()
    assert 'new_column_name="full_name"' in text and 'op.rename_table("orders", "purchase")' in text

    _run(gen_env, project, env, "manage.py", "db", "upgrade")
    _run(gen_env, project, env, "manage.py", "db", "check")
    customers, purchases, products = json.loads(_run(gen_env, project, env, "-c", READ))
    assert customers == [[1, "Ada", True, "basic"], [2, "Bob", True, "basic"]]
    assert purchases == [[10, 1, 5], [11, 2, None]]
    assert products == 1
    # And back: the old schema, with the renamed column's values under their old name.
    _run(gen_env, project, env, "manage.py", "db", "downgrade", "--", "-1")
    assert json.loads(_run(gen_env, project, env, "-c", READ_OLD)) == [[1, "Ada", 10], [2, "Bob", 11], [3, "Cy", None]]
    _run(gen_env, project, env, "manage.py", "db", "upgrade")
    _run(gen_env, project, env, "manage.py", "db", "check")


@pytest.mark.slow
def test_regen_migration_keeps_rows_on_sqlite(tmp_path: Path, gen_env: GenEnv) -> None:
    _prove(tmp_path, gen_env, {"FLASK_CONFIG": "development"})
    (db_path,) = (tmp_path / "shop" / "instance").glob("*.db")
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT id, full_name, tier FROM customer WHERE id < 3 ORDER BY id").fetchall() == [(1, "Ada", "basic"), (2, "Bob", "basic")]


@pytest.mark.slow
@pytest.mark.postgres
def test_regen_migration_keeps_rows_on_postgres(tmp_path: Path, gen_env: GenEnv, postgres_url: str) -> None:
    env = {"FLASK_CONFIG": "production", "DATABASE_URL": postgres_url, "SECRET_KEY": "x" * 32}
    result = gen_env.run([gen_env.python, "-c", RESET, postgres_url], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _prove(tmp_path, gen_env, env)
    _run(gen_env, tmp_path / "shop", env, "manage.py", "db", "downgrade", "base")


# The shared test database may hold tables of an earlier, interrupted run.
RESET = """\
import sys
import sqlalchemy as sa
engine = sa.create_engine(sys.argv[1].replace("postgresql://", "postgresql+psycopg://", 1))
with engine.begin() as connection:
    for table in ("alembic_version", "orders", "purchase", "product", "customer"):
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
"""

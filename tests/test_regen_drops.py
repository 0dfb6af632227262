"""A migration never drops a table or column holding data unless the spec says so
(``dropped``): a column or model removed from the spec, or ``auth`` removed, stops regen
at the spec's key with two ways forward, and nothing is written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.core.errors import SpecError
from flaskgen.core.migrate.diff import Drops, MigrationIntentError, operations, schema_of
from flaskgen.specfile import parse_spec
from tests.genenv import GenEnv
from tests.regen_support import Project, tree

SPEC = """\
flaskgen: 1
project: {name: Till, package: till}
config:
  base: {SECRET_KEY: not-secret}
models:
  Customer:
    columns:
      name: {type: string, length: 64, nullable: false, unique: true}
      visits: {type: integer}
  Coupon:
    columns:
      code: {type: string, length: 16, nullable: false}
"""
VISITS = "      visits: {type: integer}\n"
COUPON = "  Coupon:\n    columns:\n      code: {type: string, length: 16, nullable: false}\n"
AUTH = "auth: {model: Customer, identity: name}\n"
ENV = {"FLASK_CONFIG": "development"}
ROWS = """\
from till import create_app
from till.extensions import db
from till.models import Customer
with create_app().app_context():
    db.session.add(Customer(name="Ada", visits=3))
    db.session.commit()
"""


def _cli(project: Project) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["regen", str(project.spec), "-o", str(project.root)])
    return result.exit_code, result.output


def _stops(project: Project) -> str:
    """regen refuses with exit 2, writing nothing; its message."""
    before = tree(project.root)
    state = project.path(".flaskgen/state.json").read_bytes()
    code, output = _cli(project)
    assert code == 2, output
    assert tree(project.root) == before and project.path(".flaskgen/state.json").read_bytes() == state
    return output


def _position(spec: str, line_text: str, col: int) -> str:
    return f"{spec.split(chr(10)).index(line_text) + 1}:{col}"


def _manage(gen_env: GenEnv, project: Project, *args: str) -> None:
    result = gen_env.run([gen_env.python, "manage.py", *args], cwd=project.root, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_column_removed_from_the_spec_stops_regen_until_dropped_or_restored(tmp_path: Path) -> None:
    project = Project.create(tmp_path, SPEC)
    project.respec(VISITS, "")
    output = _stops(project)
    spec = project.spec.read_text()
    where = _position(spec, "    columns:", 5)  # Customer's columns, where 'visits' was
    assert f"{project.spec}:{where}: models.Customer.columns: column 'visits' of table 'customer' is no longer in the spec" in output
    assert "add 'Customer.visits' to the top-level 'dropped' list" in output
    assert "put models.Customer.columns.visits back" in output

    # Restored: nothing to migrate.
    name = "      name: {type: string, length: 64, nullable: false, unique: true}\n"
    project.respec(name, name + VISITS)
    assert not project.regen().changes

    # Confirmed: the revision drops it (and a downgrade brings the column back).
    project.respec(VISITS, "")
    project.spec.write_text(project.spec.read_text() + "dropped: [Customer.visits]\n")
    report = project.regen()
    (revision,) = [s.relpath for s in report.steps if s.relpath.startswith("migrations/versions/0002")]
    text = project.read(revision)
    assert 'batch_op.drop_column("visits")' in text and 'sa.Column("visits", sa.Integer(), nullable=True)' in text


def test_a_model_removed_from_the_spec_stops_regen_until_dropped(tmp_path: Path) -> None:
    project = Project.create(tmp_path, SPEC)
    project.respec(COUPON, "")
    output = _stops(project)
    assert f"{project.spec}:{_position(project.spec.read_text(), 'models:', 1)}: models: model 'Coupon' is no longer in the spec" in output
    assert "drop the table 'coupon' with the data it holds" in output and "add 'Coupon' to the top-level 'dropped' list" in output
    assert "renamed_from" not in output  # no new model that could be its new name

    # A new model at the same time may be the old one renamed: the message says how.
    project.respec("models:\n", "models:\n  Voucher:\n    columns:\n      code: {type: string, length: 16, nullable: false}\n")
    assert "give the new model 'renamed_from: Coupon'" in _stops(project)

    project.spec.write_text(project.spec.read_text() + "dropped: [Coupon]\n")
    report = project.regen()
    assert not report.conflicts
    (revision,) = [s.relpath for s in report.steps if s.relpath.startswith("migrations/versions/0002")]
    assert 'op.drop_table("coupon")' in project.read(revision)


def test_removing_auth_does_not_drop_the_password_hashes_without_a_word(tmp_path: Path) -> None:
    project = Project.create(tmp_path, SPEC + AUTH)
    project.respec(AUTH, "")
    output = _stops(project)
    for column in ("password_hash", "session_token"):
        assert f"column '{column}' of table 'customer' is no longer in the spec" in output
        assert f"add 'Customer.{column}' to the top-level 'dropped' list; to keep it, put 'auth' back" in output
    project.spec.write_text(project.spec.read_text() + "dropped: [Customer.password_hash, Customer.session_token]\n")
    assert not project.regen().conflicts


def test_a_dropped_entry_that_names_something_still_in_the_spec_is_an_error() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(SPEC + "dropped: [Coupon, Customer.visits, Customer.gone, Gone]\n")
    assert [(p.path, p.message.split(",")[0]) for p in caught.value.problems] == [
        ("dropped[0]", "'Coupon' is still in the spec"),
        ("dropped[1]", "'Customer.visits' is still in the spec"),
    ]
    # auth's own columns count as in the spec while auth is.
    with pytest.raises(SpecError, match="'Customer.password_hash' is still in the spec"):
        parse_spec(SPEC + AUTH + "dropped: [Customer.password_hash]\n")


def _schema(models: str):  # type: ignore[no-untyped-def]
    spec = parse_spec("flaskgen: 1\nproject: {name: X, package: xapp}\nmodels:\n" + models)
    return schema_of(spec.models, spec.association_tables)


TAGGED = (
    "  Post:\n    relationships:\n      tags: {model: Tag, secondary: post_tag}\n"
    "  Tag:\n    columns:\n      label: {type: string}\n"
)


def test_an_association_table_goes_with_a_model_it_links_or_needs_its_own_entry() -> None:
    old = _schema(TAGGED)
    only_post = _schema("  Post:\n    columns: {}\n")
    with pytest.raises(MigrationIntentError) as caught:
        operations(old, only_post, Drops(frozenset()))
    paths = [p.path for p in caught.value.problems]
    messages = " ".join(p.message for p in caught.value.problems)
    assert paths == [("models",), ("models",)]
    assert "the association table 'post_tag'" in messages and "model 'Tag'" in messages
    up, _ = operations(old, only_post, Drops(frozenset({"Tag"})))  # post_tag goes with Tag
    assert up == ["op.drop_table('post_tag')", "op.drop_table('tag')"]
    # The relationship removed, both models kept: the links need their own entry.
    untagged = _schema("  Post:\n    columns: {}\n  Tag:\n    columns:\n      label: {type: string}\n")
    with pytest.raises(MigrationIntentError, match="add 'post_tag' to the top-level 'dropped' list"):
        operations(old, untagged, Drops(frozenset()))
    assert operations(old, untagged, Drops(frozenset({"post_tag"})))[0] == ["op.drop_table('post_tag')"]


def test_drops_match_a_model_or_its_table_name() -> None:
    (table,) = _schema("  Order:\n    table: orders\n    columns:\n      total: {type: integer}\n")
    for entries, whole, column in (({"Order"}, True, False), ({"orders"}, True, False), ({"Order.total"}, False, True), ({"orders.total"}, False, True), ({"Total"}, False, False)):
        drops = Drops(frozenset(entries))
        assert (drops.table(table), drops.column(table, "total")) == (whole, column)


@pytest.mark.slow
def test_a_confirmed_drop_migrates_a_database_that_holds_rows(tmp_path: Path, gen_env: GenEnv) -> None:
    project = Project.create(tmp_path, SPEC)
    _manage(gen_env, project, "db", "upgrade")
    result = gen_env.run([gen_env.python, "-c", ROWS], cwd=project.root, env=ENV)
    assert result.returncode == 0, result.stderr
    project.respec(VISITS, "")
    project.respec(COUPON, "")
    _stops(project)
    project.spec.write_text(project.spec.read_text() + "dropped: [Coupon, Customer.visits]\n")
    assert not project.regen().conflicts
    _manage(gen_env, project, "db", "upgrade")
    _manage(gen_env, project, "db", "check")
    (db_path,) = project.path("instance").glob("*.db")
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT name FROM customer").fetchall() == [("Ada",)]
        assert [r[1] for r in db.execute("PRAGMA table_info(customer)")] == ["id", "name"]
        assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'coupon'").fetchall()

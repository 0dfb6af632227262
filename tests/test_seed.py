"""Factories and ``python manage.py seed``: a spec's columns of every type and
constraint get rows that satisfy them, seed runs again without failing on taken unique
values, keeps to development and testing, and a spec command cannot take its name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml

from flaskgen.core.errors import SpecError
from flaskgen.specfile import parse_spec
from tests.conftest import GenEnv, render_text
from tests.servers import manage

FIXTURE = Path(__file__).with_name("data") / "seeding.yaml"
HEADER = """\
flaskgen: 1
project: {name: Shop, package: shop}
models:
  Item:
    columns:
      name: {type: string, length: 40, nullable: false}
"""


def test_a_spec_command_cannot_take_the_seed_name() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + "commands:\n  seed: {help: mine}\n")
    assert [p.format() for p in caught.value.problems] == [
        "spec.yaml:8:3: commands.seed: models: generates the seed command (made-up rows for every table); remove this one or rename it"
    ]


def test_without_models_a_seed_command_is_the_spec_s_own() -> None:
    files = render_text("flaskgen: 1\nproject: {name: Shop, package: shop}\ncommands:\n  seed: {help: mine}\n")
    assert "shop/seed.py" not in files and "shop/factories.py" not in files
    assert "def seed_command(" in files["shop/commands.py"]


@pytest.fixture(scope="module")
def seeding(tmp_path_factory: pytest.TempPathFactory, gen_env: GenEnv) -> Path:
    from flaskgen.project import create_project

    root = tmp_path_factory.mktemp("seed") / "seeding"
    create_project(FIXTURE, root)
    gen_env.install(root)
    return root


def _counts(database: Path, tables: list[str]) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.slow
def test_seed_fills_every_table_twice_and_the_suite_passes(seeding: Path, gen_env: GenEnv, tmp_path: Path) -> None:
    database = tmp_path / "seeding.db"  # development's database, in the instance folder
    env = {"FLASK_CONFIG": "development", "INSTANCE_PATH": str(tmp_path)}
    spec = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    manage(gen_env, seeding, env, "db", "upgrade")
    tables = ["member", "kind", "gadget", "part", "gadget_part"]
    first = manage(gen_env, seeding, env, "seed", "--count", "25").stdout
    once = _counts(database, tables)
    assert all(once[t] >= 25 for t in tables[:-1]) and once["gadget_part"] > 0, once
    manage(gen_env, seeding, env, "seed", "--count", "25")
    twice = _counts(database, tables)
    assert all(twice[t] >= 2 * once[t] for t in tables[:-1]) and twice["gadget_part"] > once["gadget_part"], twice
    assert _counts(database, ["role", "api_token"]) == {"role": 0, "api_token": 0}  # set-role's and create-token's
    assert "create-user EMAIL" in first and set(spec["models"]) <= {line.split(":")[0] for line in first.splitlines()}
    refused = manage(gen_env, seeding, {**env, "FLASK_CONFIG": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": f"sqlite:///{database}"}, "seed", check=False)
    assert refused.returncode != 0 and "seed refuses the production profile" in refused.stderr
    suite = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=seeding)
    assert suite.returncode == 0, suite.stdout[-3000:]

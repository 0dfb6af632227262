"""``python manage.py seed``: made-up rows to look at, from the factories.

It adds ``--count`` rows to each model's table (``--model`` picks which), each new row
pointing at rows already saved in the tables it needs (or may point at) and linked to a few rows of its
many-to-many relationships. Run it again for more: where a unique value is
taken, the row takes the next one, so it never fails on existing data; a table whose
unique columns have no free value left (a unique enum of three values holds three rows)
gets what still fits. It refuses every
profile but development and testing: made-up rows have no place in a deployed database.
Accounts it makes have no password; ``create-user`` makes one you can log in with.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Author, Book, Staff, Tag
from .security import LOCAL_PROFILES

ATTEMPTS = 100  # tries for a row whose unique values are taken, before giving up
LINKS_PER_ROW = 3  # many-to-many rows each new row is linked to, at most
CHOICES = 1000  # saved rows a new row picks what it points at from


@dataclass(frozen=True)
class Seeding:
    """How seed fills one model's table."""

    model: type[Any]
    # attribute -> (the class it points at, the column it takes; "" for the row itself):
    # the rows it needs, and those it may point at
    parents: dict[str, tuple[type[Any], str]] = field(default_factory=dict)
    # many-to-many attribute -> the class on the other side
    links: dict[str, type[Any]] = field(default_factory=dict)


# The models in the order seed fills them: the rows a row needs come first.
SEEDINGS = {
    "Staff": Seeding(Staff),
    "Author": Seeding(Author),
    "Book": Seeding(Book, parents={"author": (Author, "")}),
    "Tag": Seeding(Tag, links={"books": Book}),
}


@click.command("seed")
@click.option(
    "--count",
    default=10,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="How many rows to add to each table.",
)
@click.option(
    "--model",
    "models",
    multiple=True,
    type=click.Choice(list(SEEDINGS)),
    help="Fill only this model's table (repeat for more); default: every one.",
)
@with_appcontext
def seed_command(count: int, models: tuple[str, ...]) -> None:
    """Fill the tables with made-up rows (development and testing only)."""
    profile = current_app.extensions["seed.profile"]
    if profile not in LOCAL_PROFILES:
        raise click.ClickException(
            f"seed refuses the {profile} profile: it is for development and testing"
        )
    try:
        from . import factories
    except ImportError as missing:
        raise click.ClickException(
            f"seed needs the dev extra ({missing.name} is not installed): "
            "pip install -e '.[dev]'"
        ) from None
    for made in factories.FACTORIES:  # go on from the rows there are
        made.reset_sequence(_count(made._meta.model))
    rng = random.Random()
    added = {
        name: _fill(getattr(factories, f"{name}Factory"), seeding, count, rng)
        for name, seeding in SEEDINGS.items()
        if not models or name in models
    }
    for name, rows in added.items():
        _link(rows, SEEDINGS[name], rng)
    db.session.commit()
    for name, rows in added.items():
        total = _count(SEEDINGS[name].model)
        full = (
            "; its unique columns have no free value left" if len(rows) < count else ""
        )
        click.echo(f"{name}: added {len(rows)} rows ({total} in all){full}")
    click.echo(
        "To log in, make an account with a password: python manage.py create-user EMAIL"
    )


def _count(model: type[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _fill(factory: Any, seeding: Seeding, count: int, rng: random.Random) -> list[Any]:
    """``count`` new rows of ``factory``'s model, pointing at saved rows (where there
    are none, the factory makes them)."""
    choices = {
        attribute: db.session.scalars(select(parent).limit(CHOICES)).all()
        for attribute, (parent, _) in seeding.parents.items()
    }
    rows = []
    for _ in range(count):
        values = {}
        for attribute, (_, key) in seeding.parents.items():
            if choices[attribute]:
                row = rng.choice(choices[attribute])
                values[attribute] = getattr(row, key) if key else row
        saved = _saved(factory, values)
        if saved is None:  # no free unique value left
            break
        rows.append(saved)
    return rows


def _saved(factory: Any, values: dict[str, Any]) -> Any:
    """A new row of ``factory`` with ``values``, flushed in a savepoint: where a unique
    value is taken, the savepoint is rolled back and the next values are tried (None
    when none of them is free)."""
    for _ in range(ATTEMPTS):
        try:
            with db.session.begin_nested():
                return factory(**values)
        except IntegrityError:
            continue
    return None


def _link(rows: list[Any], seeding: Seeding, rng: random.Random) -> None:
    """Link each of ``rows`` to a few rows of each many-to-many relationship."""
    for attribute, other in seeding.links.items():
        targets = db.session.scalars(select(other).limit(CHOICES)).all()
        for row in rows:
            size = min(len(targets), rng.randint(1, LINKS_PER_ROW))
            getattr(row, attribute).extend(rng.sample(list(targets), size))


def register_seed(app: Flask, profile: str) -> None:
    """Add ``seed`` to ``app.cli``; it runs only where ``profile`` is a local one."""
    app.extensions["seed.profile"] = profile
    app.cli.add_command(seed_command)

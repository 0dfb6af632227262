"""Factories for the models (factory_boy, with Faker's data): tests and
``python manage.py seed`` make rows with them.

``AccountFactory()`` saves a row (flushed, so its key is known) with the rows it needs;
``AccountFactory.build()`` makes one without saving it. Keyword arguments set columns
and relationships. A unique column gets a value per row from a sequence; the others get
Faker's data, picked by the column's name or type and cut to its length.
"""

from __future__ import annotations

from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory

from .extensions import db
from .models import Account


class Fake(factory.Faker):
    """Faker's ``provider``, cut to ``length`` characters (the column's size);
    ``numbered``: ending in the row's number, so that each row's value is its own."""

    def __init__(
        self,
        provider: str,
        length: int | None = None,
        numbered: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(provider, **kwargs)
        self.length, self.numbered = length, numbered

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        value = super().evaluate(instance, step, extra)
        if not self.numbered:
            return value[: self.length] if self.length else value
        number = f" {step.sequence}"
        text = str(value).rstrip(".")  # a sentence's full stop
        return text[: self.length - len(number) if self.length else None] + number


class ModelFactory(SQLAlchemyModelFactory):
    """Saves into the app's database session: flushed, committed by the caller."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class AccountFactory(ModelFactory):
    class Meta:
        model = Account

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = Fake("name", 60, numbered=True)


# Every factory, parents before children.
FACTORIES: tuple[type[ModelFactory], ...] = (AccountFactory,)

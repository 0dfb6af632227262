"""Factories for the models (factory_boy, with Faker's data): tests and
``python manage.py seed`` make rows with them.

``TagFactory()`` saves a row (flushed, so its key is known) with the rows it needs;
``TagFactory.build()`` makes one without saving it. Keyword arguments set columns
and relationships. A unique column gets a value per row from a sequence; the others get
Faker's data, picked by the column's name or type and cut to its length.
"""

from __future__ import annotations

from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory

from .extensions import db
from .models import Department, Tag, User


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


class DepartmentFactory(ModelFactory):
    class Meta:
        model = Department

    title = Fake("sentence", 64, nb_words=4, numbered=True)


class UserFactory(ModelFactory):
    class Meta:
        model = User

    name = Fake("name", 32, numbered=True)
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    bio = Fake("paragraph")
    active = Fake("pybool")
    joined = Fake("date_object")
    tags = factory.LazyFunction(list)


class TagFactory(ModelFactory):
    class Meta:
        model = Tag

    label = factory.Sequence(lambda n: f"label{n}")
    users = factory.LazyFunction(list)


# Every factory, parents before children.
FACTORIES: tuple[type[ModelFactory], ...] = (
    DepartmentFactory,
    UserFactory,
    TagFactory,
)

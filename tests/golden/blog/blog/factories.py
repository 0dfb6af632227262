"""Factories for the models (factory_boy, with Faker's data): tests and
``python manage.py seed`` make rows with them.

``TagFactory()`` saves a row (flushed, so its key is known) with the rows it needs;
``TagFactory.build()`` makes one without saving it. Keyword arguments set columns
and relationships. A unique column gets a value per row from a sequence; the others get
Faker's data, picked by the column's name or type and cut to its length.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory

from .extensions import db
from .models import Author, Post, Tag


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


class AuthorFactory(ModelFactory):
    class Meta:
        model = Author

    name = Fake("name", 80, numbered=True)
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    bio = Fake("paragraph")
    karma = Fake("random_int", min=0, max=10000)


class PostFactory(ModelFactory):
    class Meta:
        model = Post

    title = Fake("sentence", 200, nb_words=4, numbered=True)
    body = Fake("paragraph")
    status = factory.Iterator(["draft", "published", "archived"])
    rating = Fake("pyfloat", min_value=0, max_value=1000, right_digits=2)
    price = Fake("pydecimal", left_digits=4, right_digits=2, positive=True)
    extra = Fake("pydict", nb_elements=3, value_types=[str, int])
    cover = Fake("binary", length=16)
    published_at = Fake("date_time", tzinfo=datetime.UTC)
    reading_time = Fake("time_object")
    author = factory.SubFactory(AuthorFactory)
    tags = factory.LazyFunction(list)


class TagFactory(ModelFactory):
    class Meta:
        model = Tag

    label = factory.Sequence(lambda n: f"label{n}")
    posts = factory.LazyFunction(list)


# Every factory, parents before children.
FACTORIES: tuple[type[ModelFactory], ...] = (
    AuthorFactory,
    PostFactory,
    TagFactory,
)

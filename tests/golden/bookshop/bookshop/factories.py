"""Factories for the models (factory_boy, with Faker's data): tests and
``python manage.py seed`` make rows with them.

``ApiTokenFactory()`` saves a row (flushed, so its key is known) with the rows it needs;
``ApiTokenFactory.build()`` makes one without saving it. Keyword arguments set columns
and relationships. A unique column gets a value per row from a sequence; the others get
Faker's data, picked by the column's name or type and cut to its length.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory

from .extensions import db
from .models import ApiToken, Author, Book, Role, Staff, Tag


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


class StaffFactory(ModelFactory):
    class Meta:
        model = Staff

    name = Fake("name", 80, numbered=True)
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    roles = factory.LazyFunction(list)


class AuthorFactory(ModelFactory):
    class Meta:
        model = Author

    name = Fake("name", 80, numbered=True)
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    bio = Fake("paragraph")
    born = Fake("date_object")


class BookFactory(ModelFactory):
    class Meta:
        model = Book

    title = Fake("sentence", 200, nb_words=4, numbered=True)
    isbn = factory.Sequence(lambda n: f"isbn{n}")
    format = factory.Iterator(["hardcover", "paperback", "ebook"])
    pages = Fake("random_int", min=0, max=10000)
    price = Fake("pydecimal", left_digits=4, right_digits=2, positive=True)
    in_stock = Fake("pybool")
    published_at = Fake("date_time", tzinfo=datetime.UTC)
    author = factory.SubFactory(AuthorFactory)
    tags = factory.LazyFunction(list)


class TagFactory(ModelFactory):
    class Meta:
        model = Tag

    name = Fake("name", 30, numbered=True)
    books = factory.LazyFunction(list)


class RoleFactory(ModelFactory):
    class Meta:
        model = Role

    name = Fake("name", 80, numbered=True)
    users = factory.LazyFunction(list)


class ApiTokenFactory(ModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(StaffFactory)
    name = Fake("name", 80, numbered=True)
    token_hash = factory.Sequence(lambda n: f"token_hash{n}")
    last_used_at = Fake("date_time", tzinfo=datetime.UTC)


# Every factory, parents before children.
FACTORIES: tuple[type[ModelFactory], ...] = (
    StaffFactory,
    AuthorFactory,
    BookFactory,
    TagFactory,
    RoleFactory,
    ApiTokenFactory,
)

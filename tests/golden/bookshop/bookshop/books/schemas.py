"""The JSON shape of a Book: every column by name, many-to-many relationships as id
lists. Fields a client sets are the form's; the others are read-only."""

from __future__ import annotations

from marshmallow import fields
from marshmallow.validate import Length, OneOf
from marshmallow_sqlalchemy import auto_field

from ..crud import (
    ID_LIST,
    INT32,
    TEXT,
    JsonDecimal,
    ResourceSchema,
    StrictBoolean,
    UtcDateTime,
    numeric,
)
from ..models import Book


class BookSchema(ResourceSchema):
    """A Book as the API reads and writes it."""

    class Meta:
        model = Book

    id = auto_field(dump_only=True)
    title = auto_field(required=True, validate=[Length(max=200), *TEXT])
    isbn = auto_field(required=True, validate=[Length(max=13), *TEXT])
    format = fields.String(validate=OneOf(["hardcover", "paperback", "ebook"]))
    pages = auto_field(strict=True, validate=[INT32])
    price = JsonDecimal(allow_none=True, places=2, **numeric(8, 2))
    in_stock = StrictBoolean()
    published_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime(dump_only=True)
    author_id = auto_field(required=True, strict=True, validate=[INT32])
    tags = fields.Method("dump_tags", deserialize="load_ids", metadata=ID_LIST)

    def dump_tags(self, book: Book) -> list[int]:
        return [row.id for row in book.tags]


class BookPatchSchema(BookSchema):
    """The body of PATCH: any subset of the writable fields."""

"""The JSON shape of a Book: every column by name, many-to-many relationships as id
lists. Fields a client sets are the form's; the others are read-only."""

from __future__ import annotations

from marshmallow import fields
from marshmallow.validate import OneOf
from marshmallow_sqlalchemy import auto_field

from ..crud import ID_LIST, INT32, ResourceSchema
from ..models import Book


class BookSchema(ResourceSchema):
    """A Book as the API reads and writes it."""

    class Meta:
        model = Book

    id = auto_field(dump_only=True)
    title = auto_field(required=True)
    isbn = auto_field(required=True)
    format = fields.String(validate=OneOf(["hardcover", "paperback", "ebook"]))
    pages = auto_field(validate=[INT32])
    price = auto_field()
    in_stock = auto_field()
    published_at = auto_field()
    created_at = auto_field(dump_only=True)
    author_id = auto_field(required=True, validate=[INT32])
    tags = fields.Method("dump_tags", deserialize="load_ids", metadata=ID_LIST)

    def dump_tags(self, book: Book) -> list[int]:
        return [row.id for row in book.tags]


class BookPatchSchema(BookSchema):
    """The body of PATCH: any subset of the writable fields."""

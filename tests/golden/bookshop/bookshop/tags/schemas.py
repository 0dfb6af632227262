"""The JSON shape of a Tag: every column by name, many-to-many relationships as id
lists. Fields a client sets are the form's; the others are read-only."""

from __future__ import annotations

from marshmallow import fields
from marshmallow.validate import Length
from marshmallow_sqlalchemy import auto_field

from ..crud import ID_LIST, TEXT, ResourceSchema
from ..models import Tag


class TagSchema(ResourceSchema):
    """A Tag as the API reads and writes it."""

    class Meta:
        model = Tag

    id = auto_field(dump_only=True)
    name = auto_field(required=True, validate=[Length(max=30), *TEXT])
    books = fields.Method("dump_books", deserialize="load_ids", metadata=ID_LIST)

    def dump_books(self, tag: Tag) -> list[int]:
        return [row.id for row in tag.books]


class TagPatchSchema(TagSchema):
    """The body of PATCH: any subset of the writable fields."""

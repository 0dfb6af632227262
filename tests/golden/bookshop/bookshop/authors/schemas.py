"""The JSON shape of a Author: every column by name. Fields a client sets are the form's; the others are read-only."""

from __future__ import annotations

from marshmallow_sqlalchemy import auto_field

from ..crud import ResourceSchema
from ..models import Author


class AuthorSchema(ResourceSchema):
    """A Author as the API reads and writes it."""

    class Meta:
        model = Author

    id = auto_field(dump_only=True)
    name = auto_field(required=True)
    email = auto_field(required=True)
    bio = auto_field()
    born = auto_field()


class AuthorPatchSchema(AuthorSchema):
    """The body of PATCH: any subset of the writable fields."""

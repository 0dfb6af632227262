"""The JSON shape of a Author: every column by name. Fields a client sets are the form's; the others are read-only."""

from __future__ import annotations

from marshmallow.validate import Length
from marshmallow_sqlalchemy import auto_field

from ..crud import TEXT, ResourceSchema
from ..models import Author


class AuthorSchema(ResourceSchema):
    """A Author as the API reads and writes it."""

    class Meta:
        model = Author

    id = auto_field(dump_only=True)
    name = auto_field(required=True, validate=[Length(max=80), *TEXT])
    email = auto_field(required=True, validate=[Length(max=120), *TEXT])
    bio = auto_field(validate=[*TEXT])
    born = auto_field()


class AuthorPatchSchema(AuthorSchema):
    """The body of PATCH: any subset of the writable fields."""

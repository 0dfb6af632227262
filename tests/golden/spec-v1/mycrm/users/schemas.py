"""The JSON shape of a User: every column by name, many-to-many relationships as id
lists. Fields a client sets are the form's; the others are read-only."""

from __future__ import annotations

from marshmallow import fields
from marshmallow.validate import Length
from marshmallow_sqlalchemy import auto_field

from ..crud import ID_LIST, INT32, TEXT, ResourceSchema, StrictBoolean, UtcDateTime
from ..models import User


class UserSchema(ResourceSchema):
    """A User as the API reads and writes it."""

    class Meta:
        model = User

    id = auto_field(dump_only=True)
    name = auto_field(required=True, validate=[Length(max=32), *TEXT])
    email = auto_field(required=True, validate=[Length(max=120), *TEXT])
    bio = auto_field(validate=[*TEXT])
    active = StrictBoolean(allow_none=True)
    joined = auto_field(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    depart_id = auto_field(strict=True, validate=[INT32])
    tags = fields.Method("dump_tags", deserialize="load_ids", metadata=ID_LIST)

    def dump_tags(self, user: User) -> list[int]:
        return [row.id for row in user.tags]


class UserPatchSchema(UserSchema):
    """The body of PATCH: any subset of the writable fields."""

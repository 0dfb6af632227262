"""The JSON shape of a Department: every column by name. Fields a client sets are the form's; the others are read-only."""

from __future__ import annotations

from marshmallow.validate import Length
from marshmallow_sqlalchemy import auto_field

from ..crud import TEXT, ResourceSchema
from ..models import Department


class DepartmentSchema(ResourceSchema):
    """A Department as the API reads and writes it."""

    class Meta:
        model = Department

    id = auto_field(dump_only=True)
    title = auto_field(required=True, validate=[Length(max=64), *TEXT])


class DepartmentPatchSchema(DepartmentSchema):
    """The body of PATCH: any subset of the writable fields."""

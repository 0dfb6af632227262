"""The form that creates and edits User rows (fields and validators follow the
model's columns; edit freely)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    Field,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..crud import (
    Picker,
    blank_to_none,
    optional_int,
    picker_choices,
    rows_by_id,
    storable_text,
)
from ..extensions import db
from ..models import Department, Tag, User

PICKERS: dict[
    str, Picker
] = {  # select field -> (label column, key column, empty choice, read rules)
    "depart_id": (Department.title, Department.id, "—", (("user",),)),
    "tags_ids": (Tag.label, Tag.id, "", ()),
}


class UserForm(FlaskForm):
    """Create or edit a User; the view fills the pickers' choices."""

    edited_key: int | None = (
        None  # the row being edited: its own values are no collision
    )

    name = StringField(
        "Name", validators=[InputRequired(), Length(max=32), storable_text]
    )
    email = StringField(
        "Email", validators=[InputRequired(), Length(max=120), storable_text]
    )
    bio = TextAreaField(
        "Bio", validators=[Optional(), storable_text], filters=[blank_to_none]
    )
    active = BooleanField("Active", default=True)
    depart_id = SelectField("Department", coerce=optional_int, validators=[Optional()])
    tags_ids = SelectMultipleField("Tags", coerce=int)

    def validate_email(self, field: Field) -> None:
        """Email is unique."""
        taken = db.session.scalar(select(User.id).where(User.email == field.data))
        if taken is not None and taken != self.edited_key:
            raise ValidationError("This value is already taken.")

    def load_choices(self) -> None:
        """Fill the selects of related rows (at most PICKER_LIMIT rows each, plus the
        selected ones); ``searchable`` names the selects that have more rows."""
        self.searchable: set[str] = set()
        for name, picker in PICKERS.items():
            field: SelectField = getattr(self, name)
            field.choices, more = picker_choices(picker, field.data)
            if more:
                self.searchable.add(name)

    def populate(self, user: User) -> None:
        """Copy the submitted values onto ``user``."""
        if self.name.data is not None:
            user.name = self.name.data
        if self.email.data is not None:
            user.email = self.email.data
        user.bio = self.bio.data
        user.active = self.active.data
        user.depart_id = self.depart_id.data
        user.tags = rows_by_id(Tag, self.tags_ids.data)

    @classmethod
    def for_row(cls, user: User) -> UserForm:
        """The form filled with ``user``'s values."""
        form = cls(
            obj=user,
            tags_ids=[row.id for row in user.tags],
        )
        form.edited_key = user.id
        return form

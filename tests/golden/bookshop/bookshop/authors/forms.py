"""The form that creates and edits Author rows (fields and validators follow the
model's columns; edit freely)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, Field, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..crud import blank_to_none, storable_text
from ..extensions import db
from ..models import Author


class AuthorForm(FlaskForm):
    """Create or edit a Author; the view fills the pickers' choices."""

    edited_key: int | None = (
        None  # the row being edited: its own values are no collision
    )

    name = StringField(
        "Name", validators=[InputRequired(), Length(max=80), storable_text]
    )
    email = StringField(
        "Email", validators=[InputRequired(), Length(max=120), storable_text]
    )
    bio = TextAreaField(
        "Bio", validators=[Optional(), storable_text], filters=[blank_to_none]
    )
    born = DateField("Born", validators=[Optional()])

    def validate_email(self, field: Field) -> None:
        """Email is unique."""
        taken = db.session.scalar(select(Author.id).where(Author.email == field.data))
        if taken is not None and taken != self.edited_key:
            raise ValidationError("This value is already taken.")

    def load_choices(self) -> None:
        """Fill the selects of related rows (at most PICKER_LIMIT rows each, plus the
        selected ones); ``searchable`` names the selects that have more rows."""
        self.searchable: set[str] = set()

    def populate(self, author: Author) -> None:
        """Copy the submitted values onto ``author``."""
        if self.name.data is not None:
            author.name = self.name.data
        if self.email.data is not None:
            author.email = self.email.data
        author.bio = self.bio.data
        author.born = self.born.data

    @classmethod
    def for_row(cls, author: Author) -> AuthorForm:
        """The form filled with ``author``'s values."""
        form = cls(obj=author)
        form.edited_key = author.id
        return form

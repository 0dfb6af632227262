"""The form that creates and edits Tag rows (fields and validators follow the
model's columns; edit freely)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import Field, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..crud import Picker, picker_choices, rows_by_id, storable_text
from ..extensions import db
from ..models import Book, Tag

PICKERS: dict[
    str, Picker
] = {  # select field -> (label column, key column, empty choice, read rules)
    "books_ids": (Book.title, Book.id, "", (("anyone",),)),
}


class TagForm(FlaskForm):
    """Create or edit a Tag; the view fills the pickers' choices."""

    edited_key: int | None = (
        None  # the row being edited: its own values are no collision
    )

    name = StringField(
        "Name", validators=[InputRequired(), Length(max=30), storable_text]
    )
    books_ids = SelectMultipleField("Books", coerce=int)

    def validate_name(self, field: Field) -> None:
        """Name is unique."""
        taken = db.session.scalar(select(Tag.id).where(Tag.name == field.data))
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

    def populate(self, tag: Tag) -> None:
        """Copy the submitted values onto ``tag``."""
        if self.name.data is not None:
            tag.name = self.name.data
        tag.books = rows_by_id(Book, self.books_ids.data)

    @classmethod
    def for_row(cls, tag: Tag) -> TagForm:
        """The form filled with ``tag``'s values."""
        form = cls(
            obj=tag,
            books_ids=[row.id for row in tag.books],
        )
        form.edited_key = tag.id
        return form

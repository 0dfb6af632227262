"""The form that creates and edits Department rows (fields and validators follow the
model's columns; edit freely)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import Field, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..crud import storable_text
from ..extensions import db
from ..models import Department


class DepartmentForm(FlaskForm):
    """Create or edit a Department; the view fills the pickers' choices."""

    edited_key: int | None = (
        None  # the row being edited: its own values are no collision
    )

    title = StringField(
        "Title", validators=[InputRequired(), Length(max=64), storable_text]
    )

    def validate_title(self, field: Field) -> None:
        """Title is unique."""
        taken = db.session.scalar(
            select(Department.id).where(Department.title == field.data)
        )
        if taken is not None and taken != self.edited_key:
            raise ValidationError("This value is already taken.")

    def load_choices(self) -> None:
        """Fill the selects of related rows (at most PICKER_LIMIT rows each, plus the
        selected ones); ``searchable`` names the selects that have more rows."""
        self.searchable: set[str] = set()

    def populate(self, department: Department) -> None:
        """Copy the submitted values onto ``department``."""
        if self.title.data is not None:
            department.title = self.title.data

    @classmethod
    def for_row(cls, department: Department) -> DepartmentForm:
        """The form filled with ``department``'s values."""
        form = cls(obj=department)
        form.edited_key = department.id
        return form

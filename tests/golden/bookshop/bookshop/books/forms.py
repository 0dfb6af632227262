"""The form that creates and edits Book rows (fields and validators follow the
model's columns; edit freely)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)

# SelectChoice is new in WTForms 3.3, which the types-WTForms stubs do not know yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined,unused-ignore]
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..crud import (
    Picker,
    fits_integer,
    fits_numeric,
    optional_int,
    picker_choices,
    rows_by_id,
    storable_text,
)
from ..extensions import db
from ..models import Author, Book, Tag

PICKERS: dict[
    str, Picker
] = {  # select field -> (label column, key column, empty choice, read rules)
    "author_id": (Author.name, Author.id, "Choose …", (("user",),)),
    "tags_ids": (Tag.name, Tag.id, "", (("user",),)),
}


class BookForm(FlaskForm):
    """Create or edit a Book; the view fills the pickers' choices."""

    edited_key: int | None = (
        None  # the row being edited: its own values are no collision
    )

    title = StringField(
        "Title", validators=[InputRequired(), Length(max=200), storable_text]
    )
    isbn = StringField(
        "ISBN", validators=[InputRequired(), Length(max=13), storable_text]
    )
    author_id = SelectField("Author", coerce=optional_int, validators=[InputRequired()])
    format = SelectField(
        "Format",
        validators=[InputRequired()],
        choices=[
            SelectChoice("hardcover", "Hardcover"),
            SelectChoice("paperback", "Paperback"),
            SelectChoice("ebook", "E-book"),
        ],
        default="paperback",
    )
    pages = IntegerField("Pages", validators=[Optional(), fits_integer()])
    price = DecimalField("Price", validators=[Optional(), fits_numeric(8, 2)], places=2)
    in_stock = BooleanField("In stock", default=True)
    published_at = DateTimeLocalField(
        "Published at", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    tags_ids = SelectMultipleField("Tags", coerce=int)

    def validate_isbn(self, field: Field) -> None:
        """ISBN is unique."""
        taken = db.session.scalar(select(Book.id).where(Book.isbn == field.data))
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

    def populate(self, book: Book) -> None:
        """Copy the submitted values onto ``book``."""
        if self.title.data is not None:
            book.title = self.title.data
        if self.isbn.data is not None:
            book.isbn = self.isbn.data
        book.author_id = self.author_id.data
        if self.format.data is not None:
            book.format = self.format.data
        book.pages = self.pages.data
        book.price = self.price.data
        book.in_stock = self.in_stock.data
        book.published_at = self.published_at.data
        book.tags = rows_by_id(Tag, self.tags_ids.data)

    @classmethod
    def for_row(cls, book: Book) -> BookForm:
        """The form filled with ``book``'s values."""
        form = cls(
            obj=book,
            tags_ids=[row.id for row in book.tags],
        )
        form.edited_key = book.id
        return form

"""Forms of the auth blueprint; Flask-WTF adds the CSRF token to each."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

MIN_PASSWORD = 8
# Long enough for any passphrase; hashing a megabyte "password" would tie up a worker.
MAX_PASSWORD = 256


def strip(value: str | None) -> str | None:
    """Leading and trailing spaces are never part of what people meant to type."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """Log in with email and password."""

    email = StringField(
        "Email", validators=[DataRequired(), Length(max=120)], filters=[strip]
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)]
    )
    remember = BooleanField("Remember me")
    submit = SubmitField("Log in")


class TokenForm(FlaskForm):
    """Make an API token: a name that says what it is for."""

    name = StringField(
        "Name", validators=[DataRequired(), Length(max=80)], filters=[strip]
    )
    submit = SubmitField("Make a token")

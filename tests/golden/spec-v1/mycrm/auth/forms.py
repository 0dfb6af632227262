"""Forms of the auth blueprint; Flask-WTF adds the CSRF token to each."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

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


class RegisterForm(FlaskForm):
    """Sign up: email, name and a password typed twice."""

    email = StringField(
        "Email", validators=[DataRequired(), Length(max=120)], filters=[strip]
    )
    name = StringField(
        "Name", validators=[DataRequired(), Length(max=32)], filters=[strip]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The passwords differ."),
        ],
    )
    submit = SubmitField("Sign up")


class PasswordForm(FlaskForm):
    """Change the password: the current one, and the new one typed twice."""

    current = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD)]
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The passwords differ."),
        ],
    )
    submit = SubmitField("Change the password")

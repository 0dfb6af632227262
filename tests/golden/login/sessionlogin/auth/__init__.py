"""Session login: the auth blueprint (log in, log out, sign up, the account pages), ``create-user``, ``set-password``."""

from . import account  # noqa: F401  (the account pages join the blueprint)
from .commands import create_user_command, set_password_command
from .views import bp

bp.cli.add_command(create_user_command)
bp.cli.add_command(set_password_command)

__all__ = ["bp"]

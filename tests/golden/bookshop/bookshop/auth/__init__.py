"""Session login: the auth blueprint (log in, log out) and ``create-user``."""

from .commands import create_user_command
from .views import bp

bp.cli.add_command(create_user_command)

__all__ = ["bp"]

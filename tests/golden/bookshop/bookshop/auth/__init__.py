"""Session login: the auth blueprint (log in, log out, the account pages), ``create-user``, ``set-password``, ``set-role``, ``unset-role``."""

from . import account  # noqa: F401  (the account pages join the blueprint)
from .commands import (
    create_token_command,
    create_user_command,
    set_password_command,
    set_role_command,
    unset_role_command,
)
from .views import bp

bp.cli.add_command(create_user_command)
bp.cli.add_command(set_password_command)
bp.cli.add_command(set_role_command)
bp.cli.add_command(unset_role_command)
bp.cli.add_command(create_token_command)

__all__ = ["bp"]

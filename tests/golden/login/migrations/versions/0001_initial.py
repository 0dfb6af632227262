"""Initial schema

Revision ID: 1ca1364ac57f
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1ca1364ac57f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(120), nullable=False),
        sa.Column("display_name", sa.String(60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("session_token", sa.String(64), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
        sa.UniqueConstraint("session_token", name=op.f("uq_account_session_token")),
    )


def downgrade() -> None:
    op.drop_table("account")

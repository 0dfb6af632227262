"""Initial schema

Revision ID: 55987c16f850
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "55987c16f850"
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
    )


def downgrade() -> None:
    op.drop_table("account")

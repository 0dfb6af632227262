"""Initial schema

Revision ID: 0b1129c1aa33
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0b1129c1aa33"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("title", name=op.f("uq_department_title")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("depart_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.ForeignKeyConstraint(
            ["depart_id"], ["department.id"], name=op.f("fk_users_depart_id_department")
        ),
    )
    op.create_index(op.f("ix_users_name"), "users", ["name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_users_name"), table_name="users")
    op.drop_table("users")
    op.drop_table("department")

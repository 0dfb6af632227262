"""Initial schema

Revision ID: a5b7ca60c144
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a5b7ca60c144"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "author",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("email", sa.String(120), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("born", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author")),
        sa.UniqueConstraint("email", name=op.f("uq_author_email")),
    )
    op.create_index(op.f("ix_author_name"), "author", ["name"], unique=False)
    op.create_table(
        "role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role")),
        sa.UniqueConstraint("name", name=op.f("uq_role_name")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("email", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("session_token", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_email")),
        sa.UniqueConstraint("session_token", name=op.f("uq_staff_session_token")),
    )
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(30), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff.id"],
            name=op.f("fk_api_token_user_id_staff"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(
        op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False
    )
    op.create_table(
        "book",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("isbn", sa.String(13), nullable=False),
        sa.Column(
            "format",
            sa.Enum(
                "hardcover",
                "paperback",
                "ebook",
                name="book_format",
                native_enum=False,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("price", sa.Numeric(8, 2), nullable=True),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["author.id"], name=op.f("fk_book_author_id_author")
        ),
        sa.UniqueConstraint("isbn", name=op.f("uq_book_isbn")),
    )
    op.create_index(op.f("ix_book_created_at"), "book", ["created_at"], unique=False)
    op.create_index(op.f("ix_book_author_id"), "book", ["author_id"], unique=False)
    op.create_table(
        "staff_role",
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("role_id", "staff_id", name=op.f("pk_staff_role")),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["role.id"],
            name=op.f("fk_staff_role_role_id_role"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_role_staff_id_staff"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "book_tag",
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("book_id", "tag_id", name=op.f("pk_book_tag")),
        sa.ForeignKeyConstraint(
            ["book_id"],
            ["book.id"],
            name=op.f("fk_book_tag_book_id_book"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tag.id"],
            name=op.f("fk_book_tag_tag_id_tag"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("book_tag")
    op.drop_table("staff_role")
    op.drop_index(op.f("ix_book_created_at"), table_name="book")
    op.drop_index(op.f("ix_book_author_id"), table_name="book")
    op.drop_table("book")
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")
    op.drop_table("api_token")
    op.drop_table("tag")
    op.drop_table("staff")
    op.drop_table("role")
    op.drop_index(op.f("ix_author_name"), table_name="author")
    op.drop_table("author")

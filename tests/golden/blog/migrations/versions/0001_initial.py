"""Initial schema

Revision ID: c08fffac7560
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c08fffac7560"
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
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("karma", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author")),
    )
    op.create_index(op.f("ix_author_email"), "author", ["email"], unique=True)
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(30), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("label", name=op.f("uq_tag_label")),
    )
    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "archived",
                name="post_status",
                native_enum=False,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("price", sa.Numeric(10, 2), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("cover", sa.LargeBinary(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reading_time", sa.Time(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["author.id"],
            name=op.f("fk_post_author_id_author"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_post_public_id")),
    )
    op.create_index(op.f("ix_post_author_id"), "post", ["author_id"], unique=False)
    op.create_table(
        "post_tag",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("post_id", "tag_id", name=op.f("pk_post_tag")),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["post.id"],
            name=op.f("fk_post_tag_post_id_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tag.id"],
            name=op.f("fk_post_tag_tag_id_tag"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("post_tag")
    op.drop_index(op.f("ix_post_author_id"), table_name="post")
    op.drop_table("post")
    op.drop_table("tag")
    op.drop_index(op.f("ix_author_email"), table_name="author")
    op.drop_table("author")

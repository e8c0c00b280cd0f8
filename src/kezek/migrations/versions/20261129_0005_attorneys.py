"""powers of attorney: signed documents an owner grants to an intermediary

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 05:40:00

This migration uses none of 0004's tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kezek.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attorneys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("intermediary_id", sa.Integer(), nullable=False),
        sa.Column("whole_fleet", sa.Boolean(), nullable=False),
        sa.Column("vehicle_ids", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("issued_at", kezek.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("revoked_at", kezek.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.CheckConstraint("valid_to >= valid_from", name=op.f("ck_attorneys_period")),
        sa.CheckConstraint("owner_id <> intermediary_id", name=op.f("ck_attorneys_not_self")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["parties.id"], name=op.f("fk_attorneys_owner_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["intermediary_id"], ["parties.id"], name=op.f("fk_attorneys_intermediary_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_attorneys_issued_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["users.id"], name=op.f("fk_attorneys_revoked_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attorneys")),
        sa.UniqueConstraint("public_id", name=op.f("uq_attorneys_public_id")),
    )
    with op.batch_alter_table("attorneys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attorneys_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attorneys_intermediary_id"), ["intermediary_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attorneys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attorneys_intermediary_id"))
        batch_op.drop_index(batch_op.f("ix_attorneys_owner_id"))
    op.drop_table("attorneys")

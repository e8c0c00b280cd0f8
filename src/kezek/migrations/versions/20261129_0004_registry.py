"""registry: cached registry records; vehicles' registry status and registration certificate

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kezek.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_records",
        sa.Column("vin", sa.String(length=17), nullable=False),
        sa.Column("payload", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("fetched_at", kezek.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("vin", name=op.f("pk_registry_records")),
    )
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        # Vehicles registered before the registry link keep working: they count as confirmed.
        batch_op.add_column(
            sa.Column(
                "registry_status", sa.String(length=10), server_default="confirmed", nullable=False
            )
        )
        batch_op.add_column(sa.Column("registry_reason", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("certificate_file", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("certificate_media_type", sa.String(length=40), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_column("certificate_media_type")
        batch_op.drop_column("certificate_file")
        batch_op.drop_column("registry_reason")
        batch_op.drop_column("registry_status")
    op.drop_table("registry_records")

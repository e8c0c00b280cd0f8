"""grant confirmation: the passed camera check that confirmed each power of attorney

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 09:00:00

Attorneys granted before this revision were confirmed by a password and keep NULL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attorneys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmation_attempt_id", sa.Integer(), nullable=True))
        # UNIQUE: one passed check confirms one grant at most, even when two grants race.
        batch_op.create_unique_constraint(
            batch_op.f("uq_attorneys_confirmation_attempt_id"), ["confirmation_attempt_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_attorneys_confirmation_attempt_id_identity_attempts"),
            "identity_attempts",
            ["confirmation_attempt_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("attorneys", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_attorneys_confirmation_attempt_id_identity_attempts"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(batch_op.f("uq_attorneys_confirmation_attempt_id"), type_="unique")
        batch_op.drop_column("confirmation_attempt_id")

"""foundation: parties and logins, crossings, hours, capacity, the footprint trail

Revision ID: 0001
Revises:
Create Date: 2026-11-28 04:38:58.927772
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kezek.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", kezek.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_login", sa.String(length=64), nullable=True),
        sa.Column("on_behalf_of", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)

    op.create_table(
        "crossings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_ru", sa.String(length=100), nullable=False),
        sa.Column("name_kk", sa.String(length=100), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("neighbour_name", sa.String(length=100), nullable=False),
        sa.Column("neighbour_name_zh", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("neighbour_country", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=40), nullable=False),
        sa.Column("booking_horizon_days", sa.Integer(), nullable=False),
        sa.Column("booking_lead_minutes", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=500), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crossings")),
        sa.UniqueConstraint("code", name=op.f("uq_crossings_code")),
    )
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=True),
        sa.Column("bin", sa.String(length=12), nullable=True),
        sa.Column("passport_number", sa.String(length=20), nullable=True),
        sa.Column("passport_country", sa.String(length=2), nullable=True),
        sa.Column("identity_status", sa.String(length=12), nullable=False),
        sa.Column("created_at", kezek.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'person' AND (iin IS NOT NULL OR passport_number IS NOT NULL)) OR (kind = 'company' AND bin IS NOT NULL)",
            name=op.f("ck_parties_identified"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("bin", name=op.f("uq_parties_bin")),
        sa.UniqueConstraint("iin", name=op.f("uq_parties_iin")),
        sa.UniqueConstraint(
            "passport_country",
            "passport_number",
            name=op.f("uq_parties_passport_country_passport_number"),
        ),
    )
    op.create_table(
        "company_members",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=50), nullable=False),
        sa.Column("created_at", kezek.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["parties.id"], name=op.f("fk_company_members_company_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["parties.id"], name=op.f("fk_company_members_person_id_parties")
        ),
        sa.PrimaryKeyConstraint("company_id", "person_id", name=op.f("pk_company_members")),
    )
    op.create_table(
        "directions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("from_country", sa.String(length=2), nullable=False),
        sa.Column("to_country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossings.id"], name=op.f("fk_directions_crossing_id_crossings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directions")),
        sa.UniqueConstraint("crossing_id", "kind", name=op.f("uq_directions_crossing_id_kind")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=True),
        sa.Column("created_at", kezek.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", kezek.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["parties.id"], name=op.f("fk_users_person_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("login", name=op.f("uq_users_login")),
        sa.UniqueConstraint("person_id", name=op.f("uq_users_person_id")),
    )
    op.create_table(
        "capacity_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("hour_overrides", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", kezek.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("daily_limit >= 0", name=op.f("ck_capacity_rules_daily_limit")),
        sa.ForeignKeyConstraint(
            ["direction_id"],
            ["directions.id"],
            name=op.f("fk_capacity_rules_direction_id_directions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_rules")),
        sa.UniqueConstraint(
            "direction_id",
            "category",
            "valid_from",
            name=op.f("uq_capacity_rules_direction_id_category_valid_from"),
        ),
    )
    op.create_table(
        "schedule_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction_id", sa.Integer(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("open_hour", sa.Integer(), nullable=True),
        sa.Column("close_hour", sa.Integer(), nullable=True),
        sa.Column("extend_hours", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", kezek.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'extend' OR extend_hours IS NOT NULL",
            name=op.f("ck_schedule_exceptions_extend"),
        ),
        sa.CheckConstraint(
            "kind <> 'hours' OR (open_hour >= 0 AND close_hour <= 24 AND open_hour < close_hour)",
            name=op.f("ck_schedule_exceptions_hours"),
        ),
        sa.CheckConstraint(
            "date_to IS NULL OR date_to >= date_from", name=op.f("ck_schedule_exceptions_period")
        ),
        sa.ForeignKeyConstraint(
            ["direction_id"],
            ["directions.id"],
            name=op.f("fk_schedule_exceptions_direction_id_directions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_exceptions")),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    op.create_table(
        "weekly_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("open_hour", sa.Integer(), nullable=False),
        sa.Column("close_hour", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "open_hour >= 0 AND close_hour <= 24 AND open_hour < close_hour",
            name=op.f("ck_weekly_hours_span"),
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_weekly_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["direction_id"],
            ["directions.id"],
            name=op.f("fk_weekly_hours_direction_id_directions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_hours")),
        sa.UniqueConstraint(
            "direction_id", "weekday", name=op.f("uq_weekly_hours_direction_id_weekday")
        ),
    )
    _make_audit_log_append_only()
    # The chain's head exists from the start, so the first writers lock it like all others.
    op.execute(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{'0' * 64}')")


def downgrade() -> None:
    _drop_append_only_guards()
    op.drop_table("weekly_hours")
    op.drop_table("user_roles")
    op.drop_table("schedule_exceptions")
    op.drop_table("capacity_rules")
    op.drop_table("users")
    op.drop_table("directions")
    op.drop_table("company_members")
    op.drop_table("parties")
    op.drop_table("crossings")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("audit_head")


# The trail is append-only in the database itself, not only by convention in the code.
_PG_GUARD = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
"""

_SQLITE_GUARDS = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]


def _make_audit_log_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD)
    else:
        for statement in _SQLITE_GUARDS:
            op.execute(statement)


def _drop_append_only_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")

"""Migrations: up to head, down to base and up again on both backends, matching the models."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

import kezek.models  # noqa: F401  (every table on the metadata)
from kezek.db import Base
from kezek.migrate import alembic_config, upgrade
from kezek.models.audit import GENESIS_HASH


def downgrade(engine, revision="base"):
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def tables(engine):
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def schema_drift(engine):
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)


def test_the_migrated_schema_matches_the_models(empty_engine):
    assert schema_drift(empty_engine) == []


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    from kezek.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_upgrade_downgrade_upgrade(empty_engine):
    model_tables = set(Base.metadata.tables)
    assert model_tables <= tables(empty_engine)

    downgrade(empty_engine)
    assert tables(empty_engine) == {"alembic_version"}

    upgrade(empty_engine)
    assert model_tables <= tables(empty_engine)
    assert schema_drift(empty_engine) == []
    with empty_engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            == head_revision()
        )
        head = conn.execute(text("SELECT id, seq, hash FROM audit_head")).one()
    assert tuple(head) == (1, 0, GENESIS_HASH)


def test_the_append_only_guard_comes_back_with_the_upgrade(empty_engine):
    downgrade(empty_engine)
    upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (seq, at, action, outcome, payload, prev_hash, hash) "
                "VALUES (1, CURRENT_TIMESTAMP, 'test', 'ok', '{}', :g, :h)"
            ),
            {"g": GENESIS_HASH, "h": "1" * 64},
        )
    with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'edited'"))


def test_upgrading_a_database_at_head_changes_nothing(engine):
    with engine.connect() as conn:
        before = conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one()
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one() == before

"""Engine, declarative base and the per-request session (the request owns the transaction)."""

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from kezek.config import VAR_DIR, Settings, get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        # PostgreSQL answers in the session's TimeZone (Asia/Almaty on a local server): back to
        # UTC, or the same instant prints differently and the footprints' hashes do not match.
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, *, settings: Settings | None = None) -> Engine:
    """An engine; SQLite gets WAL, foreign keys and writer transactions that start IMMEDIATE.

    Every wait is bounded (pool, row locks, SQLite's write lock) so that contention ends in a
    retryable 409 busy (see kezek.handlers), never in a request that hangs.
    """
    settings = settings or get_settings()
    pool = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout_seconds,
    }
    if url.startswith("sqlite"):
        if url.startswith(f"sqlite:///{VAR_DIR}/"):
            VAR_DIR.mkdir(parents=True, exist_ok=True)
        busy_seconds = settings.sqlite_busy_timeout_ms / 1000
        connect_args = {"timeout": busy_seconds, "check_same_thread": False}
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(url, connect_args=connect_args, **({} if in_memory else pool))
        _configure_sqlite(engine, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        return engine
    # lock_timeout for the whole connection: set once at connect, so it costs no round trip
    # per transaction; a booking waits at most this long on a row lock, then is told "busy".
    options = {"options": f"-c lock_timeout={settings.db_lock_timeout_ms}"}
    return create_engine(url, pool_pre_ping=True, connect_args=options, **pool)


def _configure_sqlite(engine: Engine, *, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that upgrades from
        # read to write can fail with SQLITE_BUSY at once instead of waiting its turn.
        if conn.get_execution_options().get("readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@lru_cache
def _session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def new_session(engine: Engine | None = None, *, readonly: bool = False) -> Session:
    """A session for a job or a command; the caller commits."""
    factory = _session_factory(engine or get_engine())
    session = factory()
    if readonly:
        session.connection(execution_options={"readonly": True})
    return session


def session_scope_iter(
    engine: Engine | None = None, *, readonly: bool = False
) -> Iterator[Session]:
    """Yield a session that commits when the block ends cleanly and rolls back otherwise."""
    session = new_session(engine, readonly=readonly)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

"""`kezek worker`: the scheduled jobs, run by APScheduler (no sleep loops of our own).

Each job opens its own transaction, commits, and is idempotent, so a run that overlaps another
worker's, or a cron-driven `kezek worker --once`, does no harm.
"""

from collections.abc import Callable
from datetime import datetime

import structlog
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kezek.db import new_session

log = structlog.get_logger("kezek.worker")

SWEEP_EVERY_SECONDS = 60
PURGE_EVERY_SECONDS = 600


def run_no_shows(engine: Engine | None = None, *, now: datetime | None = None) -> int:
    """One no-show sweep in its own transaction; the number of bookings marked."""
    from kezek.checkpoint.no_shows import sweep_no_shows

    marked = _in_one_transaction(engine, lambda s: sweep_no_shows(s, now=now).marked)
    log.info("no-show sweep", marked=marked)
    return marked


def run_video_purge(engine: Engine | None = None, *, now: datetime | None = None) -> int:
    """Delete the selfie videos past their review window; the number deleted."""
    from kezek.config import get_settings
    from kezek.identity.storage import MediaStore
    from kezek.identity.verification import purge_videos

    settings = get_settings()
    media = MediaStore(settings.media_dir)
    deleted = _in_one_transaction(engine, lambda s: purge_videos(s, media, settings, now=now))
    log.info("selfie video purge", deleted=deleted)
    return deleted


def _in_one_transaction(engine: Engine | None, job: Callable[[Session], int]) -> int:
    session = new_session(engine)
    try:
        done = job(session)
        session.commit()
        return done
    finally:
        session.close()


JOBS: dict[str, Callable[..., int]] = {"no-shows": run_no_shows, "video-purge": run_video_purge}


def build_scheduler() -> BlockingScheduler:
    """The scheduler with every job on its schedule (not started)."""
    scheduler = BlockingScheduler(timezone="UTC")
    # One run at a time per job; runs missed while busy collapse into one.
    scheduler.add_job(
        run_no_shows,
        "interval",
        seconds=SWEEP_EVERY_SECONDS,
        id="no-shows",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now().astimezone(),
    )
    scheduler.add_job(
        run_video_purge,
        "interval",
        seconds=PURGE_EVERY_SECONDS,
        id="video-purge",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now().astimezone(),
    )
    return scheduler


def run_forever() -> None:
    """Run every job on its schedule until interrupted."""
    scheduler = build_scheduler()
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)

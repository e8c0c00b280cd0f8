"""`kezek worker`: APScheduler runs the sweep every minute; `--once no-shows` runs it and exits."""

from datetime import timedelta

from checkpoint_support import book_slot, booking_row, this_hour
from support import Cli

from kezek.worker import PURGE_EVERY_SECONDS, SWEEP_EVERY_SECONDS, build_scheduler


def test_once_runs_the_sweep_and_exits(engine, fleet, monkeypatch):
    fleet.top_up()
    missed = book_slot(engine, fleet.vehicle(), starts_at=this_hour() - timedelta(hours=5))
    later = book_slot(engine, fleet.vehicle(), starts_at=this_hour() + timedelta(hours=1))
    kezek = Cli(engine.url.render_as_string(hide_password=False), monkeypatch)
    result = kezek("worker", "--once", "no-shows")
    assert result.exit_code == 0, result.output
    assert "no-shows: 1 marked" in result.output
    assert booking_row(engine, missed).status == "no_show"
    assert "no-shows: 0 marked" in kezek("worker", "--once", "no-shows").output
    at = (this_hour() + timedelta(hours=5, minutes=30)).strftime("%Y-%m-%dT%H:%M%z")
    assert "1 marked" in kezek("worker", "--once", "no-shows", "--now", at).output
    assert booking_row(engine, later).status == "no_show"


def test_unknown_job_is_refused():
    from click.testing import CliRunner

    from kezek.cli import main

    result = CliRunner().invoke(main, ["worker", "--once", "nothing"])
    assert result.exit_code == 2


def test_the_scheduler_sweeps_every_minute_one_run_at_a_time():
    scheduler = build_scheduler()
    job = scheduler.get_job("no-shows")
    assert job.trigger.interval == timedelta(seconds=SWEEP_EVERY_SECONDS) == timedelta(minutes=1)
    assert job.max_instances == 1 and job.coalesce


def test_the_scheduler_purges_selfie_videos_every_ten_minutes():
    job = build_scheduler().get_job("video-purge")
    assert job.trigger.interval == timedelta(seconds=PURGE_EVERY_SECONDS) == timedelta(minutes=10)
    assert job.max_instances == 1 and job.coalesce

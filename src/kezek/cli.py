"""The `kezek` command: serve, db upgrade, demo, admin, audit, worker, identity, registry-stub."""

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from kezek.config import get_settings
from kezek.db import get_engine, new_session


@click.group()
def main() -> None:
    """Kezek: an electronic queue for vehicles crossing land borders."""


@main.command()
@click.option("--host", default=None, help="Default 127.0.0.1 (KEZEK_HOST)")
@click.option("--port", default=None, type=int, help="Default 8000 (KEZEK_PORT)")
@click.option("--workers", default=1, show_default=True)
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the API and the web pages."""
    import uvicorn

    settings = get_settings()
    settings.resolved_secret_key()  # created once here, before workers race to create it
    uvicorn.run(
        "kezek.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations."""
    from kezek.migrate import upgrade

    upgrade(get_engine(), revision)
    click.echo(f"database at {revision}: {_safe_url()}")


def _safe_url() -> str:
    return get_engine().url.render_as_string(hide_password=True)


@main.command()
@click.option(
    "--carriers",
    default=0,
    help="Also make N verified carriers carrier-0001 ..., each with two trucks and money",
)
@click.option("--password", default=None, help="Password of the bulk carriers")
@click.option("--json", "as_json", is_flag=True, help="Print the bulk carriers as JSON only")
def demo(carriers: int, password: str | None, as_json: bool) -> None:
    """Create and migrate the database, load seed crossings and demo logins (idempotent)."""
    from kezek import demo as demo_data
    from kezek.migrate import upgrade

    upgrade(get_engine())
    session = new_session()
    try:
        created, logins = demo_data.load_demo(session)
        logins = [
            demo_data.equip_carrier(session, x, serial=0) if x.login == "carrier" else x
            for x in logins
        ]
        bulk = demo_data.load_carriers(
            session, count=carriers, password=password or demo_data.DEMO_PASSWORD, equip=True
        )
        session.commit()
    finally:
        session.close()
    if as_json:
        click.echo(json.dumps(demo_data.as_json(bulk), ensure_ascii=False, indent=2))
        return
    settings = get_settings()
    click.echo(f"database: {_safe_url()}")
    click.echo(f"crossings created: {', '.join(created) or 'none (already there)'}")
    click.echo(f"\nKezek demo at http://{settings.host}:{settings.port}/")
    click.echo(f"Demo logins (password for all: {demo_data.DEMO_PASSWORD}):")
    for x in logins:
        click.echo(f"  {x.login:<14} {x.role:<13} {x.full_name} (IIN {x.iin})")
        if x.vehicles:
            plates = ", ".join(v.plate for v in x.vehicles)
            click.echo(f"  {'':<14} trucks {plates}; balance {x.balance_kzt} KZT")
    if bulk:
        click.echo(
            f"and {len(bulk)} carriers carrier-0001 ... carrier-{len(bulk):04d}, "
            f"each with {demo_data.TRUCKS_EACH} trucks and money to book"
        )


@main.group()
def admin() -> None:
    """Users and roles."""


@admin.command("create-user")
@click.option("--login", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--full-name", required=True)
@click.option("--iin", default=None)
@click.option("--passport", default=None, help="Passport number of a foreigner")
@click.option("--country", default=None, help="Passport country (ISO 3166 alpha-2)")
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=["carrier"],
    show_default=True,
    type=click.Choice(["carrier", "driver", "intermediary", "operator", "analyst", "admin"]),
)
@click.option("--verified", is_flag=True, help="Mark the identity as verified")
def create_user(
    login: str,
    password: str,
    full_name: str,
    iin: str | None,
    passport: str | None,
    country: str | None,
    roles: tuple[str, ...],
    verified: bool,
) -> None:
    """Create a user with roles."""
    from pydantic import ValidationError

    from kezek.errors import AppError
    from kezek.models.party import IdentityStatus, Role
    from kezek.people.schemas import RegistrationIn
    from kezek.people.service import grant_role, register, set_identity_status

    try:
        data = RegistrationIn(
            login=login,
            password=password,
            full_name=full_name,
            iin=iin,
            passport_number=passport,
            passport_country=country,
            role=Role(roles[0]),
        )
    except ValidationError as err:
        raise click.UsageError(str(err)) from None
    with _session() as session:
        try:
            user = register(session, data=data, self_service=False)
        except AppError as err:
            raise click.ClickException(f"{err.code}: {err.detail}") from None
        for role in roles[1:]:
            grant_role(session, user=user, role=Role(role))
        if verified:
            set_identity_status(session, person=user.person, status=IdentityStatus.VERIFIED)
    click.echo(f"created {login} with roles {', '.join(roles)}")


@admin.command("grant-role")
@click.argument("login")
@click.argument(
    "role", type=click.Choice(["carrier", "driver", "intermediary", "operator", "analyst", "admin"])
)
def grant(login: str, role: str) -> None:
    """Give a user a role."""
    _change_role(login, role, grant=True)


@admin.command("revoke-role")
@click.argument("login")
@click.argument(
    "role", type=click.Choice(["carrier", "driver", "intermediary", "operator", "analyst", "admin"])
)
def revoke(login: str, role: str) -> None:
    """Take a role from a user."""
    _change_role(login, role, grant=False)


def _change_role(login: str, role: str, *, grant: bool) -> None:
    from kezek.errors import AppError
    from kezek.models.party import Role
    from kezek.people.service import get_user, grant_role, revoke_role

    with _session() as session:
        try:
            user = get_user(session, login=login)
        except AppError as err:
            raise click.ClickException(err.detail) from None
        (grant_role if grant else revoke_role)(session, user=user, role=Role(role))
    click.echo(f"{'granted' if grant else 'revoked'} {role} {'to' if grant else 'from'} {login}")


@admin.command("set-mrp")
@click.argument("year", type=int)
@click.argument("amount", type=click.STRING)
def set_mrp(year: int, amount: str) -> None:
    """Set the MRP of YEAR to AMOUNT KZT (e.g. 4325). A year not set yet may always be set; an
    existing value may change only before its year starts."""
    from decimal import Decimal, InvalidOperation

    from kezek.errors import AppError
    from kezek.ledger.money import to_kzt
    from kezek.ledger.mrp import mrp_in_tiyn, set_mrp

    try:
        kzt = Decimal(amount.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise click.UsageError(f"{amount!r} is not an amount in KZT") from None
    with _session() as session:
        try:
            change = set_mrp(session, year=year, amount=mrp_in_tiyn(kzt))
        except AppError as err:
            raise click.ClickException(f"{err.code}: {err.detail}") from None
    if not change.changed:
        click.echo(f"MRP {year} is already {to_kzt(change.amount)} KZT: nothing changed")
    elif change.previous is None:
        click.echo(f"MRP {year} set to {to_kzt(change.amount)} KZT")
    else:
        click.echo(
            f"MRP {year} changed from {to_kzt(change.previous)} to {to_kzt(change.amount)} KZT"
        )


@main.group()
def audit() -> None:
    """The digital footprints."""


@audit.command("verify")
def audit_verify() -> None:
    """Walk the hash chain end to end; exit 1 and name the first broken record if any."""
    from kezek.audit.service import verify_chain

    session = new_session(readonly=True)
    try:
        result = verify_chain(session)
    finally:
        session.close()
    if result.ok:
        click.echo(f"trail intact: {result.checked} records verified")
        return
    click.echo(
        f"TRAIL BROKEN at record {result.broken_seq}: {result.reason} "
        f"({result.checked} records before it are intact)",
        err=True,
    )
    sys.exit(1)


class _session:
    """A command's transaction: commit on success, roll back on error."""

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.session = new_session()
        return self.session

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if exc_type is None:
            self.session.commit()
        else:
            self.session.rollback()
        self.session.close()


@main.command()
@click.option(
    "--once",
    "once",
    type=click.Choice(["no-shows", "video-purge"]),
    default=None,
    help="Run this job once and exit (for cron and tests)",
)
@click.option(
    "--now",
    "now",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    default=None,
    help="With --once: the moment the job takes as now (ISO 8601 with offset); default the clock",
)
def worker(once: str | None, now: datetime | None) -> None:
    """Run the scheduled jobs (the no-show sweep every minute, the selfie-video purge)."""
    from kezek import worker as jobs

    if once is None:
        jobs.run_forever()
        return
    done = jobs.JOBS[once](now=now)
    click.echo(f"{once}: {done} {'deleted' if once == 'video-purge' else 'marked'}")


@main.group()
def identity() -> None:
    """Identity verification: the offline face engine."""


@identity.command("evaluate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--threshold",
    type=float,
    default=None,
    help="Match threshold to evaluate; default the configured one (KEZEK_FACE_MATCH_THRESHOLD)",
)
def identity_evaluate(folder: Path, threshold: float | None) -> None:
    """Genuine/impostor distances, error rates and timings on FOLDER/<person>/<photos>."""
    from kezek.identity.evaluate import evaluate, report_lines

    if threshold is None:
        threshold = get_settings().face_match_threshold
    for line in report_lines(evaluate(folder, threshold)):
        click.echo(line)


@main.command("registry-stub")
@click.option("--port", default=8765, show_default=True, help="Port on 127.0.0.1 (0: any free)")
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="JSON data file; default the one shipped with Kezek (the demo's vehicles)",
)
def registry_stub(port: int, data: Path | None) -> None:
    """Run the stand-in insurance registry (for development and tests), 127.0.0.1 only."""
    from kezek.registry.stub import serve

    serve(port, data)


if __name__ == "__main__":
    main()

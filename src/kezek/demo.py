"""Demo data: the seed crossings and one verified login per role; optional bulk carriers."""

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.crossings.seed import seed_crossings
from kezek.models.party import IdentityStatus, Role, User
from kezek.people.national_id import make_bin, make_iin
from kezek.people.schemas import CompanyIn, RegistrationIn
from kezek.people.service import grant_role, register, set_identity_status

DEMO_PASSWORD = "kezek-demo-2026"

DEMO_PEOPLE = [
    # login, role, full name, birth date, company
    ("admin", Role.ADMIN, "Aigerim Sadykova", date(1985, 3, 14), None),
    ("operator", Role.OPERATOR, "Nurlan Abenov", date(1990, 7, 2), None),
    ("analyst", Role.ANALYST, "Dana Ermekova", date(1988, 11, 23), None),
    ("carrier", Role.CARRIER, "Serik Tulegenov", date(1979, 5, 30), "Demo Logistics LLP"),
    ("driver", Role.DRIVER, "Bolat Zhaksylykov", date(1983, 1, 9), None),
    ("intermediary", Role.INTERMEDIARY, "Marat Ospanov", date(1992, 9, 17), None),
]


@dataclass(frozen=True)
class DemoLogin:
    login: str
    password: str
    role: str
    full_name: str
    iin: str
    user_id: int
    person_id: int


def load_demo(session: Session) -> tuple[list[str], list[DemoLogin]]:
    """Seed crossings and demo people; a second run adds nothing."""
    created = seed_crossings(session)
    logins = [
        _ensure_person(
            session,
            login=login,
            role=role,
            full_name=name,
            iin=make_iin(born, i),
            password=DEMO_PASSWORD,
            company=company,
            serial=i,
        )
        for i, (login, role, name, born, company) in enumerate(DEMO_PEOPLE, start=1)
    ]
    return created, logins


def load_carriers(session: Session, *, count: int, password: str) -> list[DemoLogin]:
    """Verified carriers carrier-0001 ... for load tests and scripted checks."""
    first_birthday = date(1970, 1, 1)
    return [
        _ensure_person(
            session,
            login=f"carrier-{n:04d}",
            role=Role.CARRIER,
            full_name=f"Carrier {n:04d}",
            password=password,
            serial=1000 + n,
            iin=make_iin(first_birthday + timedelta(days=n), 1000 + n),
        )
        for n in range(1, count + 1)
    ]


def _ensure_person(
    session: Session,
    *,
    login: str,
    role: Role,
    full_name: str,
    iin: str,
    password: str,
    serial: int,
    company: str | None = None,
) -> DemoLogin:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        company_in = (
            CompanyIn(bin=make_bin(date(2015, 6, 1), serial), name=company) if company else None
        )
        data = RegistrationIn(
            login=login,
            password=password,
            full_name=full_name,
            iin=iin,
            role=Role.CARRIER,
            company=company_in,
        )
        user = register(session, data=data, self_service=False)
        if role != Role.CARRIER:
            user.role_rows.clear()
            session.flush()
            grant_role(session, user=user, role=role)
        set_identity_status(session, person=user.person, status=IdentityStatus.VERIFIED)
        session.flush()
    return DemoLogin(
        login=login,
        password=password,
        role=role,
        full_name=user.person.full_name,
        iin=user.person.iin or "",
        user_id=user.id,
        person_id=user.person_id,
    )


def as_json(logins: list[DemoLogin]) -> list[dict[str, object]]:
    return [asdict(x) for x in logins]

"""Demo data: the seed crossings and one verified login per role; optional bulk carriers.

`kezek demo` also equips the carrier logins with trucks and money (equip_carrier), so whoever
runs the demo can book at once.
"""

from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.crossings.seed import seed_crossings
from kezek.ledger.money import to_kzt
from kezek.ledger.service import balance, owner_account
from kezek.ledger.top_ups import top_up
from kezek.models.party import IdentityStatus, Role, User
from kezek.people.national_id import make_bin, make_iin
from kezek.people.schemas import CompanyIn, RegistrationIn
from kezek.people.service import grant_role, register, set_identity_status
from kezek.vehicles.schemas import VehicleCategory, VehicleIn
from kezek.vehicles.service import register_vehicle
from kezek.vehicles.vin import make_vin

DEMO_PASSWORD = "kezek-demo-2026"
DEMO_BALANCE_TIYN = 100_000 * 100  # 100,000 KZT: room for many bookings at 1 MRP each
TRUCKS_EACH = 2

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
class DemoVehicle:
    id: int
    plate: str
    vin: str
    category: str


@dataclass(frozen=True)
class DemoLogin:
    login: str
    password: str
    role: str
    full_name: str
    iin: str
    user_id: int
    person_id: int
    vehicles: list[DemoVehicle] = field(default_factory=list)
    balance_kzt: str | None = None  # of the person's account, for equipped carriers


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


def load_carriers(
    session: Session, *, count: int, password: str, equip: bool = False
) -> list[DemoLogin]:
    """Verified carriers carrier-0001 ... for load tests and scripted checks; with `equip`,
    each with two trucks and 100,000 KZT (see equip_carrier)."""
    first_birthday = date(1970, 1, 1)
    carriers = [
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
    if equip:
        carriers = [equip_carrier(session, c, serial=n) for n, c in enumerate(carriers, start=1)]
    return carriers


def equip_carrier(session: Session, carrier: DemoLogin, *, serial: int) -> DemoLogin:
    """Two trucks and a 100,000 KZT top-up for a demo carrier's person; a second run finds the
    trucks by VIN and the top-up by its payment reference, and adds nothing."""
    user = session.get(User, carrier.user_id)
    assert user is not None
    trucks = [
        _ensure_truck(session, user, number=serial * TRUCKS_EACH + k) for k in range(TRUCKS_EACH)
    ]
    account = owner_account(session, party_id=carrier.person_id)
    top_up(
        session,
        account_id=account.id,
        amount=DEMO_BALANCE_TIYN,
        reference=f"demo-{carrier.login}",
        memo="Demo money",
    )
    money = to_kzt(balance(session, account_id=account.id))
    return replace(carrier, vehicles=trucks, balance_kzt=f"{money:.2f}")


def demo_plate(number: int) -> str:
    """A Kazakh-style plate, 3 digits, 3 letters, region 02 (Almaty): distinct per number."""
    high = number // 1000
    letters = "D" + chr(ord("A") + high // 26 % 26) + chr(ord("A") + high % 26)
    return f"{number % 1000:03d}{letters}02"


def _ensure_truck(session: Session, user: User, *, number: int) -> DemoVehicle:
    # A Chinese-built tractor unit (WMI LZZ): its VIN carries a check digit, which is verified.
    data = VehicleIn(
        plate=demo_plate(number),
        vin=make_vin(number, wmi="LZZ", vds="5BLSB"),
        category=VehicleCategory.TRUCK,
        country="KZ",
        make="Sinotruk Howo",
    )
    vehicle = register_vehicle(session, user=user, data=data)  # an existing VIN is returned
    return DemoVehicle(vehicle.id, vehicle.plate, vehicle.vin, vehicle.category)


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

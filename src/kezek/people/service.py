"""Registration, login and roles. Services flush; the caller's transaction commits."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.context import identify_actor
from kezek.audit.service import record
from kezek.db import utcnow
from kezek.errors import InvalidCredentials
from kezek.ledger.service import open_owner_account
from kezek.models.party import (
    SELF_SERVICE_ROLES,
    CompanyMember,
    IdentityStatus,
    Party,
    PartyKind,
    Role,
    User,
    UserRole,
)
from kezek.people.errors import (
    AccountDisabled,
    InvalidBin,
    InvalidIin,
    InvalidRole,
    LoginTaken,
    NationalIdTaken,
    UserNotFound,
)
from kezek.people.national_id import bin_problem, iin_problem
from kezek.people.passwords import hash_password, needs_rehash, verify_password
from kezek.people.schemas import CompanyIn, RegistrationIn


def register(session: Session, *, data: RegistrationIn, self_service: bool = True) -> User:
    """Create a person, their login and role, and optionally the company they represent."""
    if self_service and data.role not in SELF_SERVICE_ROLES:
        raise InvalidRole(f"The role {data.role} is granted by an administrator, not taken.")
    if session.scalar(select(User.id).where(User.login == data.login)):
        raise LoginTaken(f"The login {data.login!r} is already taken.")
    person = _new_person(session, data)
    user = User(
        login=data.login,
        email=data.email,
        password_hash=hash_password(data.password),
        person=person,
        role_rows=[UserRole(role=data.role)],
    )
    session.add(user)
    session.flush()
    record(
        session,
        action="user.register",
        object_type="user",
        object_id=user.id,
        on_behalf_of=person.id,
        payload={"login": user.login, "role": data.role},
    )
    if data.company:
        add_company(session, person=person, data=data.company)
    return user


def _new_person(session: Session, data: RegistrationIn) -> Party:
    if data.iin:
        if problem := iin_problem(data.iin):
            raise InvalidIin(problem)
        taken = select(Party.id).where(Party.iin == data.iin)
    else:
        taken = select(Party.id).where(
            Party.passport_country == data.passport_country,
            Party.passport_number == data.passport_number,
        )
    if session.scalar(taken):
        raise NationalIdTaken()
    person = Party(
        kind=PartyKind.PERSON,
        full_name=data.full_name,
        iin=data.iin,
        passport_number=data.passport_number,
        passport_country=data.passport_country,
        identity_status=IdentityStatus.UNVERIFIED,
    )
    session.add(person)
    session.flush()
    open_owner_account(session, party_id=person.id)
    return person


def add_company(session: Session, *, person: Party, data: CompanyIn) -> Party:
    """Register a company by BIN with `person` as its representative."""
    if problem := bin_problem(data.bin):
        raise InvalidBin(problem)
    if session.scalar(select(Party.id).where(Party.bin == data.bin)):
        raise NationalIdTaken(f"A company with BIN {data.bin} is already registered.")
    company = Party(
        kind=PartyKind.COMPANY,
        full_name=data.name,
        bin=data.bin,
        identity_status=IdentityStatus.UNVERIFIED,
    )
    session.add(company)
    session.flush()
    open_owner_account(session, party_id=company.id)
    session.add(CompanyMember(company_id=company.id, person_id=person.id))
    session.flush()
    record(
        session,
        action="company.register",
        object_type="party",
        object_id=company.id,
        on_behalf_of=company.id,
        payload={"bin": data.bin, "name": data.name},
    )
    return company


def companies_of(session: Session, *, person_id: int) -> list[Party]:
    return list(
        session.scalars(
            select(Party)
            .join(CompanyMember, CompanyMember.company_id == Party.id)
            .where(CompanyMember.person_id == person_id)
            .order_by(Party.id)
        )
    )


def authenticate(session: Session, *, login: str, password: str) -> User:
    """The user with these credentials; footprints record success and failure alike."""
    user = session.scalar(select(User).where(User.login == login.strip().lower()))
    if not verify_password(user.password_hash if user else None, password):
        raise InvalidCredentials()
    assert user is not None
    if not user.is_active:
        raise AccountDisabled()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    identify_actor(user_id=user.id, login=user.login)
    record(session, action="user.login", object_type="user", object_id=user.id)
    return user


def grant_role(session: Session, *, user: User, role: Role) -> None:
    if role in user.roles:
        return
    user.role_rows.append(UserRole(role=role))
    session.flush()
    record(
        session,
        action="user.grant_role",
        object_type="user",
        object_id=user.id,
        payload={"role": role},
    )


def revoke_role(session: Session, *, user: User, role: Role) -> None:
    for row in list(user.role_rows):
        if row.role == role:
            user.role_rows.remove(row)
            session.flush()
            record(
                session,
                action="user.revoke_role",
                object_type="user",
                object_id=user.id,
                payload={"role": role},
            )


def set_identity_status(session: Session, *, person: Party, status: IdentityStatus) -> None:
    if person.identity_status == status:
        return
    previous = person.identity_status
    person.identity_status = status
    record(
        session,
        action="person.identity_status",
        object_type="party",
        object_id=person.id,
        on_behalf_of=person.id,
        payload={"from": previous, "to": status},
    )


def get_user(session: Session, *, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None:
        raise UserNotFound(f"No user with login {login!r}.")
    return user


def user_by_id(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user and user.is_active else None


def set_preferred_locale(session: Session, *, user: User, locale: str) -> None:
    """Remember the language the user chose for the pages (applied again at their next login)."""
    if user.locale == locale:
        return
    previous, user.locale = user.locale, locale
    session.flush()
    record(
        session,
        action="user.locale",
        object_type="user",
        object_id=user.id,
        payload={"from": previous, "to": locale},
    )

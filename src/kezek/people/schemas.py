"""Request and response bodies of the people domain."""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kezek.models.party import Role

# The patterns accept either case: pydantic matches them before it applies to_lower/to_upper.
Login = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[A-Za-z0-9._-]{3,64}$"),
]
Password = Annotated[str, Field(min_length=10, max_length=200)]
Digits12 = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{12}$")]
CountryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")
]


class CompanyIn(BaseModel):
    bin: Digits12
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class RegistrationIn(BaseModel):
    """A person registers with an IIN, or a foreigner with passport number and country."""

    login: Login
    password: Password
    full_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)
    ]
    iin: Digits12 | None = None
    passport_number: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9]{5,20}$"),
        ]
        | None
    ) = None
    passport_country: CountryCode | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None
    role: Role = Role.CARRIER
    company: CompanyIn | None = Field(default=None, description="Register a company you represent")

    @model_validator(mode="after")
    def one_identifier(self) -> Self:
        if self.iin and (self.passport_number or self.passport_country):
            raise ValueError("give either an IIN or a passport number and country, not both")
        if not self.iin and not (self.passport_number and self.passport_country):
            raise ValueError("give an IIN, or a passport number with its country")
        if self.passport_country == "KZ":
            raise ValueError("citizens of Kazakhstan register with their IIN")
        return self


class CompanyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    bin: str | None
    full_name: str


class MeOut(BaseModel):
    id: int
    login: str
    email: str | None
    roles: list[str]
    person_id: int
    full_name: str
    national_id: str
    identity_status: str
    companies: list[CompanyOut]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class RoleGrantIn(BaseModel):
    role: Role

"""What the registry says of a vehicle, as plain data (also the stand-in's data format)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kezek.models.party import Party, PartyKind


@dataclass(frozen=True)
class RegistryParty:
    """A person (IIN, or passport number and country for foreigners) or a company (BIN)."""

    kind: str  # "person" or "company"
    iin: str | None = None
    bin: str | None = None
    passport_number: str | None = None
    passport_country: str | None = None

    def is_party(self, party: Party) -> bool:
        """Whether this names `party` (by IIN, BIN, or passport number and country)."""
        if self.kind != party.kind:
            return False
        if self.kind == PartyKind.COMPANY:
            return self.bin is not None and self.bin == party.bin
        if self.iin:
            return self.iin == party.iin
        return (
            self.passport_number is not None
            and self.passport_number == party.passport_number
            and self.passport_country == party.passport_country
        )

    def masked(self) -> str:
        """Who this is, with most of the number hidden: `IIN 79********21`."""
        if self.kind == PartyKind.COMPANY:
            return f"a company with BIN {_mask(self.bin or '')}"
        if self.iin:
            return f"a person with IIN {_mask(self.iin)}"
        return f"a person with passport {self.passport_country} {_mask(self.passport_number or '')}"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "RegistryParty":
        return cls(
            kind=str(data.get("kind", PartyKind.PERSON)),
            iin=data.get("iin"),
            bin=data.get("bin"),
            passport_number=data.get("passport_number"),
            passport_country=data.get("passport_country"),
        )

    def to_json(self) -> dict[str, Any]:
        fields = {
            "iin": self.iin,
            "bin": self.bin,
            "passport_number": self.passport_number,
            "passport_country": self.passport_country,
        }
        return {"kind": self.kind, **{k: v for k, v in fields.items() if v is not None}}


def _mask(number: str) -> str:
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


@dataclass(frozen=True)
class InsuredDriver:
    """A person an insurance policy lets drive the vehicle from `valid_from` to `valid_to`."""

    person: RegistryParty
    valid_from: date
    valid_to: date

    def covers(self, party: Party, on: date) -> bool:
        return self.person.is_party(party) and self.valid_from <= on <= self.valid_to

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "InsuredDriver":
        return cls(
            person=RegistryParty.from_json({"kind": PartyKind.PERSON, **data}),
            valid_from=date.fromisoformat(data["valid_from"]),
            valid_to=date.fromisoformat(data["valid_to"]),
        )

    def to_json(self) -> dict[str, Any]:
        person = {k: v for k, v in self.person.to_json().items() if k != "kind"}
        return {
            **person,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
        }


@dataclass(frozen=True)
class RegistryVehicle:
    vin: str
    plate: str
    country: str
    owner: RegistryParty
    holders: list[RegistryParty] = field(default_factory=list)
    insured_drivers: list[InsuredDriver] = field(default_factory=list)

    def owned_or_held_by(self, party: Party) -> bool:
        return self.owner.is_party(party) or any(h.is_party(party) for h in self.holders)

    def insures(self, party: Party, on: date) -> bool:
        return any(d.covers(party, on) for d in self.insured_drivers)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "RegistryVehicle":
        return cls(
            vin=str(data["vin"]),
            plate=str(data.get("plate", "")),
            country=str(data.get("country", "KZ")),
            owner=RegistryParty.from_json(data["owner"]),
            holders=[RegistryParty.from_json(h) for h in data.get("holders", [])],
            insured_drivers=[InsuredDriver.from_json(d) for d in data.get("insured_drivers", [])],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "vin": self.vin,
            "plate": self.plate,
            "country": self.country,
            "owner": self.owner.to_json(),
            "holders": [h.to_json() for h in self.holders],
            "insured_drivers": [d.to_json() for d in self.insured_drivers],
        }

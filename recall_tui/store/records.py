"""Typed records the store hands up: the SQLModel models, and a patient with decoded fields.

Rows read with Core statements become model instances without validation
(``model_construct``: the database already checked them; ~6 µs a row), so a hot path pays
little for being typed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from sqlmodel import SQLModel

from . import models

M = TypeVar("M", bound=SQLModel)


def record(model: type[M], row) -> M:
    """One Core row (with at least the model's columns) as a ``model`` instance."""
    return model.model_construct(**row._mapping)


def record_or_none(model: type[M], row) -> M | None:
    return None if row is None else record(model, row)


class Phone(SQLModel):
    e164: str
    label: str = "self"  # self | caregiver | other
    name: str = ""


class PatientRecord(SQLModel):
    """A patient as the services use one: phones in order, consent and channels decoded."""

    id: int
    mrn: str
    full_name: str
    name_key: str
    sex: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    email: str | None = None
    language: str = "vi"
    bhyt: str | None = None
    cccd: str | None = None
    address: str | None = None
    note: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    phones: list[Phone] = []
    consent: dict[str, bool] = {}  # channel -> given (absent: given)
    channels: list[str] = []  # preferred channels, in order
    parts: list[str] = []  # preferred parts of day

    @property
    def born(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


def decode_consent(raw: str | None) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for item in filter(None, (raw or "").split(",")):
        k, _, v = item.partition("=")
        out[k] = v == "1"
    return out


def patient_record(row: models.Patient, phones: list) -> PatientRecord:
    return PatientRecord.model_construct(
        **{k: getattr(row, k) for k in PatientRecord.model_fields
           if k not in ("phones", "consent", "channels", "parts")},
        phones=[Phone.model_construct(e164=p.e164, label=p.label, name=p.name) for p in phones],
        consent=decode_consent(row.consent),
        channels=[c for c in (row.preferred_channels or "").split(",") if c],
        parts=[c for c in (row.preferred_parts or "").split(",") if c])

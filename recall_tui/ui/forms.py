"""Reading a patient form (register or edit): its phones and birth fields, as the patients
service takes them. Dates and times are read by ``core.parse``, as on the command line."""

from __future__ import annotations

import re

from ..core.parse import parse_date


def patient_form_values(v: dict) -> tuple[list, dict]:
    """The phones and birth fields of a patient form (register or edit), as the patients
    service takes them: (phones_in, {"birth_year" | "birth_date": ...})."""
    from ..services.patients import PhoneIn

    phones = [PhoneIn(v["phone"])] if v["phone"].strip() else []
    if v["caregiver"].strip():
        phones.append(PhoneIn(v["caregiver"], "caregiver", v["caregiver_name"]))
    born = v["born"].strip()
    kw: dict = {}
    if re.fullmatch(r"\d{4}", born):
        kw["birth_year"] = int(born)
    elif born:
        kw["birth_date"] = parse_date(born, field="birth_date")
    return phones, kw

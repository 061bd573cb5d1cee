"""FHIR R4: follow-up orders as a Bundle of Patient, ServiceRequest and Appointment, and
such Bundles read back.

Built as plain JSON and validated with the maintained models of ``fhir.resources``
(its R4B package: Patient, ServiceRequest, Appointment and Bundle are the same resources
as in R4). Read the same way: a Bundle that does not validate is refused with the
validator's reasons.

How recall says things in FHIR (docs/his.md):
- Patient: identifier ``urn:recall:mrn`` (and ``urn:vn:cccd``, ``urn:vn:bhyt``), name
  text, gender, birthDate (a year alone when only the year is known), phones and e-mail.
- ServiceRequest (the order): identifier ``urn:recall:order`` (and the slip's keys
  ``urn:vn:qd130:giayhen`` = MA_CSKCB|MA_LK|SO_GIAYHEN_KL when it came from an HIS),
  intent "order", code SNOMED CT 390906007 "Follow-up encounter", occurrenceTiming: event
  = the target date, repeat.boundsPeriod = the window; requester = the doctor
  (``urn:recall:doctor``), locationCode = the clinic (``urn:recall:clinic``),
  patientInstruction. No diagnosis is written.
- Appointment: identifier ``urn:recall:appointment`` (the appointment code), status,
  start/end of its session (or its time), basedOn the ServiceRequest, the patient and the
  doctor as participants.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

MRN = "urn:recall:mrn"
ORDER = "urn:recall:order"
APPOINTMENT = "urn:recall:appointment"
DOCTOR = "urn:recall:doctor"
CLINIC = "urn:recall:clinic"
CCCD = "urn:vn:cccd"
BHYT = "urn:vn:bhyt"
SLIP = "urn:vn:qd130:giayhen"
SNOMED = "http://snomed.info/sct"
FOLLOW_UP = ("390906007", "Follow-up encounter")
_NS = uuid.UUID("6f1d3b4e-5c0a-4c55-9a53-2f3c7d0e9b11")  # recall's namespace for urn:uuid

# recall's statuses in FHIR's words, and back
ORDER_STATUS = {"open": "active", "booked": "active", "fulfilled": "completed",
                "lapsed": "revoked", "cancelled": "revoked"}
APPT_STATUS = {"booked": "booked", "confirmed": "booked", "checked_in": "checked-in",
               "completed": "fulfilled", "cancelled": "cancelled", "rescheduled": "cancelled",
               "no_show": "noshow", "entered_in_error": "entered-in-error"}
GENDER = {"M": "male", "F": "female", "O": "other"}
MAX_BYTES = 32 * 1024 * 1024


class FhirError(ValueError):
    """A Bundle that is not valid FHIR R4 (or not one recall reads); ``problems`` says
    where."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# -- out -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PatientOut:
    mrn: str
    name: str
    birth_date: date | None = None
    birth_year: int | None = None
    sex: str | None = None
    phones: tuple[str, ...] = ()  # E.164
    email: str | None = None
    cccd: str | None = None
    bhyt: str | None = None
    address: str | None = None
    language: str = "vi"


@dataclass(frozen=True)
class OrderOut:
    order_id: int
    mrn: str
    status: str  # recall's
    target: date
    earliest: date
    latest: date
    ordered_at: datetime
    clinic: str
    clinic_name: str
    doctor: str | None = None
    doctor_name: str | None = None
    instructions: str = ""
    slip_key: str | None = None  # MA_CSKCB|MA_LK|SO_GIAYHEN_KL


@dataclass(frozen=True)
class AppointmentOut:
    code: str
    order_id: int
    mrn: str
    status: str  # recall's
    start: datetime
    end: datetime
    booked_at: datetime
    doctor: str | None = None


def _ref(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, f'{kind}:{key}')}"


def _patient(p: PatientOut) -> dict:
    ids = [{"system": MRN, "value": p.mrn}]
    if p.cccd:
        ids.append({"system": CCCD, "value": p.cccd})
    if p.bhyt:
        ids.append({"system": BHYT, "value": p.bhyt})
    out: dict = {"resourceType": "Patient", "identifier": ids, "name": [{"text": p.name}],
                 "gender": GENDER.get(p.sex or "", "unknown")}
    if p.birth_date:
        out["birthDate"] = p.birth_date.isoformat()
    elif p.birth_year:
        out["birthDate"] = f"{p.birth_year:04d}"
    telecom = [{"system": "phone", "value": ph, "use": "mobile"} for ph in p.phones]
    if p.email:
        telecom.append({"system": "email", "value": p.email})
    if telecom:
        out["telecom"] = telecom
    if p.address:
        out["address"] = [{"text": p.address}]
    out["communication"] = [{"language": {"coding": [
        {"system": "urn:ietf:bcp:47", "code": p.language}]}, "preferred": True}]
    return out


def _request(o: OrderOut) -> dict:
    ids = [{"system": ORDER, "value": str(o.order_id)}]
    if o.slip_key:
        ids.append({"system": SLIP, "value": o.slip_key})
    out: dict = {
        "resourceType": "ServiceRequest", "identifier": ids,
        "status": ORDER_STATUS.get(o.status, "unknown"), "intent": "order",
        "code": {"coding": [{"system": SNOMED, "code": FOLLOW_UP[0], "display": FOLLOW_UP[1]}],
                 "text": "Tái khám / follow-up visit"},
        "subject": {"reference": _ref("patient", o.mrn)},
        "authoredOn": o.ordered_at.isoformat(),
        "occurrenceTiming": {"event": [o.target.isoformat()], "repeat": {"boundsPeriod": {
            "start": o.earliest.isoformat(), "end": o.latest.isoformat()}}},
        "locationCode": [{"coding": [{"system": CLINIC, "code": o.clinic}],
                          "text": o.clinic_name}],
    }
    if o.doctor:
        out["requester"] = {"identifier": {"system": DOCTOR, "value": o.doctor},
                            "display": o.doctor_name or o.doctor}
    if o.instructions:
        out["patientInstruction"] = o.instructions
    return out


def _appointment(a: AppointmentOut) -> dict:
    participants = [{"actor": {"reference": _ref("patient", a.mrn)}, "status": "accepted"}]
    if a.doctor:
        participants.append({"actor": {"identifier": {"system": DOCTOR, "value": a.doctor}},
                             "status": "accepted"})
    out = {"resourceType": "Appointment",
           "identifier": [{"system": APPOINTMENT, "value": a.code}],
           "status": APPT_STATUS.get(a.status, "booked"),
           "start": a.start.isoformat(), "end": a.end.isoformat(),
           "created": a.booked_at.isoformat(),
           "basedOn": [{"reference": _ref("order", str(a.order_id))}],
           "participant": participants}
    if a.status == "rescheduled":
        out["cancelationReason"] = {"text": "rescheduled"}
    return out


def bundle(patients: list[PatientOut], orders: list[OrderOut],
           appointments: list[AppointmentOut], *, now: datetime) -> str:
    """The Bundle (type "collection") as JSON, validated first (FhirError if it is not
    valid R4)."""
    entries = [{"fullUrl": _ref("patient", p.mrn), "resource": _patient(p)} for p in patients]
    entries += [{"fullUrl": _ref("order", str(o.order_id)), "resource": _request(o)}
                for o in orders]
    entries += [{"fullUrl": _ref("appointment", a.code), "resource": _appointment(a)}
                for a in appointments]
    doc = {"resourceType": "Bundle", "type": "collection", "timestamp": now.isoformat(),
           "entry": entries}
    validate(doc)
    return json.dumps(doc, ensure_ascii=False, indent=1)


# The value sets R4 binds as "required" for the elements recall reads and writes: the
# models check structure, cardinality and types, not these codes.
REQUIRED_CODES = {
    ("Bundle", "type"): {"document", "message", "transaction", "transaction-response",
                         "batch", "batch-response", "history", "searchset", "collection"},
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("ServiceRequest", "status"): {"draft", "active", "on-hold", "revoked", "completed",
                                   "entered-in-error", "unknown"},
    ("ServiceRequest", "intent"): {"proposal", "plan", "directive", "order", "original-order",
                                   "reflex-order", "filler-order", "instance-order", "option"},
    ("Appointment", "status"): {"proposed", "pending", "booked", "arrived", "fulfilled",
                                "cancelled", "noshow", "entered-in-error", "checked-in",
                                "waitlist"},
    ("Appointment.participant", "status"): {"accepted", "declined", "tentative",
                                            "needs-action"},
}


def _bindings(doc: dict) -> list[str]:
    problems = []

    def check(where: str, kind: str, obj: dict, name: str) -> None:
        allowed = REQUIRED_CODES[(kind, name)]
        value = obj.get(name)
        if value is not None and value not in allowed:
            problems.append(f"{where}.{name}: {value!r} is not one of {', '.join(sorted(allowed))}")

    check("Bundle", "Bundle", doc, "type")
    for i, entry in enumerate(doc.get("entry") or []):
        res = entry.get("resource") or {}
        kind = res.get("resourceType")
        where = f"entry.{i}.resource({kind})"
        for k, name in REQUIRED_CODES:
            if k == kind:
                check(where, kind, res, name)
        if kind == "Appointment":
            for j, part in enumerate(res.get("participant") or []):
                check(f"{where}.participant.{j}", "Appointment.participant", part, "status")
    return problems


def validate(doc: dict):
    """The Bundle checked by the fhir.resources models, and the required value sets of the
    elements recall uses; FhirError naming each problem."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        model = Bundle.model_validate(doc)
    except ValidationError as exc:
        raise FhirError([f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                         for e in exc.errors()[:20]]) from None
    problems = _bindings(doc)
    if problems:
        raise FhirError(problems)
    return model


# -- in ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PatientIn:
    ref: str
    name: str
    birth_date: date | None = None
    birth_year: int | None = None
    sex: str | None = None
    phone: str | None = None
    email: str | None = None
    mrn: str | None = None
    cccd: str | None = None
    bhyt: str | None = None
    address: str | None = None
    foreign: tuple[tuple[str, str], ...] = ()  # other (system, value) identifiers


@dataclass(frozen=True)
class RequestIn:
    """A ServiceRequest. ``target``, ``earliest``, ``latest``: a date, or an aware instant
    whose day is the clinic's local date of it (the reader converts)."""

    ref: str
    identifiers: tuple[tuple[str, str], ...]
    status: str
    patient_ref: str
    target: date | datetime | None
    earliest: date | datetime | None
    latest: date | datetime | None
    clinic_codes: tuple[tuple[str, str], ...]  # (system, code) of locationCode
    doctor: tuple[str, str] | None  # (system, value) of the requester
    instructions: str = ""


@dataclass(frozen=True)
class AppointmentIn:
    ref: str
    identifiers: tuple[tuple[str, str], ...]
    status: str
    patient_ref: str | None
    start: datetime | None
    end: datetime | None
    based_on: tuple[str, ...]  # references to ServiceRequests
    doctor: tuple[str, str] | None


@dataclass
class BundleIn:
    patients: dict[str, PatientIn] = field(default_factory=dict)  # by every reference
    requests: list[RequestIn] = field(default_factory=list)
    appointments: list[AppointmentIn] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # resources recall does not read


def _ids(res) -> tuple[tuple[str, str], ...]:
    return tuple((i.system or "", i.value) for i in (res.identifier or []) if i.value)


def _when(value) -> date | datetime | None:
    """A FHIR date or dateTime as recall reads it: a date as it is; an instant as it is
    (aware, in the offset it was written in: its local date is the clinic's zone's, which
    the reader knows and this module does not); a partial date (a month, a year) as None."""
    if value is None:
        return None
    if isinstance(value, date):  # a datetime is a date too
        return value
    s = str(value)
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")) if "T" in s else \
            date.fromisoformat(s)
    except ValueError:
        return None


def _refs(entry) -> list[str]:
    res = entry.resource
    out = []
    if entry.fullUrl:
        out.append(str(entry.fullUrl))
    if res.id:
        out.append(f"{res.__resource_type__}/{res.id}")
    return out


def read_bundle(data: bytes) -> BundleIn:
    """A Bundle's patients, service requests and appointments (FhirError when the JSON is
    not a valid R4 Bundle)."""
    if len(data) > MAX_BYTES:
        raise FhirError([f"{len(data):,} bytes: larger than recall reads"])
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FhirError([f"not JSON: {exc}"]) from None
    if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
        raise FhirError(["not a FHIR Bundle (resourceType is not \"Bundle\")"])
    b = validate(doc)
    out = BundleIn()
    for entry in b.entry or []:
        res = entry.resource
        kind = res.__resource_type__
        refs = _refs(entry)
        ref = refs[0] if refs else f"{kind}#{len(out.requests) + len(out.appointments)}"
        if kind == "Patient":
            p = _patient_in(res, ref)
            for r in refs:
                out.patients[r] = p
        elif kind == "ServiceRequest":
            out.requests.append(_request_in(res, ref))
        elif kind == "Appointment":
            out.appointments.append(_appointment_in(res, ref))
        else:
            out.ignored.append(f"{kind} {ref}")
    return out


def _patient_in(res, ref: str) -> PatientIn:
    ids = _ids(res)
    by = dict(ids)
    name = ""
    for n in res.name or []:
        name = n.text or " ".join([*(n.family and [n.family] or []), *(n.given or [])])
        if name:
            break
    birth = str(res.birthDate) if res.birthDate else ""
    bd = date.fromisoformat(birth) if len(birth) == 10 else None
    by_year = int(birth[:4]) if len(birth) >= 4 else None
    phone = next((t.value for t in res.telecom or [] if t.system in ("phone", "sms")), None)
    email = next((t.value for t in res.telecom or [] if t.system == "email"), None)
    address = next((a.text for a in res.address or [] if a.text), None)
    return PatientIn(
        ref=ref, name=name, birth_date=bd, birth_year=by_year,
        sex={"male": "M", "female": "F", "other": "O"}.get(res.gender or ""), phone=phone,
        email=email, mrn=by.get(MRN), cccd=by.get(CCCD), bhyt=by.get(BHYT), address=address,
        foreign=tuple((s, v) for s, v in ids if s not in (MRN, CCCD, BHYT)))


def _request_in(res, ref: str) -> RequestIn:
    target = earliest = latest = None
    if res.occurrenceTiming is not None:
        t = res.occurrenceTiming
        target = _when(t.event[0]) if t.event else None
        bp = t.repeat.boundsPeriod if t.repeat and t.repeat.boundsPeriod else None
        if bp is not None:
            earliest, latest = _when(bp.start), _when(bp.end)
    elif res.occurrencePeriod is not None:
        earliest, latest = _when(res.occurrencePeriod.start), _when(res.occurrencePeriod.end)
    elif res.occurrenceDateTime is not None:
        target = _when(res.occurrenceDateTime)
    codes = tuple((c.system or "", c.code) for lc in res.locationCode or []
                  for c in lc.coding or [] if c.code)
    doctor = None
    if res.requester is not None and res.requester.identifier is not None:
        doctor = (res.requester.identifier.system or "", res.requester.identifier.value)
    return RequestIn(ref=ref, identifiers=_ids(res), status=res.status,
                     patient_ref=res.subject.reference if res.subject else "",
                     target=target or earliest, earliest=earliest, latest=latest,
                     clinic_codes=codes, doctor=doctor,
                     instructions=res.patientInstruction or "")


def _appointment_in(res, ref: str) -> AppointmentIn:
    patient_ref, doctor = None, None
    for part in res.participant or []:
        actor = part.actor
        if actor is None:
            continue
        if actor.reference and patient_ref is None and (
                "Patient/" in actor.reference or actor.reference.startswith("urn:")):
            patient_ref = actor.reference
        elif actor.identifier is not None and doctor is None:
            doctor = (actor.identifier.system or "", actor.identifier.value)
    start = res.start
    if start is None and res.requestedPeriod:
        start = res.requestedPeriod[0].start
    return AppointmentIn(
        ref=ref, identifiers=_ids(res), status=res.status, patient_ref=patient_ref,
        start=start if isinstance(start, datetime) else None,
        end=res.end if isinstance(res.end, datetime) else None,
        based_on=tuple(r.reference for r in res.basedOn or [] if r.reference), doctor=doctor)

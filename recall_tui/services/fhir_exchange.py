"""Follow-up orders with other systems in FHIR R4 (``interop.fhir``).

``export_bundle``: the orders issued in a period, their patients and appointments, as a
validated Bundle. ``import_bundle``: a Bundle's ServiceRequests (and proposed
Appointments) as orders, its booked Appointments as bookings.

A file is one write transaction: every order of it, or none (a refusal names the resource).
Resources are known again by their identifiers: recall's own (``urn:recall:order``,
``urn:recall:appointment``, ``urn:recall:mrn``: a Bundle recall exported comes back as the
same orders and appointments), the slip's keys (``urn:vn:qd130:giayhen``), or a foreign
(system, value) remembered in ``fhir_link``. A ServiceRequest known again with another
date is a correction (``order_corrections``). A booked Appointment of another system is
booked here after the file's commit, through the booking use case (a refusal is said, the
order stays open for the desk).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..config import HisSettings
from ..core.calendar import Part
from ..core.errors import BadInput, DomainError, Refused
from ..core.privacy import diagnosis_in
from ..files import write_private
from ..interop import fhir
from ..store import appointments as appt_repo
from ..store import his as repo
from ..store import orders as order_repo
from ..store import patients as patient_repo
from ..store import sessions as session_repo
from . import booking, orders
from .context import Context
from .his_export import period
from .order_corrections import WHY, call_list_within, correct_within
from .patient_match import Identity, Note, find_or_register

OPEN_REQUEST = ("active", "draft", "on-hold")
PROPOSED = ("proposed", "pending", "waitlist")


# -- export ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FhirExport:
    path: str
    patients: int
    orders: int
    appointments: int


def export_bundle(ctx: Context, *, start: date, end: date, out: str,
                  now: datetime) -> FhirExport:
    lo, hi = period(ctx, start, end)
    with ctx.db.read() as conn:
        rows = repo.orders_issued(conn, lo, hi)
        appts = repo.appointments_of_orders(conn, [r.order_id for r in rows])
        phones = patient_repo.phones_of(conn, sorted({r.patient_id for r in rows}))
        sessions = {sid: session_repo.get(conn, sid) for sid in {a.session_id for a in appts}}
    patients: dict[str, fhir.PatientOut] = {}
    requests, visits = [], []
    mrn_of = {}
    for r in rows:
        mrn_of[r.order_id] = r.mrn
        patients.setdefault(r.mrn, fhir.PatientOut(
            mrn=r.mrn, name=r.full_name, birth_date=r.birth_date, birth_year=r.birth_year,
            sex=r.sex, phones=tuple(p.e164 for p in phones.get(r.patient_id, [])),
            email=r.email, cccd=r.cccd, bhyt=r.bhyt, address=r.address,
            language=r.language or "vi"))
        clinic = ctx.clinic_code(r.clinic_id)
        cc = ctx.cfg.clinic(clinic)
        requests.append(fhir.OrderOut(
            order_id=r.order_id, mrn=r.mrn, status=r.status, target=r.target_date,
            earliest=r.earliest, latest=r.latest, ordered_at=r.ordered_at, clinic=clinic,
            clinic_name=cc.name if cc else clinic, doctor=r.doctor_code,
            doctor_name=r.doctor_name, instructions=r.instructions or "",
            slip_key=f"{r.ma_cskcb}|{r.ma_lk}|{r.so_giayhen_kl}" if r.slip_id else None))
    for a in appts:
        s = sessions[a.session_id]
        start_t = datetime.combine(a.day, a.at_time or s.starts, tzinfo=ctx.tz)
        end_t = datetime.combine(a.day, s.ends, tzinfo=ctx.tz)
        visits.append(fhir.AppointmentOut(
            code=a.code, order_id=a.order_id, mrn=mrn_of[a.order_id], status=a.status,
            start=start_t, end=max(end_t, start_t + timedelta(minutes=15)),
            booked_at=a.booked_at, doctor=ctx.doctor_code(a.doctor_id)))
    try:
        text = fhir.bundle(list(patients.values()), requests, visits, now=now)
    except fhir.FhirError as exc:  # recall wrote something FHIR does not allow: a bug
        raise BadInput("fhir.invalid", f"Bundle không hợp lệ: {exc}",
                       f"The Bundle would not be valid FHIR R4: {exc}", field="out") from None
    path = write_private(out, text, field="out")
    return FhirExport(str(path), len(patients), len(requests), len(visits))


# -- import ------------------------------------------------------------------------------------

@dataclass
class FhirItem:
    resource: str  # ServiceRequest | Appointment
    reference: str
    outcome: str  # created | unchanged | moved | closed | booked | skipped
    order_id: int | None = None
    appointment: str | None = None
    notes: list[Note] = field(default_factory=list)


@dataclass
class FhirImportReport:
    file: str
    ok: bool = False
    dry_run: bool = False
    errors: list[Note] = field(default_factory=list)  # each in both languages
    items: list[FhirItem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    orders_created: int = 0
    orders_moved: int = 0
    unchanged: int = 0
    appointments_booked: int = 0
    patients_created: int = 0


class _Refuse(Exception):
    """The file is refused whole: why, in both languages."""

    def __init__(self, code: str, en: str, vi: str):
        super().__init__(en)
        self.note = Note(code, en, vi)


class _DryRun(Exception):
    pass


@dataclass
class _ToBook:
    item: FhirItem
    appointment: fhir.AppointmentIn
    order_id: int
    mrn: str
    clinic: str
    doctor: str | None


def import_bundle(ctx: Context, *, path: str, now: datetime,
                  dry_run: bool = False) -> FhirImportReport:
    conf = ctx.cfg.his
    p = Path(path)
    if not p.is_file():
        raise BadInput("fhir.path", f"Không có tệp {path}.", f"No such file: {path}.",
                       field="file")
    rep = FhirImportReport(file=str(p), dry_run=dry_run)
    try:
        b = fhir.read_bundle(p.read_bytes())
    except fhir.FhirError as exc:
        rep.errors = [Note("fhir.invalid", f"not a valid FHIR R4 Bundle: {p}",
                           f"không phải Bundle FHIR R4 hợp lệ: {p}") for p in exc.problems]
        return rep
    rep.ignored = b.ignored
    to_book: list[_ToBook] = []
    try:
        with ctx.db.write() as conn:
            run = _Run(conn, ctx, conf, b, now, rep)
            for req in b.requests:
                rep.items.append(run.request(req))
            for appt in b.appointments:
                rep.items.append(run.appointment(appt, to_book))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except _Refuse as exc:
        rep.errors, rep.items = [exc.note], []
        rep.orders_created = rep.orders_moved = rep.unchanged = rep.patients_created = 0
        return rep
    rep.ok = True
    if not dry_run:
        for tb in to_book:
            _book(ctx, tb, now, rep)
    return rep


class _Run:
    """One file's import, inside its write transaction."""

    def __init__(self, conn, ctx: Context, conf: HisSettings, b: fhir.BundleIn,
                 now: datetime, rep: FhirImportReport):
        self.conn, self.ctx, self.conf, self.b, self.now, self.rep = conn, ctx, conf, b, now, rep
        self.order_of: dict[str, int] = {}  # ServiceRequest reference -> order id

    # -- finding what we know --------------------------------------------------------------
    def _known_order(self, ref: str, ids, resource: str) -> int | None:
        by = dict(ids)
        if fhir.ORDER in by:
            v = by[fhir.ORDER]
            if not v.isdigit() or order_repo.get(self.conn, int(v)) is None:
                raise _Refuse("fhir.unknown_order",
                              f"{resource} {ref}: recall order {v} does not exist here",
                              f"{resource} {ref}: không có chỉ định {v} trong recall")
            return int(v)
        if fhir.SLIP in by:
            keys = by[fhir.SLIP].split("|")
            if len(keys) == 3:
                s = repo.slip_by_key(self.conn, *keys)
                if s is not None:
                    return s.order_id
        for system, value in ids:
            if system in (fhir.ORDER, fhir.SLIP):
                continue
            oid = repo.fhir_target(self.conn, resource, system[:255], value[:255])
            if oid is not None:
                return oid
        return None

    def _patient(self, ref: str | None, what: str) -> tuple[str, int]:
        p = self.b.patients.get(ref or "")
        if p is None:
            raise _Refuse("fhir.no_patient", f"{what}: its patient {ref!r} is not in the Bundle",
                          f"{what}: bệnh nhân {ref!r} không có trong Bundle")
        mrn = p.mrn
        for system, value in p.foreign:
            pid = repo.fhir_target(self.conn, "Patient", system[:255], value[:255])
            if pid is not None:
                mrn = repo.patient_row(self.conn, pid).mrn
                break
        if not p.name and not mrn:
            raise _Refuse("fhir.no_name", f"{what}: its patient {ref} has no name",
                          f"{what}: bệnh nhân {ref} không có họ tên")
        try:
            m = find_or_register(self.conn, self.ctx, Identity(
                name=p.name, birth_date=p.birth_date, birth_year=p.birth_year, sex=p.sex,
                phone=p.phone, cccd=p.cccd, cards=(p.bhyt,) if p.bhyt else (),
                address=p.address, mrn=mrn), now=self.now)
        except DomainError as exc:
            raise _Refuse(exc.code, f"{what}, patient {ref}: {exc.en}",
                          f"{what}, bệnh nhân {ref}: {exc.vi}") from None
        self.rep.patients_created += m.created
        for system, value in p.foreign:
            repo.link_fhir(self.conn, resource="Patient", system=system[:255],
                           value=value[:255], target_id=m.patient_id, now=self.now)
        return m.mrn, m.patient_id

    def _clinic(self, codes, what: str, fallback: int | None = None) -> str:
        known = {c.code for c in self.ctx.cfg.clinics}
        for system, code in codes:
            if system == fhir.CLINIC and code.upper() in known:
                return code.upper()
            if code in self.conf.clinics:
                return self.conf.clinics[code]
        if fallback is not None:
            return self.ctx.clinic_code(fallback)
        if self.conf.default_clinic:
            return self.conf.default_clinic
        shown = ", ".join(f"{s}|{c}" for s, c in codes) or "-"
        raise _Refuse("fhir.no_clinic",
                      f"{what}: no recall clinic for locationCode {shown} ([his.clinics] or "
                      "[his] default_clinic in recall.toml)",
                      f"{what}: chưa có phòng khám cho locationCode {shown} ([his.clinics] "
                      "hoặc [his] default_clinic trong recall.toml)")

    def _doctor(self, who: tuple[str, str] | None, clinic: str, notes: list[Note]) -> str | None:
        if who is None:
            return None
        system, value = who
        known = {d.code: d for d in self.ctx.cfg.doctors}
        code = value.upper() if system == fhir.DOCTOR and value.upper() in known else None
        code = code or self.conf.doctors.get(value) or next(
            (d.code for d in self.ctx.cfg.doctors
             if d.licence and d.licence.strip().upper() == value.strip().upper()), None)
        if code is None or (known[code].clinics and clinic not in known[code].clinics):
            notes.append(Note("doctor.unknown", f"doctor {value!r} is not a recall doctor of "
                              f"{clinic}: the order has no doctor",
                              f"bác sĩ {value!r} không phải bác sĩ của {clinic} trong recall: "
                              "chỉ định không ghi bác sĩ"))
            return None
        return code

    def _link(self, resource: str, ids, target: int) -> None:
        for system, value in ids:
            if system in (fhir.ORDER, fhir.APPOINTMENT, fhir.SLIP):
                continue
            repo.link_fhir(self.conn, resource=resource, system=system[:255],
                           value=value[:255], target_id=target, now=self.now)

    # -- an order ------------------------------------------------------------------------------
    def _order(self, *, ref: str, ids, resource: str, link_as: str, status_open: bool,
               patient_ref: str | None, target: date | None, clinic_codes, doctor,
               instructions: str = "") -> FhirItem:
        item = FhirItem(resource, ref, "unchanged")
        if not ids:
            raise _Refuse("fhir.no_identifier", f"{resource} {ref}: no identifier (it could "
                          "not be recognised when sent again)",
                          f"{resource} {ref}: không có identifier (gửi lại sẽ không nhận ra)")
        oid = self._known_order(ref, ids, link_as)
        if oid is not None:
            o = order_repo.get(self.conn, oid)
            item.order_id = oid
            if target is None or not status_open:
                self.rep.unchanged += 1
                return item
            clinic = self._clinic(clinic_codes, f"{resource} {ref}", fallback=o.clinic_id)
            doctor = self._doctor(doctor, clinic, item.notes) if doctor else \
                self.ctx.doctor_code(o.doctor_id)
            try:
                fix = correct_within(self.conn, self.ctx, order_id=oid, target=target,
                                     clinic=clinic, doctor=doctor, now=self.now,
                                     reason=f"corrected {resource} (FHIR)",
                                     details={"fhir": ref})
            except DomainError as exc:
                raise _Refuse(exc.code, f"{resource} {ref}: {exc.en}",
                              f"{resource} {ref}: {exc.vi}") from None
            item.outcome = fix.outcome
            if fix.outcome == "moved":
                self.rep.orders_moved += 1
                if fix.outside is not None:
                    call_list_within(self.conn, self.ctx, order_id=oid,
                                     appointment=fix.outside, now=self.now, why=fix.why)
                    vi, en = WHY[fix.why]
                    item.notes.append(Note(
                        "appointment.outside",
                        f"appointment {fix.outside.code} {en}: on the call list",
                        f"lịch hẹn {fix.outside.code} {vi}: đã đưa vào danh sách cần gọi"))
            else:
                self.rep.unchanged += 1
            return item
        if not status_open:
            item.outcome = "skipped"
            item.notes.append(Note("fhir.not_open", "not an open request: nothing imported",
                                   "không phải chỉ định đang mở: không nhập"))
            return item
        if target is None:
            raise _Refuse("fhir.no_date", f"{resource} {ref}: no date (occurrence or start)",
                          f"{resource} {ref}: không có ngày (occurrence hoặc start)")
        if target < self.ctx.today(self.now):
            raise _Refuse("fhir.past", f"{resource} {ref}: {target:%d/%m/%Y} is already past",
                          f"{resource} {ref}: ngày {target:%d/%m/%Y} đã qua")
        mrn, _ = self._patient(patient_ref, f"{resource} {ref}")
        clinic = self._clinic(clinic_codes, f"{resource} {ref}")
        doc = self._doctor(doctor, clinic, item.notes)
        try:
            o = orders.add_within(self.conn, self.ctx, patient=mrn, clinic=clinic, doctor=doc,
                                  target=target, instructions=instructions, source="fhir",
                                  now=self.now)
        except DomainError as exc:
            raise _Refuse(exc.code, f"{resource} {ref}: {exc.en}",
                          f"{resource} {ref}: {exc.vi}") from None
        self._link(link_as, ids, o.id)
        item.outcome, item.order_id = "created", o.id
        self.rep.orders_created += 1
        return item

    def request(self, req: fhir.RequestIn) -> FhirItem:
        instructions, withheld = req.instructions, None
        said = diagnosis_in(instructions)
        if said:  # never a diagnosis in what the patient's messages say
            instructions = ""
            withheld = Note(
                "instructions.withheld",
                f"patientInstruction not kept: it names what looks like a diagnosis "
                f"({said!r}); the desk may write the instructions again",
                f"không giữ patientInstruction: có nội dung giống chẩn đoán ({said!r}); "
                "quầy có thể ghi lại hướng dẫn")
        item = self._order(ref=req.ref, ids=req.identifiers, resource="ServiceRequest",
                           link_as="ServiceRequest", status_open=req.status in OPEN_REQUEST,
                           patient_ref=req.patient_ref, target=local_day(req.target, self.ctx),
                           clinic_codes=req.clinic_codes, doctor=req.doctor,
                           instructions=instructions)
        if withheld is not None and item.outcome == "created":
            item.notes.append(withheld)
        if item.order_id is not None:
            self.order_of[req.ref] = item.order_id
        return item

    # -- an appointment ------------------------------------------------------------------------
    def appointment(self, a: fhir.AppointmentIn, to_book: list[_ToBook]) -> FhirItem:
        by = dict(a.identifiers)
        if fhir.APPOINTMENT in by:
            row = appt_repo.by_code(self.conn, by[fhir.APPOINTMENT])
            if row is None:
                raise _Refuse("fhir.unknown_appointment",
                              f"Appointment {a.ref}: recall appointment "
                              f"{by[fhir.APPOINTMENT]} does not exist here",
                              f"Appointment {a.ref}: không có lịch hẹn "
                              f"{by[fhir.APPOINTMENT]} trong recall")
            self.rep.unchanged += 1
            return FhirItem("Appointment", a.ref, "unchanged", row.order_id, row.code)
        for system, value in a.identifiers:
            aid = repo.fhir_target(self.conn, "Appointment", system[:255], value[:255])
            if aid is not None:
                row = appt_repo.by_id(self.conn, aid)
                self.rep.unchanged += 1
                return FhirItem("Appointment", a.ref, "unchanged", row.order_id, row.code)
        day = a.start.astimezone(self.ctx.tz).date() if a.start else None
        based = next((self.order_of[r] for r in a.based_on if r in self.order_of), None)
        if a.status in PROPOSED:
            if based is not None:
                self.rep.unchanged += 1
                return FhirItem("Appointment", a.ref, "unchanged", based)
            return self._order(ref=a.ref, ids=a.identifiers, resource="Appointment",
                               link_as="ProposedAppt", status_open=True,
                               patient_ref=a.patient_ref, target=day, clinic_codes=(),
                               doctor=a.doctor)
        if a.status != "booked":
            item = FhirItem("Appointment", a.ref, "skipped", based)
            item.notes.append(Note("fhir.history", f"status {a.status}: not imported (past "
                                   "visits: `recall import appointments`)",
                                   f"trạng thái {a.status}: không nhập"))
            return item
        if not a.identifiers:
            raise _Refuse("fhir.no_identifier", f"Appointment {a.ref}: no identifier (it "
                          "could not be recognised when sent again)",
                          f"Appointment {a.ref}: không có identifier (gửi lại sẽ không nhận "
                          "ra)")
        if day is None:
            raise _Refuse("fhir.no_start", f"Appointment {a.ref}: booked without a start",
                          f"Appointment {a.ref}: đã đặt nhưng không có giờ bắt đầu (start)")
        if based is None:
            item = self._order(ref=a.ref, ids=a.identifiers, resource="Appointment",
                               link_as="ProposedAppt", status_open=True,
                               patient_ref=a.patient_ref, target=day, clinic_codes=(),
                               doctor=a.doctor)
            based = item.order_id
        else:
            item = FhirItem("Appointment", a.ref, "created", based)
        o = order_repo.get(self.conn, based)
        p = patient_repo.by_id(self.conn, o.patient_id)
        to_book.append(_ToBook(item, a, based, p.mrn, self.ctx.clinic_code(o.clinic_id),
                               self.ctx.doctor_code(o.doctor_id)))
        return item


def local_day(value: date | datetime | None, ctx: Context) -> date | None:
    """A FHIR date as it is; an instant's date in the clinic's zone (17:30Z on 9 December
    is 10 December in Hanoi)."""
    if isinstance(value, datetime):
        return (value.astimezone(ctx.tz) if value.tzinfo is not None else value).date()
    return value


def _session_at(ctx: Context, clinic: str, doctor: str | None,
                at: datetime) -> tuple[date, Part, str | None, time]:
    """(day, part, doctor, local time) of the clinic's session whose hours hold the
    instant (the order's doctor's session, when the order names one); Refused when none
    does."""
    local = at.astimezone(ctx.tz)
    day, t = local.date(), local.time().replace(second=0, microsecond=0)
    specs = [s for s in ctx.calendar.sessions_on(day, clinic) if s.start <= t < s.end
             and (doctor is None or s.doctor in (None, doctor))]
    if not specs:
        raise Refused("fhir.no_session",
                      f"{clinic} không có buổi khám nào gồm giờ {t:%H:%M} ngày "
                      f"{day:%d/%m/%Y}.",
                      f"{clinic} has no session that holds {t:%H:%M} on {day:%d/%m/%Y}.",
                      field="start")
    return day, specs[0].part, specs[0].doctor, t


def _book(ctx: Context, tb: _ToBook, now: datetime, rep: FhirImportReport) -> None:
    """The Appointment booked at its start (its time kept: a clinic that books by time
    books that slot), and its identifiers linked, in one transaction."""
    a = tb.appointment
    try:
        day, part, session_doctor, at_time = _session_at(ctx, tb.clinic, tb.doctor, a.start)
        with ctx.db.write() as conn:
            b = booking.book(ctx, patient=tb.mrn, clinic=tb.clinic, day=day, part=part,
                             doctor=tb.doctor or session_doctor, at_time=at_time,
                             order_id=tb.order_id, source="import", now=now, within=conn)
            row = appt_repo.by_code(conn, b.code)
            for system, value in a.identifiers:
                repo.link_fhir(conn, resource="Appointment", system=system[:255],
                               value=value[:255], target_id=row.id, now=now)
    except DomainError as exc:
        tb.item.notes.append(Note("booking.refused", f"not booked: {exc.en}",
                                  f"chưa đặt lịch: {exc.vi}"))
        return
    tb.item.outcome, tb.item.appointment = "booked", b.code
    rep.appointments_booked += 1

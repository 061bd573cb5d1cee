"""Demo data: a realistic Vietnamese clinic with months of history.

Names follow the real frequency of Vietnamese family names; phones use the current mobile
prefixes; outcomes behave like real ones: no-shows rise with lead time and with age bands
at the extremes, fall when a reminder was sent; cancellations are mostly the patient's, some
late. Deterministic for a seed. Written in bulk (one transaction), so the benchmarks can ask
for 200,000 patients and 1,000,000 appointments.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..core import lifecycle, reminders, text
from ..core.calendar import SessionSpec
from ..core.lifecycle import Status
from ..core.scheduling import lead_days
from ..store import appointments as appt_repo
from ..store import bulk, events
from .context import Context
from .steps import active_key, session_row

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 2),
          ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4),
          ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.6), ("Trương", 0.6),
          ("Mai", 0.4), ("Lâm", 0.4), ("Tạ", 0.2), ("Châu", 0.2), ("Quách", 0.1)]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim", "Thanh", "Bích", "Mỹ", "Phương"]
MIDDLE_M = ["Văn", "Văn", "Văn", "Minh", "Hữu", "Đức", "Quốc", "Thanh", "Công", "Xuân"]
SECOND_F = ["Ngọc", "Thu", "Kim", "Bích", "Mỹ", "Phương", "Thanh", "Hồng", "Diệu", "Minh"]
SECOND_M = ["Minh", "Hữu", "Đức", "Quốc", "Thanh", "Xuân", "Hoàng", "Anh", "Gia", "Duy"]
GIVEN_F = ["Hồng", "Lan", "Hương", "Mai", "Hạnh", "Thảo", "Trang", "Linh", "Hoa", "Nga", "Yến",
           "Loan", "Hà", "Ngọc", "Thủy", "Phượng", "Dung", "Vân", "Nhung", "Oanh", "Tuyết",
           "Hằng", "Diệp", "Quyên", "Ánh"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Quang", "Hải", "Sơn", "Thắng", "Long",
           "Phong", "Đức", "Bình", "Cường", "Huy", "Khánh", "Tâm", "Trung", "Việt", "Lộc",
           "Phúc", "Thành", "Tùng", "Hiếu", "Đạt"]
MOBILE = ["90", "91", "93", "94", "96", "97", "98", "32", "33", "34", "35", "36", "37", "38",
          "39", "70", "76", "77", "78", "79", "81", "82", "83", "84", "85", "86", "88", "89"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt",
           "Phan Chu Trinh", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Võ Văn Tần"]
DISTRICTS = ["Quận 1", "Quận 3", "Quận 5", "Quận 10", "Bình Thạnh", "Gò Vấp", "Tân Bình",
             "Thủ Đức", "Phú Nhuận"]
INSTRUCTIONS = ["", "", "", "Nhịn ăn sáng trước khi lấy máu.", "Mang theo sổ khám bệnh.",
                "Mang theo đơn thuốc cũ.", "Mang kết quả xét nghiệm lần trước."]


@dataclass(frozen=True)
class DemoResult:
    patients: int
    appointments: int
    orders: int
    sessions: int
    messages: int
    start: date
    end: date


def _name(rng: random.Random, female: bool) -> str:
    fam = rng.choices([f for f, _ in FAMILY], [w for _, w in FAMILY])[0]
    mid = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    if rng.random() < 0.25:  # four words: Thị and a second middle name for women
        second = rng.choice(SECOND_F if female else SECOND_M)
        return f"{fam} Thị {second} {given}" if female else f"{fam} {second} {given}"
    return f"{fam} {mid} {given}"


def _no_show_p(lead: int, age: int, reminded: bool, history: int) -> float:
    """A plausible probability: ~8% same-week rising to ~30% for long leads."""
    p = 0.06 + 0.24 * (1 - math.exp(-lead / 25))
    if age < 18 or 20 <= age < 35:
        p *= 1.25
    elif age >= 65:
        p *= 0.8
    if reminded:
        p *= 0.7
    p *= 1 + 0.5 * min(history, 3)
    return min(p, 0.85)


def generate(ctx: Context, *, patients: int = 400, days: int = 120, seed: int = 7,
             now: datetime, ahead: int = 21, per_patient: float | None = None) -> DemoResult:
    """Write a clinic's history from ``days`` ago to ``ahead`` days on, into one transaction."""
    rng = random.Random(seed)
    today = ctx.today(now)
    start, end = today - timedelta(days=days), today + timedelta(days=ahead)
    clinics = [c.code for c in ctx.cfg.clinics]
    specs: list[SessionSpec] = [s for s in ctx.calendar.sessions_between(start, end, clinics)
                                if s.is_open]
    if not specs or not clinics:
        raise ValueError("recall.toml declares no open sessions: nothing to book into")
    by_day = defaultdict(list)
    for s in specs:
        by_day[s.day].append(s)
    open_days = sorted(by_day)
    booked: dict[str, int] = defaultdict(int)  # places held
    total: dict[str, int] = defaultdict(int)  # queue numbers given

    # -- patients -------------------------------------------------------------------------
    p_rows, p_phones, p_tokens, p_meta = [], [], [], []
    for i in range(patients):
        female = rng.random() < 0.55
        name = _name(rng, female)
        age = max(0, min(95, int(rng.triangular(1, 92, 58))))
        born = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        ph = [{"e164": f"+84{rng.choice(MOBILE)}{rng.randrange(10**7):07d}", "label": "self",
               "name": ""}]
        if age >= 70 or age < 12 or rng.random() < 0.1:
            ph.append({"e164": f"+84{rng.choice(MOBILE)}{rng.randrange(10**7):07d}",
                       "label": "caregiver", "name": _name(rng, rng.random() < 0.5)})
            if age < 12:
                ph = ph[1:] + ph[:1]
        p_rows.append({
            "mrn": f"{ctx.cfg.mrn_prefix}{i + 1:07d}", "full_name": name,
            "name_key": text.fold(name), "sex": "F" if female else "M",
            "birth_date": born if rng.random() < 0.85 else None, "birth_year": born.year,
            "email": (f"{text.fold(name).replace(' ', '.')}{rng.randint(1, 99)}@example.vn"
                      if rng.random() < 0.3 else None),
            "language": "en" if rng.random() < 0.03 else "vi",
            "preferred_channels": rng.choice(["zalo,sms", "sms", "zalo,sms,email", ""]),
            "consent": "", "preferred_parts": rng.choice(["", "", "", "morning", "afternoon"]),
            "bhyt": (f"DN4{rng.randrange(10**12):012d}" if rng.random() < 0.8 else None),
            "address": f"{rng.randint(1, 400)} {rng.choice(STREETS)}, {rng.choice(DISTRICTS)}, "
                       "TP. Hồ Chí Minh",
            "created_at": now, "updated_at": now,
        })
        p_phones.append(ph)
        p_tokens.append(text.tokens(name))
        p_meta.append(age)

    # -- appointments -----------------------------------------------------------------------
    mean = per_patient if per_patient is not None else max(1.0, days / 45)
    plan = []  # (patient index, spec, booked_on, status, reminded, cancel info)
    history = defaultdict(int)
    used_keys: set[str] = set()
    for pi in range(patients):
        n = max(1, int(rng.expovariate(1 / mean) + 0.5))
        for _ in range(n):
            day = rng.choice(open_days)
            cands = [s for s in by_day[day] if booked[s.key] < s.capacity]
            if not cands:
                continue
            s = rng.choice(cands)
            cid = clinics.index(s.clinic)
            akey = f"{pi}|{cid}|{day}"
            if akey in used_keys:
                continue
            lead = min(int(rng.expovariate(1 / 20)), 120)
            booked_on = day - timedelta(days=lead)
            if day > today and booked_on > today:
                booked_on = today - timedelta(days=rng.randint(0, 5))
                lead = (day - booked_on).days
            reminded = lead >= 2 and rng.random() < 0.6
            status, cancel = Status.BOOKED, None
            r = rng.random()
            if r < 0.06:
                status, cancel = Status.CANCELLED, ("patient", rng.random() < 0.35)
            elif r < 0.08:
                status, cancel = Status.CANCELLED, ("clinic", rng.random() < 0.2)
            elif day < today:
                p_ns = _no_show_p(lead, p_meta[pi], reminded, history[pi])
                if rng.random() < p_ns:
                    status = Status.NO_SHOW
                    history[pi] += 1
                else:
                    status = Status.COMPLETED
            elif day == today:
                status = Status.CHECKED_IN if rng.random() < 0.4 else Status.CONFIRMED
            elif rng.random() < 0.3:
                status = Status.CONFIRMED
            if status is not Status.CANCELLED:
                used_keys.add(akey)
                booked[s.key] += 1
            total[s.key] += 1
            plan.append((pi, s, booked_on, status, reminded, cancel))

    with ctx.db.write() as conn:
        pids = bulk.patients(conn, p_rows, p_phones, p_tokens)
        used_specs = {s.key: s for _, s, *_ in plan}
        srows = []
        for key, s in used_specs.items():
            row = session_row(ctx, s)
            row.update(booked=booked[key], next_queue=total[key] + 1)
            srows.append(row)
        sids = bulk.sessions(conn, srows)
        plan.sort(key=lambda x: (x[1].day, x[1].key, x[2]))
        queue = defaultdict(int)
        o_rows, a_rows, hist = [], [], []
        numbers = appt_repo.reserve_code_numbers(conn, len(plan))
        from ..core.codes import make_code

        for (pi, s, booked_on, status, reminded, cancel), num in zip(plan, numbers):
            queue[s.key] += 1
            at = datetime.combine(booked_on, time(8, 0), tzinfo=ctx.tz) + \
                timedelta(minutes=rng.randint(0, 480))
            cid = ctx.clinic_id(s.clinic)
            o_rows.append({
                "patient_id": pids[pi], "clinic_id": cid, "doctor_id": ctx.doctor_id(s.doctor),
                "ordered_at": at, "visit_date": booked_on, "target_date": s.day,
                "earliest": s.day, "latest": ctx.calendar.add_working_days(s.day, 10, s.clinic),
                "interval_count": None, "interval_unit": None, "series_count": None,
                "series_index": 1, "reason": "", "instructions": rng.choice(INSTRUCTIONS),
                "created_by": "demo"})
            hist.append(lifecycle.history(status, window_over=False))
            status_at = at if s.day >= today else datetime.combine(
                s.day, s.end, tzinfo=ctx.tz)
            if status is Status.CHECKED_IN:
                status_at = now
            a_rows.append({
                "code": make_code(num), "patient_id": pids[pi], "clinic_id": cid,
                "doctor_id": ctx.doctor_id(s.doctor), "session_id": sids[s.key], "day": s.day,
                "part": s.part.value, "at_time": None, "queue_no": queue[s.key],
                "previous_status": None, "source": "demo",
                "booked_at": at, "booked_by": "demo", "status_at": status_at,
                "lead_days": lead_days(s.day, at, ctx.tz),
                "cancelled_by": cancel[0] if cancel else None,
                "cancel_reason": "Bận việc gia đình" if cancel and cancel[0] == "patient" else (
                    "Bác sĩ nghỉ" if cancel else None),
                "late_cancel": bool(cancel and cancel[1]),
                "reminded": reminded if s.day < today else None,
                "active_key": active_key(pids[pi], cid, s.day)
                if status in (Status.BOOKED, Status.CONFIRMED, Status.CHECKED_IN,
                              Status.COMPLETED) else None,
            })
        aids = bulk.history(conn, o_rows, a_rows, hist)
        m_rows = []
        for a, aid, h, (pi, s, *_rest) in zip(a_rows, aids, hist, plan):
            if h.appointment not in lifecycle.OPEN or s.day <= today:
                continue
            for p in reminders.plan(booked_at=now, day=s.day, starts=s.start, tz=ctx.tz,
                                    policy=ctx.cfg.reminders, confirmation=False):
                ph = p_phones[pi][0]["e164"]
                m_rows.append({"idempotency_key": f"{a['code']}:{p.key_suffix}",
                               "appointment_id": aid, "kind": p.kind.value, "channel": "sms",
                               "recipient": ph, "language": p_rows[pi]["language"],
                               "due_at": p.due_at, "expires_at": p.expires_at,
                               "status": "pending", "created_at": now})
        bulk.messages(conn, m_rows)
        events.append(conn, at=now, actor=ctx.actor, kind="demo.generated",
                      details={"patients": patients, "appointments": len(a_rows),
                               "seed": seed, "days": days})
    return DemoResult(patients=patients, appointments=len(a_rows), orders=len(o_rows),
                      sessions=len(srows), messages=len(m_rows), start=start, end=end)



def has_data(ctx: Context) -> bool:
    from ..store.patients import any_patient

    with ctx.db.read() as conn:
        return any_patient(conn)

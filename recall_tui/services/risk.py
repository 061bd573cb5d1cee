"""No-show risk: learned from the clinic's own history (logistic regression).

scikit-learn is an optional extra (``pip install scikit-learn``): imported only here, only
when a model is trained, never by the desk app. The features and the two validation
splits are fixed in ``core.risk_features`` (see there how leakage is kept out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from ..core import risk_features as rf
from ..core.errors import BadInput, Refused
from ..store import stats as repo
from . import risk_model
from .context import Context


@dataclass(frozen=True)
class Validation:
    split: str
    train: int
    test: int
    test_no_show_rate: float
    auc: float


@dataclass(frozen=True)
class Trained:
    visits: int
    no_shows: int
    validations: list[Validation]
    time_cutoff: date
    coefficients: dict[str, float]
    intercept: float
    high_risk: float | None = None  # the score above which the top fifth lies
    saved_to: str | None = None


def _sklearn():
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
    except ImportError:
        raise risk_model.Missing("risk.sklearn",
                      "Cần gói scikit-learn để học mô hình (pip install scikit-learn).",
                      "Training the risk model needs scikit-learn (pip install scikit-learn).") \
            from None
    return LogisticRegression, roc_auc_score


def load_visits(ctx: Context) -> list[rf.Visit]:
    with ctx.db.read() as conn:
        rows = repo.visits(conn, tz=ctx.tz)
    out = []
    for r in rows:
        day = r.day if isinstance(r.day, date) else date.fromisoformat(str(r.day)[:10])
        out.append(rf.Visit(patient=int(r.patient_id), day=day, lead=int(r.lead or 0),
                            age=None if r.age is None else int(r.age), part=r.part,
                            reminded=bool(r.reminded),
                            no_show={"no_show": True, "completed": False,
                                     "checked_in": False}.get(r.status)))
    return out


def _fit(X, y):
    LogisticRegression, _ = _sklearn()
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(X, y)
    return model


def train(ctx: Context, *, now: datetime, save: bool = False) -> Trained:
    """Fit on the history, report the ROC AUC of both fixed splits, return the model and,
    with ``save``, keep it for scoring (its coefficients: scoring needs neither
    scikit-learn nor numpy)."""
    _, auc = _sklearn()
    today = ctx.today(now)
    visits = load_visits(ctx)
    X_all = rf.features(visits)  # history before each day only, outcomes never
    done = [i for i, v in enumerate(visits) if v.no_show is not None and v.day < today]
    if len(done) < 200 or len({visits[i].no_show for i in done}) < 2:
        raise Refused("risk.history", "Chưa đủ lịch sử để học (cần ≥ 200 lượt đã qua).",
                      "Not enough history to learn from (need at least 200 past visits "
                      "with both outcomes).")
    X = [X_all[i] for i in done]
    y = [int(bool(visits[i].no_show)) for i in done]
    past = [visits[i] for i in done]
    out = []
    test_p = rf.split_by_patient(past)
    train_t, test_t, cut = rf.split_by_time(past)
    for name, tr, te in (("patient", [not t for t in test_p], test_p),
                         ("time", train_t, test_t)):
        Xtr = [x for x, k in zip(X, tr) if k]
        ytr = [v for v, k in zip(y, tr) if k]
        Xte = [x for x, k in zip(X, te) if k]
        yte = [v for v, k in zip(y, te) if k]
        model = _fit(Xtr, ytr)
        p = model.predict_proba(Xte)[:, 1]
        out.append(Validation(split=name, train=len(ytr), test=len(yte),
                              test_no_show_rate=sum(yte) / len(yte), auc=float(auc(yte, p))))
    final = _fit(X, y)
    fitted = sorted(float(p) for p in final.predict_proba(X)[:, 1])
    trained = Trained(visits=len(y), no_shows=sum(y), validations=out, time_cutoff=cut,
                      coefficients=dict(zip(rf.feature_names(), map(float, final.coef_[0]))),
                      intercept=float(final.intercept_[0]),
                      high_risk=fitted[int(0.8 * (len(fitted) - 1))])
    if not save:
        return trained
    path = risk_model.save(ctx.cfg, risk_model.Model(
        trained_at=now.isoformat(), features=rf.feature_names(),
        coefficients=[trained.coefficients[n] for n in rf.feature_names()],
        intercept=trained.intercept, high_risk=trained.high_risk, visits=trained.visits,
        no_shows=trained.no_shows, time_cutoff=cut.isoformat(),
        auc={v.split: v.auc for v in out}))
    return Trained(**{**trained.__dict__, "saved_to": str(path)})


# -- scoring -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scored:
    appointment_id: int
    code: str
    day: date
    part: str
    clinic: str
    queue_no: int
    patient_id: int
    mrn: str
    patient: str
    born: str
    phones: list[str]
    prior_visits: int
    prior_no_shows: int
    risk: float
    high: bool  # in the top fifth of the training scores: worth a phone call


@dataclass(frozen=True)
class Scores:
    trained_at: str
    auc: dict[str, float]
    high_risk: float
    start: date
    end: date
    appointments: list[Scored]  # highest risk first


def _visit(r) -> rf.Visit:
    day = r.day if isinstance(r.day, date) else date.fromisoformat(str(r.day)[:10])
    return rf.Visit(patient=int(r.patient_id), day=day, lead=int(r.lead or 0),
                    age=None if r.age is None else int(r.age), part=r.part,
                    reminded=bool(r.reminded),
                    no_show={"no_show": True, "completed": False,
                             "checked_in": False}.get(r.status))


def score_upcoming(ctx: Context, *, now: datetime, days: int = 14,
                   start: date | None = None) -> Scores:
    """The risk of each booked or confirmed appointment from ``start`` (today) for
    ``days`` days, from what is known before its day; highest first.

    Refused (with how to fix it) when no model has been trained for this database."""
    from ..core.phones import display_phone
    from ..store import calls, risk_rows

    if days < 1 or days > 366:
        raise BadInput("risk.days", "Số ngày phải từ 1 đến 366.",
                       "--days must be from 1 to 366.", field="days")
    model = risk_model.load(ctx.cfg)
    today = ctx.today(now)
    first = max(start or today, today)  # the history is what is dated before today
    last = first + timedelta(days=days - 1)
    with ctx.db.read() as conn:
        rows = risk_rows.upcoming(conn, tz=ctx.tz, start=first, end=last)
        past = risk_rows.past_counts_of_upcoming(conn, start=first, end=last, before=today)
        ph = calls.phones_of(conn, sorted({int(r.patient_id) for r in rows}))
    # every appointment ahead is dated today or later: its history is all that is dated
    # before today (as ``rf.features`` would count it); its own outcome is unknown
    ahead = [_visit(r) for r in rows]
    X = [rf.row(v, *past.get(v.patient, (0, 0))) for v in ahead]
    names = rf.feature_names()
    i_visits, i_ns = names.index("prior_visits"), names.index("prior_no_shows")
    out = []
    for r, v, x in zip(rows, ahead, X):
        p = model.score(x)
        shown = []
        for q in ph.get(int(r.patient_id), []):
            s = display_phone(q.e164)
            shown.append(s if q.label == "self" else f"{s} ({q.label})")
        bd = r.birth_date
        if bd is not None and not isinstance(bd, date):
            bd = date.fromisoformat(str(bd)[:10])
        born = bd.strftime("%d/%m/%Y") if bd else str(r.birth_year or "")
        out.append(Scored(
            appointment_id=int(r.id), code=r.code, day=v.day, part=r.part, clinic=r.clinic,
            queue_no=int(r.queue_no), patient_id=v.patient, mrn=r.mrn, patient=r.full_name,
            born=born, phones=shown, prior_visits=round(math.expm1(x[i_visits])),
            prior_no_shows=int(x[i_ns]), risk=p, high=p >= model.high_risk))
    out.sort(key=lambda s: (-s.risk, s.day, s.clinic, s.queue_no))
    return Scores(trained_at=model.trained_at, auc=model.auc, high_risk=model.high_risk,
                  start=first, end=last, appointments=out)


def patient_risk(ctx: Context, *, patient_ids: list[int], now: datetime,
                 lead: int = 14) -> dict[int, float]:
    """Each patient's risk of missing a next appointment booked today ``lead`` days ahead
    (the call list's order); empty when no model has been trained."""
    from ..store import risk_rows

    try:
        model = risk_model.load(ctx.cfg)
    except Refused:
        return {}
    if not patient_ids:
        return {}
    today = ctx.today(now)
    day = today + timedelta(days=lead)
    with ctx.db.read() as conn:
        rows = risk_rows.history_of_patients(conn, tz=ctx.tz, patient_ids=patient_ids)
    visits = [v if v.day < today else rf.Visit(**{**v.__dict__, "no_show": None})
              for v in map(_visit, rows)]
    ages = {}
    for v in visits:  # the age known on the latest appointment, carried to ``day``
        if v.age is not None and (v.patient not in ages or v.day > ages[v.patient][0]):
            ages[v.patient] = (v.day, v.age)
    probes = [rf.Visit(patient=int(pid), day=day, lead=lead,
                       age=(ages[pid][1] + (day.year - ages[pid][0].year)) if pid in ages
                       else None, part="morning", reminded=False, no_show=None)
              for pid in patient_ids]
    X = rf.features(visits + probes, only=range(len(visits), len(visits) + len(probes)))
    return {int(pid): model.score(x) for pid, x in zip(patient_ids, X)}


def model_file(ctx: Context) -> Path:
    return risk_model.path(ctx.cfg)

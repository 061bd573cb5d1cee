"""No-show risk: learned from the clinic's own history (logistic regression).

scikit-learn is an optional extra (``pip install scikit-learn``): imported only here, only
when a model is trained, never by the desk app. The features and the two validation
splits are fixed in ``core.risk_features`` (see there how leakage is kept out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..core import risk_features as rf
from ..core.errors import Refused
from ..store import stats as repo
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


def _sklearn():
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
    except ImportError:
        raise Refused("risk.sklearn",
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


def train(ctx: Context, *, now: datetime) -> Trained:
    """Fit on the history, report the ROC AUC of both fixed splits, return the model."""
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
    return Trained(visits=len(y), no_shows=sum(y), validations=out, time_cutoff=cut,
                   coefficients=dict(zip(rf.feature_names(), map(float, final.coef_[0]))),
                   intercept=float(final.intercept_[0]))

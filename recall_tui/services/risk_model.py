"""Where the trained no-show model lives, and scoring with it (plain Python, no numpy).

A logistic regression is its coefficients: they are saved as JSON (with when it was
trained, on how many visits, its validation AUCs and the feature names), beside a SQLite
database (``<db>.risk.json``) or, for PostgreSQL, in the user's data folder under a name
derived from the database address (password left out); ``RECALL_RISK_MODEL`` names
another file. JSON rather than a pickle: loading
a pickle runs code, and the desk app then scores without scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..config import Config
from ..core import risk_features as rf
from ..core.errors import Refused
from ..files import write_private

VERSION = 1


class Missing(Refused):
    """What the risk needs is not there (a model, scikit-learn): an environment matter."""

    exit_code = 4


@dataclass(frozen=True)
class Model:
    trained_at: str
    features: list[str]
    coefficients: list[float]
    intercept: float
    high_risk: float
    visits: int
    no_shows: int
    time_cutoff: str
    auc: dict[str, float]
    version: int = VERSION

    def score(self, x: list[float]) -> float:
        z = self.intercept + sum(w * v for w, v in zip(self.coefficients, x))
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


def path(cfg: Config) -> Path:
    """``RECALL_RISK_MODEL`` if set (a folder every desk shares, say), else as above."""
    if os.environ.get("RECALL_RISK_MODEL"):
        return Path(os.environ["RECALL_RISK_MODEL"]).expanduser()
    url = cfg.database_url or ""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        db = Path(url[len("sqlite:///"):])
        return db.with_name(db.name + ".risk.json")
    safe = url.split("@", 1)[-1] if "@" in url else url  # no user or password in the name
    digest = hashlib.sha256(safe.encode()).hexdigest()[:12]
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "recall" / f"risk-{digest}.json"


def save(cfg: Config, model: Model) -> Path:
    where = path(cfg)
    return write_private(where, json.dumps(asdict(model), indent=1))  # 0600, whole


def _none(where: Path) -> Refused:
    return Refused("risk.no_model",
                   f"Chưa có mô hình nguy cơ (chạy `recall risk train`; cần {where}).",
                   f"No risk model yet: run `recall risk train` (looked for {where}).")


def load(cfg: Config) -> Model:
    """The saved model; Refused (saying how to make one) if absent, unreadable or stale."""
    where = path(cfg)
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _none(where) from None
    except (OSError, ValueError) as exc:
        raise Missing("risk.bad_model", f"Không đọc được mô hình {where}: {exc}. Học lại: "
                      "`recall risk train`.", f"Cannot read the model {where}: {exc}. "
                      "Retrain: `recall risk train`.") from None
    try:
        model = Model(**data)
    except TypeError:
        model = None
    if model is None or model.version != VERSION or model.features != rf.feature_names() \
            or len(model.coefficients) != len(model.features):
        raise Missing("risk.stale_model", "Mô hình đã cũ so với phiên bản này: học lại bằng "
                      "`recall risk train`.", "The saved model does not match this version: "
                      "retrain with `recall risk train`.")
    return model

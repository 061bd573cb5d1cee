"""What the benchmarks share: paths, the bench clinic, contexts, timing helpers."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from recall_tui.config import Config, load
from recall_tui.services.context import Context
from recall_tui.store.database import Database

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
CONFIG = BENCH / "recall.bench.toml"
README = BENCH / "README.md"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# The benchmarks' "now": Wednesday 25 November 2026, 08:00 clinic time (as the tests).
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=TZ)
PG_ADMIN = os.environ.get("RECALL_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "recall_bench"


@dataclass(frozen=True)
class Size:
    """What to generate. The defaults give 200,000 patients and ~1,000,000 appointments."""

    patients: int = 200_000
    days: int = 580  # ~412 working days back: ~2,500 appointments a day
    per_patient: float = 5.0
    seed: int = 7

    @property
    def tag(self) -> str:
        return f"p{self.patients}-d{self.days}-n{self.per_patient:g}-s{self.seed}"


def config(url: str) -> Config:
    return replace(load(CONFIG, env={}), database_url=url)


def context(url: str) -> Context:
    return Context(cfg=config(url), db=Database(url), actor="bench")


def pg_url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def libpq(url: str) -> str:
    """A URL psycopg itself accepts."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def summary_ms(values: list[float]) -> dict[str, float]:
    """p50 / p95 / max / mean of durations given in seconds, in milliseconds."""
    return {"p50": percentile(values, 50) * 1000, "p95": percentile(values, 95) * 1000,
            "max": max(values) * 1000, "mean": statistics.fmean(values) * 1000,
            "n": len(values)}

"""Statistics to a CSV file (the desk app's export): the same columns as `recall stats --csv`."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path

from ..config import Config
from ..files import open_private, private_dir
from .statistics import Stats

COLUMNS = ("group", "sub", "booked", "attended", "no_show", "no_show_rate", "no_show_low",
           "no_show_high", "cancelled", "cancellation_rate", "cancel_patient_rate",
           "cancel_clinic_rate", "late_cancel_rate", "rescheduled", "lead_mean_days",
           "utilisation", "adherence")


def _rate(rate) -> str:
    return "" if rate is None or rate.value is None else f"{rate.value:.6f}"


def _row(group: str, sub: str | None, f) -> list:
    return [group, sub or "", f.booked, f.attended, f.no_show, _rate(f.no_show_rate),
            "" if f.no_show_rate.low is None else f"{f.no_show_rate.low:.6f}",
            "" if f.no_show_rate.high is None else f"{f.no_show_rate.high:.6f}",
            f.cancelled, _rate(f.cancellation_rate), _rate(f.cancel_patient_rate),
            _rate(f.cancel_clinic_rate), _rate(f.late_cancel_rate), f.rescheduled,
            "" if f.lead_mean_days is None else f"{f.lead_mean_days:.3f}",
            _rate(f.utilisation), _rate(f.adherence)]


def folder(cfg: Config) -> Path:
    """Beside a SQLite database (``exports/``), else the user's data folder."""
    url = cfg.database_url or ""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url[len("sqlite:///"):]).parent / "exports"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "recall" / "exports"


def export_csv(cfg: Config, stats: Stats, *, now: datetime, where: Path | None = None) -> Path:
    """Write the headline ("all") and the breakdown's groups; return the file's path."""
    out = private_dir(where or folder(cfg))
    path = out / f"recall-stats-{stats.by or 'all'}-{now:%Y%m%d-%H%M%S}.csv"
    # BOM: Excel reads UTF-8. 0600, whole or not at all.
    with open_private(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(COLUMNS)
        w.writerow(_row("all", None, stats.headline))
        for g in stats.groups:
            w.writerow(_row(g.key, g.sub, g.figures))
    return path

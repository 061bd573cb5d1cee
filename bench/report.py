"""The results table in bench/README.md (between the results markers)."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime

from benchlib import README, WORK

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
RESULTS = WORK / "results.json"
NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _cpu() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load() -> str:
    """The 1-minute load average (other work on the machine skews every figure)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def merge(new: dict) -> dict:
    """Results of this run over those kept from earlier runs (per database, per bench)."""
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for db, benches in new.items():
        old.setdefault(db, {}).update(benches)
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(old, indent=1, default=str))
    return old


def _n(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def rows(results: dict) -> list[list[str]]:
    out = []
    for db in ("sqlite", "postgres"):
        r = results.get(db)
        if not r:
            continue
        name = NAMES[db]
        if "booking" in r:
            b = r["booking"]
            ratio = b["service"]["per_s"] / b["floor"]["per_s"]
            cpu = (f" (CPU {b['service']['cpu_ms']:.2f} ms each)"
                   if "cpu_ms" in b["service"] else "")
            fcpu = f" (CPU {b['floor']['cpu_ms']:.2f} ms)" if "cpu_ms" in b["floor"] else ""
            out.append([f"Booking, bookings/s ({b['service']['count']:,} bookings, best of "
                        f"{b.get('rounds', 1)} rounds)", name,
                        _n(b["service"]["per_s"]) + cpu, _n(b["floor"]["per_s"]) + fcpu,
                        f"{ratio:.0%}",
                        "≥ 50% of floor", "yes" if ratio >= 0.5 else "**no**"])
        if "search" in r:
            s = r["search"]
            every = s["service"].get("all")
            out.append([f"Patient search p50 / p95, ms ({s['service']['n']} queries, each "
                        f"best of {s['service'].get('rounds', 1)}"
                        + (f"; p95 of all runs {_n(every['p95'])}" if every else "") + ")", name,
                        f"{_n(s['service']['p50'])} / {_n(s['service']['p95'])}",
                        f"{_n(s['floor']['p50'])} / {_n(s['floor']['p95'])}",
                        f"{s['service']['p95'] / s['floor']['p95']:.0f}× (p95)",
                        "p95 ≤ 30 ms", "yes" if s["service"]["p95"] <= 30 else "**no**"])
        if "today" in r:
            t = r["today"]
            cpu = ("" if "cpu" not in t["service"] or db != "sqlite" else
                   f" (CPU {_n(t['service']['cpu']['p50'])})")
            fcpu = ("" if "cpu" not in t["floor"] or db != "sqlite" else
                    f" (CPU {_n(t['floor']['cpu']['p50'])})")
            out.append([f"`recall today` day list, {t['rows']:,} appointments "
                        f"({t['day']}), ms p50 / max", name,
                        f"{_n(t['service']['p50'])} / {_n(t['service']['max'])}{cpu}",
                        f"{_n(t['floor']['p50'])} / {_n(t['floor']['max'])}{fcpu}",
                        f"{t['service']['p50'] / t['floor']['p50']:.1f}× (p50)",
                        "≤ 100 ms (p50)", "yes" if t["service"]["p50"] <= 100 else "**no**"])
    return out


def table(results: dict) -> str:
    head = ["Benchmark", "Database", "recall", "floor", "recall vs floor", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows(results)]
    gens = []
    for db in ("sqlite", "postgres"):
        g = results.get(db, {}).get("database")
        if g:
            gens.append(f"{NAMES[db]}: {g.get('patients', 0):,} patients, "
                        f"{g.get('appointments', 0):,} appointments, generated in "
                        f"{g.get('seconds', 0):,.0f} s; load average at the end of its "
                        f"run {results[db].get('load', '?')}")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{os.cpu_count()} cores, {_cpu()}, Python {platform.python_version()}"
    return "\n".join([f"Measured {when} on {machine}.", "", *lines, "",
                      *[f"- {g}" for g in gens]])


def write(results: dict) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip() + f"\n\n## Results\n\n{BEGIN}\n{END}\n"
    pre, rest = text.split(BEGIN, 1)
    _, post = rest.split(END, 1)
    README.write_text(f"{pre}{BEGIN}\n{table(results)}\n{END}{post}", encoding="utf-8")

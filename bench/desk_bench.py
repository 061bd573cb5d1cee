"""The desk app in a real pseudo-terminal, on the 1,000,000-appointment database.

    python bench/desk_bench.py            # measures, prints, and updates bench/README.md
    python bench/desk_bench.py --no-readme

Each figure is read off the terminal's side of the wire (bench/terminal.py: a pty, every
byte timed and counted, the screen kept by pyte), beside the same figure for the floor: a
bare Textual app with stock widgets and the raw driver (bench/desk_floor.py), run the same
way on the same machine.

- Cold start: process start to the first key handled (F1 is sent every 20 ms until the
  help screen shows: Today is then drawn and taking keys).
- Today on a 2,500-appointment day: `]` from the day before, to the last byte of the day's
  drawn list (head, counts, first page); floor: one SQL statement, 100 rows in a DataTable.
- Search as you type on the booking screen: each keystroke to the last byte of the updated
  hits, typed at a steady pace (the next key after the screen goes quiet); floor: one indexed
  SQL query per keystroke into a DataTable.
- Bytes per cursor move: Down through the first page of the day and back up; every byte the
  terminal receives for each key.
- Resident memory (VmRSS; PSS beside it) of one desk session after each screen of a day's
  work: Today, a search, check-in, the call list, a patient, sessions, statistics, help,
  and the whole round once more.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_db  # noqa: E402
import report  # noqa: E402
import search_bench  # noqa: E402
import today_bench  # noqa: E402
from benchlib import CONFIG, README, WORK, Size, percentile  # noqa: E402
from terminal import Terminal  # noqa: E402

RECALL = str(Path(sys.executable).with_name("recall"))
FLOOR = [sys.executable, str(Path(__file__).with_name("desk_floor.py"))]
BEGIN, END = "<!-- desk:begin -->", "<!-- desk:end -->"
LOADING = "Đang tải"


def desk_config(db: str) -> Path:
    """The bench clinic, on the generated database, the cursor steady (no blink bytes)."""
    text = CONFIG.read_text(encoding="utf-8")
    text += f'\n[database]\nurl = "sqlite:///{db}"\n\n[desk]\ncursor_blink = false\n'
    out = WORK / "desk.toml"
    out.write_text(text, encoding="utf-8")
    return out


def recall(cfg: Path, now: str, **kw) -> Terminal:
    return Terminal([RECALL, "--config", str(cfg), "--now", now], **kw)


def floor(db: str, day: date, **kw) -> Terminal:
    return Terminal([*FLOOR, db, day.isoformat()], **kw)


def key_to_quiet(term: Terminal, key: str, quiet: float = 0.12) -> tuple[float, int]:
    """Seconds from sending ``key`` to the last byte it caused, and the bytes."""
    mark = term.mark()
    sent = term.key(key) if len(key) > 1 else term.send(key)
    try:
        term.settle(quiet, after=mark, timeout=1.0)
    except TimeoutError:  # nothing to draw (the cursor at the end of the list)
        return 0.0, 0
    got = term.since(mark)
    return (got[-1][0] - sent if got else 0.0), sum(n for _, n in got)


# -- cold start -----------------------------------------------------------------------------
def cold_start(start, shown: str) -> float:
    term = start()
    try:
        while True:
            term.key("f1")
            try:
                at = term.wait(lambda s: shown in s, timeout=0.02, poll=0.002)
                return at - term.started
            except TimeoutError:
                if time.perf_counter() - term.started > 30:
                    raise
    finally:
        term.close()


# -- a session of the desk -------------------------------------------------------------------
def today_switch(term: Terminal, day: date, marker: str, runs: int) -> list[float]:
    """`]` into ``day`` (from the day before) and `[` back, ``runs`` times."""
    shown = f"{day:%d/%m/%Y}"
    out = []
    for _ in range(runs):
        mark = term.mark()
        sent = term.send("]")
        term.wait(lambda s: shown in s and marker in s and LOADING not in s)
        term.settle(0.15)
        out.append(term.since(mark)[-1][0] - sent)
        term.send("[")
        term.wait(lambda s: shown not in s and LOADING not in s)
        term.settle(0.15)
    term.send("]")
    term.wait(lambda s: shown in s and marker in s and LOADING not in s)
    term.settle(0.2)
    return out


def moves(term: Terminal, down: int = 110, up: int = 40) -> list[int]:
    sizes = []
    for k in ["down"] * down + ["up"] * up:
        n = key_to_quiet(term, k, quiet=0.06)[1]
        if n:  # a key at the end of the list moves nothing
            sizes.append(n)
    return sizes


def hits_shown(screen: str, prefix: str, names: list[str]) -> bool:
    """The search box shows ``prefix`` and the hits table starts with ``names``."""
    lines = screen.splitlines()
    head = next((i for i, line in enumerate(lines) if "Bệnh nhân" in line), None)
    if head is None or not any(prefix in line for line in lines[:head]):
        return False
    rows = lines[head + 1:head + 1 + max(1, len(names))]
    if not names:
        return not rows[0].strip()
    return all(name[:16] in row for name, row in zip(names, rows))


def typing(term: Terminal, queries: list[str], expected: dict[str, list[str]]) -> list[float]:
    """Each keystroke of each query to the byte that shows its hits (the first three, as
    the search itself gives them, read beforehand); Backspaces clear the box between
    queries (not timed)."""
    out = []
    for q in queries:
        for i, ch in enumerate(q):
            prefix = q[:i + 1]
            names = expected[prefix]
            mark = term.mark()
            sent = term.send(ch)
            at = term.wait(lambda s, p=prefix, n=names: hits_shown(s, p.rstrip(), n),
                           timeout=10)
            try:
                term.settle(0.05, after=mark, timeout=2)
            except TimeoutError:
                pass
            got = term.since(mark)
            out.append(max(at, got[-1][0] if got else sent) - sent)
        for _ in q:
            term.key("backspace")
        term.settle(0.15)
    return out


def prefixes(queries: list[str]) -> list[str]:
    return sorted({q[:i + 1] for q in queries for i in range(len(q))})


def recall_hits(url: str, queries: list[str]) -> dict[str, list[str]]:
    """The first three hits of every prefix, as recall's search gives them."""
    from benchlib import context

    from recall_tui.services.patients import search
    from recall_tui.ui.screens.booking import SEARCH_LIMIT

    ctx = context(url)
    try:
        return {p: [h.full_name for h in search(ctx, query=p, limit=SEARCH_LIMIT)[:3]]
                for p in prefixes(queries)}
    finally:
        ctx.db.dispose()


def floor_hits(db: str, queries: list[str]) -> dict[str, list[str]]:
    """The first three hits of every prefix, as the floor's one query gives them."""
    import sqlite3

    import desk_floor

    con = sqlite3.connect(db)
    try:
        out = {}
        for p in prefixes(queries):
            sql, lo, hi = desk_floor.lookup(p)
            out[p] = [r[1] for r in con.execute(sql, (lo, hi)).fetchall()[:3]] if sql else []
        return out
    finally:
        con.close()


def screen(term: Terminal, key: str, marker: str | None = None, quiet: float = 0.3) -> None:
    mark = term.mark()
    term.key(key)
    term.settle(0.05, after=mark)
    if marker:
        term.wait(lambda s: marker in s and LOADING not in s)
    else:
        term.wait(lambda s: LOADING not in s)
    term.settle(quiet)


def search_queries(url: str, n: int = 24) -> list[str]:
    """Name prefixes and phone prefixes as a desk types them."""
    qs = search_bench.queries(url, per_kind=n)
    names = [q for k, q in qs if k == "name_prefix"][: n * 2 // 3]
    phones = [q for k, q in qs if k == "phone_prefix"][: n // 3]
    return names + phones


def at_rest(term: Terminal) -> dict:
    """Memory a second after the last key: what the desk holds, not what it is doing."""
    time.sleep(1.0)
    return term.memory_kb()


def recall_session(cfg: Path, url: str, day: date, queries: list[str], *, runs: int,
                   cols: int = 80, rows: int = 24, term_name: str = "xterm-256color",
                   colorterm: str | None = None) -> dict:
    before = day - timedelta(days=1)
    env = {"COLORTERM": colorterm} if colorterm else None
    term = recall(cfg, f"{before.isoformat()}T08:00", cols=cols, rows=rows, term=term_name,
                  env=env)
    mem: list[tuple[str, dict]] = []
    try:
        term.wait(lambda s: f"{before:%d/%m/%Y}" in s and LOADING not in s)
        term.settle(0.3)
        mem.append(("start", at_rest(term)))
        switch = today_switch(term, day, "Hẹn", runs)
        mem.append(("today", at_rest(term)))
        move = moves(term)
        screen(term, "f3")
        typed = typing(term, queries, recall_hits(url, queries))
        mem.append(("booking", at_rest(term)))
        for k, name in (("f4", "checkin"), ("f5", "noshow")):
            screen(term, k)
            mem.append((name, at_rest(term)))
        screen(term, "f2")
        screen(term, "o", "BN0")  # the patient of the row under the cursor
        mem.append(("patient", at_rest(term)))
        screen(term, "f7")
        mem.append(("sessions", at_rest(term)))
        screen(term, "f9", "%", quiet=0.6)
        mem.append(("statistics", at_rest(term)))
        screen(term, "f1")
        term.key("escape")
        term.settle(0.2)
        mem.append(("help", at_rest(term)))
        for k in ("f2", "f3", "f4", "f5", "f6", "f7", "f9", "f2"):
            screen(term, k, quiet=0.4)
        mem.append(("again", at_rest(term)))
    finally:
        term.close()
    return {"switch": switch, "moves": move, "typing": typed, "memory": mem}


def floor_session(db: str, day: date, queries: list[str], *, runs: int, cols: int = 80,
                  rows: int = 24, term_name: str = "xterm-256color",
                  colorterm: str | None = None) -> dict:
    env = {"COLORTERM": colorterm} if colorterm else None
    term = floor(db, day, cols=cols, rows=rows, term=term_name, env=env)
    mem = []
    try:
        term.wait(lambda s: "floor ready" in s)
        term.settle(0.3)
        mem.append(("start", at_rest(term)))
        switch = []
        for _ in range(runs):
            secs, _ = key_to_quiet(term, "f5", quiet=0.15)
            switch.append(secs)
        term.wait(lambda s: "floor day" in s)
        mem.append(("today", at_rest(term)))
        move = moves(term)
        mark = term.mark()
        term.key("f3")
        term.settle(0.2, after=mark)
        typed = typing(term, queries, floor_hits(db, queries))
        mem.append(("booking", at_rest(term)))
    finally:
        term.close()
    return {"switch": switch, "moves": move, "typing": typed, "memory": mem}


# -- summary -------------------------------------------------------------------------------
def ms(values: list[float]) -> dict:
    return {"p50": percentile(values, 50) * 1000, "p95": percentile(values, 95) * 1000,
            "max": max(values) * 1000, "n": len(values)}


def sizes(values: list[int]) -> dict:
    return {"median": statistics.median(values), "p95": percentile(values, 95),
            "max": max(values), "n": len(values)}


def measure(a: argparse.Namespace) -> dict:
    size = Size(patients=a.patients)
    info = gen_db.ensure_sqlite(size)
    url = info["url"]
    db = url.split("///", 1)[1]
    cfg = desk_config(db)
    day, n = today_bench.busy_day(url)
    queries = search_queries(url)
    print(f"desk: {info.get('appointments', 0):,} appointments; day {day} ({n:,}); "
          f"{len(queries)} queries, {sum(map(len, queries))} keystrokes; load {report.load()}")

    # An installed package has its bytecode compiled (pip does it); a checkout may not
    # (PYTHONDONTWRITEBYTECODE): compile it, or every start would compile recall's modules.
    import compileall

    import recall_tui

    compileall.compile_dir(Path(recall_tui.__file__).parent, quiet=1)
    cold_r, cold_f = [], []
    for _ in range(a.cold):
        cold_r.append(cold_start(lambda: recall(cfg, f"{day.isoformat()}T08:00"), "Trợ giúp"))
        cold_f.append(cold_start(lambda: floor(db, day), "FLOOR HELP"))
    print(f"  cold start: recall p50 {statistics.median(cold_r) * 1000:.0f} ms, floor "
          f"{statistics.median(cold_f) * 1000:.0f} ms")

    rec = recall_session(cfg, url, day, queries, runs=a.runs)
    flo = floor_session(db, day, queries, runs=a.runs)
    extra = {}
    if not a.quick:
        for label, kw in (("120x40", {"cols": 120, "rows": 40}),
                          ("truecolor", {"colorterm": "truecolor"}),
                          ("linux", {"term_name": "linux"})):
            r = recall_session(cfg, url, day, queries[:4], runs=2, **kw)
            f = floor_session(db, day, queries[:4], runs=2, **kw)
            extra[label] = {"recall": sizes(r["moves"]), "floor": sizes(f["moves"])}
    out = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": report.load(),
        "appointments": info.get("appointments"), "day": day.isoformat(), "day_rows": n,
        "cold": {"recall": ms(cold_r), "floor": ms(cold_f)},
        "today": {"recall": ms(rec["switch"]), "floor": ms(flo["switch"])},
        "typing": {"recall": ms(rec["typing"]), "floor": ms(flo["typing"])},
        "moves": {"recall": sizes(rec["moves"]), "floor": sizes(flo["moves"])},
        "moves_other": extra,
        "memory": {"recall": rec["memory"], "floor": flo["memory"]},
    }
    (WORK / "desk.json").write_text(json.dumps(out, indent=1))
    return out


def table(r: dict) -> str:
    c, t, s, m = r["cold"], r["today"], r["typing"], r["moves"]
    mem = dict(r["memory"]["recall"])
    fmem = dict(r["memory"]["floor"])
    rest = max(v["VmRSS"] for _, v in r["memory"]["recall"])
    peak = max(v["VmHWM"] for _, v in r["memory"]["recall"])
    lines = [
        f"Measured {r['when']} on 2 cores, load {r['load']}: {r['appointments']:,} "
        f"appointments; the day {r['day']} has {r['day_rows']:,}. Terminal 80x24, "
        "TERM=xterm-256color.",
        "",
        "| What | recall | floor (bare Textual, raw SQL) | recall vs floor | target | met |",
        "|---|---|---|---|---|---|",
        f"| Cold start to Today taking keys, p50 (max), ms | {c['recall']['p50']:.0f} "
        f"({c['recall']['max']:.0f}) | {c['floor']['p50']:.0f} ({c['floor']['max']:.0f}) | "
        f"{c['recall']['p50'] / c['floor']['p50']:.2f}× | ≤ 1.5× floor | "
        f"{'yes' if c['recall']['p50'] <= 1.5 * c['floor']['p50'] else 'no'} |",
        f"| Today, 2,500-appointment day drawn, p50 (max), ms | {t['recall']['p50']:.0f} "
        f"({t['recall']['max']:.0f}) | {t['floor']['p50']:.0f} ({t['floor']['max']:.0f}) | "
        f"{t['recall']['p50'] / t['floor']['p50']:.2f}× | ≤ 200 ms | "
        f"{'yes' if t['recall']['max'] <= 200 else 'no'} |",
        f"| Search as you type, keystroke to hits, p50 / p95, ms ({s['recall']['n']} keys) | "
        f"{s['recall']['p50']:.0f} / {s['recall']['p95']:.0f} | {s['floor']['p50']:.0f} / "
        f"{s['floor']['p95']:.0f} | {s['recall']['p95'] / s['floor']['p95']:.2f}× (p95) | "
        f"p95 ≤ 50 ms | {'yes' if s['recall']['p95'] <= 50 else 'no'} |",
        f"| Bytes per cursor move, median / p95 / max ({m['recall']['n']} moves) | "
        f"{m['recall']['median']:,.0f} / {m['recall']['p95']:,.0f} / {m['recall']['max']:,} | "
        f"{m['floor']['median']:,.0f} / {m['floor']['p95']:,.0f} / {m['floor']['max']:,} | "
        f"{m['recall']['max'] / m['floor']['max']:.2f}× (max) | ≤ 2 KB | "
        f"{'yes' if m['recall']['max'] <= 2048 else 'no'} |",
        f"| Resident memory at rest, MB: on Today / after every screen twice / most "
        f"(high-water mark) | {mem['today']['VmRSS'] / 1024:.0f} / "
        f"{mem['again']['VmRSS'] / 1024:.0f} / {rest / 1024:.0f} ({peak / 1024:.0f}) | "
        f"{fmem['start']['VmRSS'] / 1024:.0f} bare, "
        f"{fmem['booking']['VmRSS'] / 1024:.0f} with data | "
        f"{rest / fmem['start']['VmRSS']:.2f}× bare | ≤ 80 MB | "
        f"{'yes' if rest <= 80 * 1024 else 'no'} |",
        "",
        "Memory a second after each step of the session, MB (VmRSS; PSS: what the process "
        "costs when twenty desks share the libraries' pages):",
        "",
        "| step | " + " | ".join(k for k, _ in r["memory"]["recall"]) + " |",
        "|---" * (len(r["memory"]["recall"]) + 1) + "|",
        "| RSS | " + " | ".join(f"{v['VmRSS'] / 1024:.1f}" for _, v in r["memory"]["recall"])
        + " |",
        "| PSS | " + " | ".join(f"{v.get('Pss', 0) / 1024:.1f}"
                               for _, v in r["memory"]["recall"]) + " |",
    ]
    if r.get("moves_other"):
        lines += ["", "Bytes per cursor move in other terminals (median / max):", "",
                  "| terminal | recall | floor |", "|---|---|---|"]
        for label, v in r["moves_other"].items():
            lines.append(f"| {label} | {v['recall']['median']:,.0f} / {v['recall']['max']:,} | "
                         f"{v['floor']['median']:,.0f} / {v['floor']['max']:,} |")
    return "\n".join(lines)


METHOD = """`make bench-desk` (or `python bench/desk_bench.py`) runs `recall` in a real
pseudo-terminal (80x24, TERM=xterm-256color; [terminal.py](terminal.py) times and counts every
byte and keeps the screen with pyte) on the SQLite database above, and beside it the floor: a
bare Textual app with stock widgets and the raw driver doing the same visible work
([desk_floor.py](desk_floor.py)). Cold start is process start to the first key handled (F1
every 20 ms until help shows); Today is `]` from the day before to the last byte of the
2,500-appointment day's first page; search is each keystroke to the byte that shows the
hits the search itself gives (read beforehand), typed at a steady pace; bytes per move are
every byte for each Down/Up through a page of 100 and back; memory is read a second after
each step of a session that visits every screen twice. Issue 3's targets: cold start ≤ 1.5×
the floor, Today ≤ 200 ms, search p95 ≤ 50 ms, ≤ 2 KB per cursor move, ≤ 80 MB."""


def write_readme(text: str) -> None:
    doc = README.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc:
        head, rest = doc.split(BEGIN, 1)
        doc = head + block + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip() + "\n\n## The desk app\n\n" + METHOD + "\n\n" + block + "\n"
    README.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=Size.patients)
    ap.add_argument("--cold", type=int, default=7, help="cold starts of each")
    ap.add_argument("--runs", type=int, default=10, help="day switches timed")
    ap.add_argument("--quick", action="store_true", help="80x24 only")
    ap.add_argument("--no-readme", action="store_true")
    a = ap.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    r = measure(a)
    text = table(r)
    print()
    print(text)
    if not a.no_readme and a.patients == Size.patients:
        write_readme(text)
    return 0


if __name__ == "__main__":
    tempfile.tempdir = str(WORK)
    sys.exit(main())

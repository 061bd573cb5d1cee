"""`recall stats` over ~1,000,000 appointments: the headline figures plus one breakdown.

    python bench/stats_bench.py                    # SQLite (the target: <= 1 s)
    python bench/stats_bench.py --db postgres
    python bench/stats_bench.py --patients 20000   # a smaller database (a quick look)

Uses the benchmark databases of gen_db (generated once, reused). Each call is
services.statistics.compute (headline + the breakdown: what `recall stats --by X` runs),
timed warm, best and median of --repeat runs; CPU seconds of this process are shown too
(the orders' adherence runs on a second thread, so CPU can exceed wall time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_db  # noqa: E402
from benchlib import NOW, Size, context  # noqa: E402

from recall_tui.services import statistics as svc  # noqa: E402
from recall_tui.store.stats import DIMENSIONS  # noqa: E402

TARGET_S = 1.0


def bench(url: str, repeat: int, only: list[str] | None = None) -> list[dict]:
    ctx = context(url)
    out = []
    try:
        svc.compute(ctx, now=NOW)  # warm the cache
        for by in (None, *(d for d in DIMENSIONS if not only or d in only)):
            walls, cpus = [], []
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                res = svc.compute(ctx, now=NOW, by=by)
                walls.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
            out.append({"by": by or "(headline only)", "best_s": min(walls),
                        "median_s": statistics.median(walls), "cpu_s": min(cpus),
                        "appointments": res.headline.booked, "groups": len(res.groups)})
    finally:
        ctx.db.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    ap.add_argument("--patients", type=int, default=Size.patients)
    ap.add_argument("--days", type=int, default=Size.days)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--url", help="an existing database instead of the cached one (e.g. "
                    "sqlite:///bench/work/stats-try.db, a copy to try a schema on)")
    ap.add_argument("--by", nargs="*", help="only these breakdowns (headline always)")
    a = ap.parse_args(argv)
    size = Size(patients=a.patients, days=a.days)
    if a.url:
        gen_db._upgrade(a.url)  # bring the copy to the current schema (recall init)
        info = {"url": a.url}
    else:
        info = gen_db.ensure_sqlite(size) if a.db == "sqlite" else gen_db.ensure_pg(size)
    rows = bench(info["url"], a.repeat, a.by)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{a.db}: {rows[0]['appointments']:,} appointments counted "
          f"(load average {load}) "
          f"(target: headline + one breakdown <= {TARGET_S:.1f} s)")
    print(f"  {'breakdown':<18}{'best s':>8}{'median s':>10}{'cpu s':>8}{'groups':>8}")
    for r in rows:
        mark = "" if r["best_s"] <= TARGET_S else "  (over)"
        print(f"  {r['by']:<18}{r['best_s']:>8.3f}{r['median_s']:>10.3f}{r['cpu_s']:>8.3f}"
              f"{r['groups']:>8}{mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Issue 11's fuzz test: every command's options, and every column of an import, fed hostile
text and numbers (markup, control characters, surrogates, 100 KB strings, far dates, numbers
past 64 bits, paths that are folders or cannot be written), on SQLite and PostgreSQL.

For every run it asserts what a person at the command line would notice:
- exit 0-3 (done, bad input, usage, refused): the database is healthy, so never 4;
- no traceback and no "unexpected error";
- nothing half-written: a command that fails leaves every table as it was, and no ``*.part``
  file is left anywhere; SQLite's integrity check passes;
- the output never echoes more than a short excerpt of a long input.

``make fuzz`` runs many more examples (RECALL_FUZZ_EXAMPLES) with a random seed; the suite
runs a fixed, smaller set.
"""

from __future__ import annotations

import csv
import io
import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from recall_tui.entry import main
from tests.conftest import NOW as NOW_DT

from ..importing.test_import import APPT_MAP, PATIENT_MAP

pytestmark = pytest.mark.storage

NOW = "2026-11-25T08:00"
EXAMPLES = int(os.environ.get("RECALL_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXAMPLES or 60, deadline=None, derandomize=not EXAMPLES,
                suppress_health_check=list(HealthCheck), database=None)
IMPORT_FUZZ = settings(max_examples=(EXAMPLES // 3) or 25, deadline=None,
                       derandomize=not EXAMPLES, suppress_health_check=list(HealthCheck),
                       database=None)
# Not fuzzed here: the daemon runs until stopped, demo builds a clinic, training takes
# seconds; `config check` is the configuration's own (its file is checked by its tests).
SKIP = {("daemon",), ("demo",), ("risk", "train"), ("config", "check")}
NOT_FUZZED = {"config", "json_", "printer"}  # --printer file:/… would write anywhere
TABLES = ("patient", "patient_phone", "appointment", "follow_up_order", "event", "message",
          "session", "outreach_task")
LONG = 1000  # an input longer than any field's limit must not come back at length

# -- hostile values ----------------------------------------------------------------------------

NASTY = ["", " ", "[/]", "Lê [/] Văn", "[bold]x[/bold]", "[@click=app.quit]q[/]", ":pill:",
         "%s%n%x", "{0}", "{mrn}", "'; DROP TABLE patient;--", "<script>@x.vn", "\x1b[2J",
         "\x00", "a\x07b", "\u202eevil", "\udcff", "../../etc/passwd", "-", "--", "-1", "0",
         "NaN", "inf", "1e309", "9" * 30, "-" + "9" * 30, str(2**63), str(2**64 + 1),
         "0x7fffffffffffffff", "Nguyễn Thị Hồng", "nguyen", "0912 345 678", "+84912345678",
         "x" * 100_000, "é" * 5000, "[/]" * 2000, "sáng", "morning", "NOI", "TM", "BS1",
         "sms=no", "zalo,sms", "2 tuần", "hàng tháng x 6", "99999 năm", "monthly x -1",
         "\t\n\r", "😀" * 50]
DATES = ["9999-12-31", "0001-01-01", "+9999", "-9999", "+0", "31/02/2026", "2026-13-01",
         "today", "mai", "hôm nay", "1/1/1", "2026-11-26", "26/11/2026", "2199-12-31",
         "1899-12-31", "9999-12-31T23:59", "2026-11-25T08:00", "2026-11-25T08:00+14:00"]
TIMES = ["07:00", "8h30", "25:00", "23:59:60", "-1:00", "07:15", "13:30"]

short_text = st.text(max_size=30)
numbers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(str))
hostile = st.one_of(st.sampled_from(NASTY), short_text, numbers)
dates = st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat()), hostile)
times = st.one_of(st.sampled_from(TIMES), hostile)
nows = st.one_of(st.just(NOW), st.just(NOW), st.sampled_from(DATES), hostile)


def _commands():
    import typer.main

    from recall_tui.cli.app import app

    out = []

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, (*path, name))
        elif path not in SKIP:
            out.append((path, [p for p in cmd.params if p.name not in NOT_FUZZED]))

    walk(typer.main.get_command(app), ())
    return out


COMMANDS = _commands()


class World:
    """The test database with a few patients and bookings, and files to point at."""

    def __init__(self, root: Path, db_url: str, config: Path):
        self.root, self.db_url, self.config = root, db_url, config
        self.codes: list[str] = []
        self.mrns: list[str] = []
        root.mkdir(exist_ok=True)
        (root / "map-appts.toml").write_text(APPT_MAP, encoding="utf-8")
        (root / "map-patients.toml").write_text(PATIENT_MAP, encoding="utf-8")
        (root / "junk.toml").write_text("kind = [\n", encoding="utf-8")
        (root / "folder").mkdir()
        (root / "binary.csv").write_bytes(bytes(range(256)) * 4)

    def seed(self, ctx) -> None:
        from recall_tui.core import risk_features
        from recall_tui.core.calendar import Part
        from recall_tui.services import booking, patients, risk_model

        names = risk_features.feature_names()  # a risk model, as `recall risk train` leaves
        risk_model.save(ctx.cfg, risk_model.Model(
            trained_at=NOW, features=names, coefficients=[0.01] * len(names), intercept=-1.0,
            high_risk=0.3, visits=100, no_shows=10, time_cutoff="2026-10-01",
            auc={"patient": 0.7}))

        for i, (name, phone) in enumerate((("Nguyễn Thị Hồng", "0912345678"),
                                            ("Lê [/] Văn", "0987654321"),
                                            ("Trần Văn Nam", "0901222333"))):
            card = patients.add(ctx, name=name, now=NOW_DT, phones_in=[
                patients.PhoneIn(phone)])
            self.mrns.append(card.mrn)
            b = booking.book(ctx, patient=card.mrn, clinic="NOI", day=NOW_DT.date().replace(
                day=26 + i), part=Part.MORNING, now=NOW_DT)
            self.codes.append(b.code)

    def paths(self):
        r = self.root
        names = st.text(alphabet=string.ascii_letters + "[]{}%$ 'đ", min_size=1, max_size=12)
        return st.one_of(
            st.sampled_from([str(r / "out.pdf"), str(r / "sub" / "deep" / "x.db"), str(r),
                             str(r / "folder"), "/proc/recall.db", "/", "", str(r / "none"),
                             str(r / "binary.csv"), str(r / "junk.toml"),
                             str(r / "map-appts.toml"), str(r / "map-patients.toml"),
                             str(r / ("x" * 300))]),
            names.map(lambda n: str(r / n)))

    def value(self, param):
        name = param.name
        if name in ("file", "pdf", "mapping", "backup_dir"):
            return self.paths()
        if name in ("date_", "from_", "to", "target", "visit", "earliest", "latest", "born"):
            return dates
        if name == "now":
            return nows
        if name in ("time_", "backup_at"):
            return times
        if name == "code":
            return st.one_of(st.sampled_from(self.codes), hostile)
        if name in ("mrn", "patient"):
            return st.one_of(st.sampled_from(self.mrns), hostile)
        if name in ("limit", "days", "width", "order", "patients", "seed", "every"):
            return st.one_of(numbers, hostile)
        return hostile

    def counts(self) -> dict[str, int]:
        from recall_tui.store.database import Database

        db = Database(self.db_url)
        try:
            with db.engine.connect() as conn:
                return {t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
                        for t in TABLES}
        finally:
            db.dispose()


@st.composite
def command_lines(draw, world: World):
    path, params = draw(st.sampled_from(COMMANDS))
    args = list(path)
    values: list[str] = []
    for p in params:
        if p.param_type_name == "argument":
            v = draw(world.value(p))
            values.append(v)
            args.append(v)
            continue
        if not draw(st.booleans()):
            continue
        if p.is_flag:
            args.append(p.opts[0])
            continue
        for _ in range(draw(st.integers(1, 3)) if p.multiple else 1):
            v = draw(world.value(p))
            values.append(v)
            args += [p.opts[0], v] if draw(st.booleans()) else [f"{p.opts[0]}={v}"]
    if draw(st.booleans()):
        args.append("--json")
    return args, values


def _check(world: World, args, values, code, out, err, before) -> None:
    said = out + err
    assert code in (0, 1, 2, 3), (args, code, said[-2000:])
    assert "Traceback" not in said and "unexpected error" not in said, (args, said[-2000:])
    for v in values:
        if len(v) > LONG:
            assert v[:200] not in said, (args[:3], "echoed a long input")
    if code != 0:
        assert world.counts() == before, (args, "a failed command changed the database")
    assert not list(world.root.rglob("*.part")), args
    assert not list(world.root.rglob(".*.part")), args


@pytest.fixture
def world(ctx, db_url, config_file, tmp_path):
    w = World(tmp_path / "fuzz", db_url, config_file)
    w.seed(ctx)
    yield w
    if db_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(db_url.split("///", 1)[1]) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


STATS = {"cases": 0, "exit": {}}


def test_every_command_takes_hostile_options_calmly(world, capsys):
    @FUZZ
    @given(line=command_lines(world))
    def run(line):
        args, values = line
        before = world.counts()
        code = main([*args, "--config", str(world.config)])
        out = capsys.readouterr()
        STATS["cases"] += 1
        STATS["exit"][code] = STATS["exit"].get(code, 0) + 1
        _check(world, args, values, code, out.out, out.err, before)

    run()


# -- import columns ---------------------------------------------------------------------------

APPT_COLUMNS = ["PatientId", "ApptId", "Name", "Sex", "Booked", "Day", "Age", "SMS", "NoShow"]
PATIENT_COLUMNS = ["Ma BN", "Ho ten", "Ngay sinh", "Dien thoai"]
cell = st.one_of(hostile, dates, st.sampled_from(["Yes", "No", "Cancel", "Nam", "Nữ", "1",
                                                 "2026-11-01T03:00:00Z", "P1", "A1"]))


@st.composite
def import_files(draw, world: World):
    kind = draw(st.sampled_from(["appointments", "patients"]))
    columns = APPT_COLUMNS if kind == "appointments" else PATIENT_COLUMNS
    header = list(columns)
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(columns)))  # a duplicated column
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)),
                         min_size=1, max_size=6))
    form = draw(st.sampled_from(["csv", "csv", "raw", "gz", "xlsx"]))
    values = [v for row in rows for v in row]
    path = world.root / f"data.{ 'csv.gz' if form == 'gz' else 'xlsx' if form == 'xlsx' else 'csv'}"
    if form == "raw":  # joined by hand: quotes and line breaks as they fall
        data = "\n".join(",".join(r) for r in [header, *rows]).encode("utf-8", "surrogatepass")
        path.write_bytes(data)
    elif form == "xlsx":
        import openpyxl
        from openpyxl.utils.exceptions import IllegalCharacterError

        wb = openpyxl.Workbook()
        try:
            for r in [header, *rows]:
                wb.active.append(r)
            wb.save(path)
        except (IllegalCharacterError, UnicodeEncodeError, ValueError):
            path.write_bytes(b"PK\x03\x04broken")
    else:
        buf = io.StringIO()
        csv.writer(buf).writerows([header, *rows])
        data = buf.getvalue().encode("utf-8", "surrogatepass")
        if form == "gz":
            import gzip

            data = gzip.compress(data)
            if draw(st.booleans()):
                data = data[: len(data) // 2]  # truncated
        path.write_bytes(data)
    flags = draw(st.lists(st.sampled_from(["--dry-run", "--skip-bad", "--json"]), unique=True))
    mapping = world.root / ("map-appts.toml" if kind == "appointments" else
                            "map-patients.toml")
    return ["import", kind, str(path), "--mapping", str(mapping), "--now", NOW, *flags], values


def test_every_import_column_takes_hostile_cells_calmly(world, capsys):
    @IMPORT_FUZZ
    @given(line=import_files(world))
    def run(line):
        args, values = line
        before = world.counts()
        code = main([*args, "--config", str(world.config)])
        out = capsys.readouterr()
        STATS["cases"] += 1
        STATS["exit"][code] = STATS["exit"].get(code, 0) + 1
        _check(world, args, values, code, out.out, out.err, before)
        if code == 1 and "--skip-bad" not in args:
            assert world.counts() == before

    run()


def teardown_module(_module) -> None:
    if EXAMPLES:
        print(f"\nfuzz: {STATS['cases']} command lines, exit codes {STATS['exit']}")

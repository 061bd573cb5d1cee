"""The floor of the desk benchmark: a bare Textual app doing the same visible work with
stock widgets and the raw driver, nothing of recall imported. It imports the design card's
packages as the desk must (textual, and sqlmodel, which brings pydantic and SQLAlchemy's
ORM: issue 9 measures the desk against this floor).

    python bench/desk_floor.py DBFILE DAY

F1 opens a help screen (cold start: drawn and taking keys); F5 reads DAY's appointments
with one SQL statement in a thread and shows the first 100 in a stock DataTable (Today);
F3 moves to a search box whose every keystroke runs one indexed SQL query in a thread and
shows the 20 hits (search as you type). The table's cursor moves as a stock DataTable's.
"""

from __future__ import annotations

import sqlite3
import sys

import sqlmodel  # noqa: F401  (the design card's packages: loaded as the desk loads them)
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

DAY_SQL = """
SELECT c.code, a.queue_no, s.starts, p.full_name,
       (SELECT ph.e164 FROM patient_phone ph WHERE ph.patient_id = a.patient_id
        ORDER BY ph.position LIMIT 1), a.status, a.reminded, a.code
FROM appointment a JOIN patient p ON p.id = a.patient_id JOIN clinic c ON c.id = a.clinic_id
JOIN session s ON s.id = a.session_id
WHERE a.day = ? ORDER BY c.code, s.starts, a.queue_no
"""
NAME_SQL = ("SELECT p.mrn, p.full_name, p.birth_date, p.birth_year FROM patient p "
            "WHERE p.name_key >= ? AND p.name_key < ? ORDER BY p.name_key LIMIT 20")
PHONE_SQL = ("SELECT p.mrn, p.full_name, p.birth_date, p.birth_year FROM patient_phone ph "
             "JOIN patient p ON p.id = ph.patient_id WHERE ph.e164 >= ? AND ph.e164 < ? "
             "LIMIT 20")


def lookup(text: str) -> tuple[str | None, str, str]:
    """The one indexed query for what was typed: a phone prefix or a name-key prefix."""
    q = text.strip().lower()
    if not q:
        return None, "", ""
    if q.replace("+", "").replace(" ", "").isdigit():
        digits = "".join(c for c in q if c.isdigit())
        lo = "+84" + (digits[1:] if digits.startswith("0") else digits[2:])
        sql = PHONE_SQL
    else:
        lo, sql = q, NAME_SQL
    return sql, lo, lo[:-1] + chr(ord(lo[-1]) + 1)


class Help(Screen):
    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Static("FLOOR HELP")


class Floor(App):
    BINDINGS = [("f1", "help", "Help"), ("f5", "day", "Day"), ("f3", "find", "Find")]

    def __init__(self, db: str, day: str):
        super().__init__()
        self.db, self.day = db, day

    def compose(self) -> ComposeResult:
        yield Static("floor ready")
        yield Input(id="q")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name, width in (("Kh", 4), ("STT", 3), ("Giờ", 5), ("Bệnh nhân", 18),
                            ("Điện thoại", 12), ("Trạng thái", 11), ("Nhắc", 6), ("Mã", 8)):
            table.add_column(name, width=width)
        table.focus()

    def action_help(self) -> None:
        if not isinstance(self.screen, Help):
            self.push_screen(Help())

    def action_find(self) -> None:
        self.query_one(Input).focus()

    def _query(self, sql: str, args: tuple) -> list:
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def action_day(self) -> None:
        def load() -> None:
            rows = self._query(DAY_SQL, (self.day,))
            self.call_from_thread(self._show, rows[:100], len(rows))

        self.run_worker(load, thread=True, exclusive=True, group="day")

    def _show(self, rows: list, total: int) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(r[0], str(r[1]), r[2][11:16] if r[2] else "", r[3], r[4], r[5],
                          str(r[6]), r[7])
        self.query_one(Static).update(f"floor day {total}")

    def on_input_changed(self, event: Input.Changed) -> None:
        sql, lo, hi = lookup(event.value)
        if sql is None:
            self.query_one(DataTable).clear()
            return

        def find() -> None:
            rows = self._query(sql, (lo, hi))
            self.call_from_thread(self._hits, event.value, rows)

        self.run_worker(find, thread=True, exclusive=True, group="find")

    def _hits(self, query: str, rows: list) -> None:
        if query != self.query_one(Input).value:
            return
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(r[0], "", str(r[2] or r[3] or ""), r[1], "", "", "", "")


if __name__ == "__main__":
    Floor(sys.argv[1], sys.argv[2]).run()

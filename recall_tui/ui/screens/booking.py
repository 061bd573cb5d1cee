"""Đặt lịch: find or register the patient, take the doctor's order, see the loads, book."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Select, Static

from ...core.calendar import WEEKDAY_VI, Part
from ..forms import looks_like_day, parse_clock, parse_day, parse_window
from ..i18n import t
from ..slip_printing import print_slip_later
from ..widgets.field import Field
from ..widgets.table import Table
from .base import DeskScreen
from .register import register_form

SEARCH_LIMIT = 15


class BookingScreen(DeskScreen):
    BINDINGS = [
        Binding("ctrl+n", "new_patient", t("k.new_patient"), id="booking.new"),
        Binding("ctrl+g", "suggest", t("k.suggest"), id="booking.suggest"),
        Binding("ctrl+o", "book", t("k.book"), id="booking.book"),
        Binding("ctrl+p", "print_slip", t("k.print"), id="booking.print"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list = []
        self.patient = None  # (mrn, name, born)
        self.order_id: int | None = None
        self.loads: list = []
        self.best_key: str | None = None
        self._asked = ""
        self.last_code: str | None = None  # the last booking's, for a reprint

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Field(placeholder=t("search"), id="search")
        yield Table(id="hits", classes="half")
        yield Static(t("no_patient"), id="chosen", markup=False)
        with Horizontal(classes="row"):
            yield Field(placeholder=t("order"), id="order")
            yield Select([(c.code, c.code) for c in self.app.cfg.clinics], allow_blank=False,
                         compact=True,
                         id="clinic")
        with Horizontal(classes="row"):
            yield Field(placeholder=t("instructions"), id="instructions")
            yield Field(placeholder=t("window"), id="window")
            yield Field(placeholder="HH:MM", id="time", classes="time")
        yield Table(id="loads", classes="half")
        yield from self.footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one("#search").focus()

    def _columns(self) -> None:
        hits = self.query_one("#hits", Table)
        hits.clear(columns=True)
        for key, w in (("col.mrn", 10), ("col.patient", 24), ("col.born", 10),
                       ("col.phone", 12)):
            hits.add_column(t(key), width=w, key=key)
        loads = self.query_one("#loads", Table)
        loads.clear(columns=True)
        for key, w in (("col.day", 14), ("col.part", 5), ("col.clinic", 4), ("col.doctor", 4),
                       ("col.load", 7), ("col.note", 22)):
            loads.add_column(t(key), width=w, key=key)

    def relabel(self) -> None:
        self._columns()
        self._show_loads()
        for fid, word in (("#search", "search"), ("#order", "order"),
                          ("#instructions", "instructions"), ("#window", "window")):
            self.query_one(fid, Field).placeholder = t(word)
        super().relabel()

    def refresh_data(self) -> None:
        if self.order_id is not None:
            self._suggest_for(self.order_id, quiet=True, focus=False)

    # -- finding the patient -------------------------------------------------------------
    def on_input_changed(self, event) -> None:
        if event.input.id != "search":
            return
        query = event.value

        def find(ctx):
            from ...services.patients import search

            return query, search(ctx, query=query, limit=SEARCH_LIMIT)

        self.app.work(find, self._show_hits, group="search", exclusive=True, failed=self.fail)

    def _show_hits(self, answer) -> None:
        query, hits = answer
        if query != self.query_one("#search", Field).value:
            return  # a later keystroke is on its way
        self.hits = hits
        self.query_one("#hits", Table).fill(
            [(h.mrn, (h.mrn, h.full_name, h.born, h.phone)) for h in hits], keep_cursor=False)

    def on_input_submitted(self, event) -> None:
        if event.input.id == "search" and self.hits:
            self.query_one("#hits", Table).focus()
        elif event.input.id in ("order", "instructions", "window", "time"):
            self.action_suggest()

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        if event.data_table.id == "hits":
            key = event.row_key.value
            h = next((h for h in self.hits if h.mrn == key), None)
            if h is not None:
                self.choose(h.mrn, h.full_name, h.born)
        elif event.data_table.id == "loads":
            self.action_book()

    def choose(self, mrn: str, name: str, born: str) -> None:
        self.patient = (mrn, name, born)
        self.order_id = None
        self.query_one("#chosen", Static).update(t("chosen", name=name, mrn=mrn, born=born))
        self.query_one("#order").focus()

    def action_new_patient(self) -> None:
        typed = self.query_one("#search", Field).value
        self.app.push_screen(register_form(self.app, name=typed),
                             lambda card: card and self._registered(card))

    def _registered(self, card) -> None:
        self.say(t("registered", name=card.full_name, mrn=card.mrn))
        self.choose(card.mrn, card.full_name, card.born)

    # -- the order and its sessions ---------------------------------------------------------
    def action_suggest(self) -> None:
        if self.patient is None:
            self.say(t("no_patient"), error=True)
            return
        raw = self.query_one("#order", Field).value.strip()
        clinic = str(self.query_one("#clinic", Select).value)
        instructions = self.query_one("#instructions", Field).value
        window = self.query_one("#window", Field).value
        mrn, now, today = self.patient[0], self.app.now(), self.app.today()

        def add(ctx):
            from ...core.text import fold
            from ...services.booking import suggest
            from ...services.orders import add as add_order

            kw: dict = {}
            earliest, latest = parse_window(window, today=today)
            if earliest or latest:  # the doctor's own window, else the clinic's default
                kw.update(earliest=earliest, latest=latest)
            if looks_like_day(raw):
                kw["target"] = parse_day(raw, field="interval", today=today)
            elif re.match(r"(hang|moi|monthly|weekly|every)\b", fold(raw)):
                kw["series"] = raw
            else:
                kw["interval"] = raw
            o = add_order(ctx, patient=mrn, clinic=clinic, instructions=instructions, now=now,
                          **kw)
            return suggest(ctx, order_id=o.id, now=now)

        self.say(t("working"))
        self.app.work(add, self._suggested, group="suggest", exclusive=True, failed=self.fail)

    def _suggest_for(self, order_id: int, *, quiet: bool = False, focus: bool = True) -> None:
        now = self.app.now()

        def again(ctx):
            from ...services.booking import suggest

            return suggest(ctx, order_id=order_id, now=now)

        def done(s) -> None:
            self._suggested(s, quiet=quiet, focus=focus)

        self.app.work(again, done, group="suggest", exclusive=True, failed=self.fail)

    def _suggested(self, s, *, quiet: bool = False, focus: bool = True) -> None:
        self.order_id = s.order_id
        self.loads = s.loads
        self.best_key = s.best.key if s.best else None
        if quiet:
            pass  # keep the message on the status line (why the booking was refused)
        elif s.best:
            b = s.best
            self.say(t("suggested", part=Part(b.part).vi, day=f"{b.day:%d/%m/%Y}",
                       clinic=b.clinic, booked=b.booked, cap=b.capacity))
        else:
            self.say(t("no_suggestion", a=f"{s.earliest:%d/%m/%Y}", b=f"{s.latest:%d/%m/%Y}"),
                     error=True)
        self._show_loads()
        if not focus:
            return  # a refresh: leave the cursor and the focus where the person left them
        table = self.query_one("#loads", Table)
        if self.best_key:
            keys = [x.key for x in self.loads]
            table.move_cursor(row=keys.index(self.best_key), animate=False)
        table.focus()

    def _show_loads(self) -> None:
        rows = []
        for x in self.loads:
            note = x.closed_reason and f"{t('closed')}: {x.closed_reason}" or (
                t("full") if x.booked >= x.capacity else "")
            if x.key == self.best_key:
                note = t("best")
            rows.append((x.key, (f"{WEEKDAY_VI[x.day.weekday()][4:]} {x.day:%d/%m/%Y}",
                                 Part(x.part).vi, x.clinic, x.doctor or "",
                                 f"{x.booked}/{x.capacity}", note)))
        self.query_one("#loads", Table).fill(rows)

    def action_book(self) -> None:
        key = self.query_one("#loads", Table).current_key()
        load = next((x for x in self.loads if x.key == key), None)
        if load is None or self.patient is None or self.order_id is None:
            return
        mrn, order_id, now = self.patient[0], self.order_id, self.app.now()
        raw_time = self.query_one("#time", Field).value

        def book(ctx):
            from ...services.booking import book as book_

            return book_(ctx, patient=mrn, clinic=load.clinic, day=load.day, part=load.part,
                         doctor=load.doctor, order_id=order_id, at_time=parse_clock(raw_time),
                         now=now)

        self.say(t("working"))
        self.app.work(book, self._booked, failed=self._refused)

    def _refused(self, exc: Exception) -> None:
        """Say why, and show the sessions again with the next suggestion under the cursor."""
        self.fail(exc)
        if self.order_id is not None:
            self._suggest_for(self.order_id, quiet=True)

    def _booked(self, b) -> None:
        self.order_id = None
        self.loads = []
        self.best_key = None
        self._show_loads()
        for fid in ("#order", "#instructions", "#window", "#time"):
            self.query_one(fid, Field).value = ""
        self.say(t("booked", code=b.display_code, part=Part(b.part).vi, day=f"{b.day:%d/%m/%Y}",
                   clinic=b.clinic, queue=b.queue_no))
        self.query_one("#search").focus()
        self.last_code = b.code
        print_slip_later(self.app, b.code)  # the slip prints (printer, else a PDF)

    def action_print_slip(self) -> None:
        """Print the last booking's slip again (paper jam, a second copy)."""
        if self.last_code is None:
            self.say(t("slip.none"), error=True)
        else:
            print_slip_later(self.app, self.last_code)


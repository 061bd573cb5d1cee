"""Bệnh nhân: one patient's appointments, orders, messages and events; edit details."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from ...core import codes
from ...core.calendar import Part
from ..forms import patient_form_values
from ..i18n import t
from ..widgets.field import Field
from ..widgets.table import Table
from .base import DeskScreen
from .form import FormScreen, Spec
from .today import status_text


class PatientScreen(DeskScreen):
    BINDINGS = [Binding("ctrl+t", "edit", t("k.edit"), id="patient.edit")]

    def __init__(self) -> None:
        super().__init__()
        self.mrn: str | None = None
        self.file = None

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Field(placeholder=t("mrn"), id="mrn")
        yield Static("", id="card")
        with TabbedContent(id="tabs"):
            with TabPane(t("tab.appts"), id="tab-appts"):
                yield Table(id="appts")
            with TabPane(t("tab.orders"), id="tab-orders"):
                yield Table(id="orders")
            with TabPane(t("tab.msgs"), id="tab-msgs"):
                yield Table(id="msgs")
            with TabPane(t("tab.events"), id="tab-events"):
                yield Table(id="events")
        yield from self.footer()

    def on_mount(self) -> None:
        cols = {
            "appts": (("col.day", 10), ("col.part", 5), ("col.clinic", 4), ("col.queue", 3),
                      ("col.status", 12), ("col.code", 8)),
            "orders": (("col.target", 10), ("col.window", 13), ("col.clinic", 4),
                       ("col.status", 9), ("col.note", 24)),
            "msgs": (("col.at", 11), ("col.kind", 10), ("col.channel", 6),
                     ("col.status", 17), ("col.code", 8)),
            "events": (("col.at", 11), ("col.what", 22), ("col.who", 8), ("col.reason", 20)),
        }
        for tid, spec in cols.items():
            table = self.query_one(f"#{tid}", Table)
            for key, w in spec:
                table.add_column(t(key), width=w, key=key)
        self.query_one("#mrn").focus()
        mrn = self.mrn or getattr(self.app, "last_patient", None)
        if mrn:  # the patient last looked at (this screen is rebuilt on each visit)
            self.show_patient(mrn)

    def show_patient(self, mrn: str) -> None:
        self.mrn = mrn
        self.app.last_patient = mrn
        fields = self.query("#mrn")
        if fields:  # else on_mount shows it
            fields.first(Field).value = mrn
            self.refresh_data()

    def on_input_submitted(self, event) -> None:
        query = event.value.strip()
        if not query:
            return
        if re.fullmatch(r"[A-Za-z]{0,4}\d{3,}", query):
            self.show_patient(query.upper())
            return

        def find(ctx):
            from ...services.patients import search

            hits = search(ctx, query=query, limit=1)
            return hits[0].mrn if hits else None

        self.app.work(find, lambda mrn: mrn and self.show_patient(mrn), failed=self.fail)

    def refresh_data(self) -> None:
        if not self.mrn:
            return
        mrn = self.mrn

        def load(ctx):
            from ...services.patient_messages import messages_of
            from ...services.patients import show

            return show(ctx, mrn=mrn), messages_of(ctx, mrn=mrn)

        self.app.work(load, self._show, group="patient", exclusive=True, failed=self.fail)

    def _show(self, answer) -> None:
        f, msgs = answer
        if self.mrn and f.card.mrn != self.mrn.strip().upper():
            return  # an earlier patient's answer, arriving late
        self.file = f
        c = f.card
        phones = " · ".join(p["display"] + ("" if p["label"] == "self" else
                                            f" ({p['label']}{': ' + p['name'] if p['name'] else ''})")
                            for p in c.phones)
        self.query_one("#card", Static).update(
            f"[b]{c.full_name}[/b] · {c.mrn} · {c.born} · {c.sex or ''}\n{phones}"
            + (f" · BHYT {c.bhyt}" if c.bhyt else ""))
        self.query_one("#appts", Table).fill([(a.code, (
            f"{a.day:%d/%m/%Y}", Part(a.part).vi, a.clinic_code, str(a.queue_no),
            status_text(a.status), codes.display_code(a.code))) for a in f.appointments[:200]])
        self.query_one("#orders", Table).fill([(str(o.id), (
            f"{o.target_date:%d/%m/%Y}", f"{o.earliest:%d/%m}–{o.latest:%d/%m/%y}",
            self._clinic(o.clinic_id), o.status, o.instructions or "")) for o in f.orders[:200]])
        tz = self.app.cfg.tz
        self.query_one("#msgs", Table).fill([(str(m.id), (
            f"{m.due_at.astimezone(tz):%d/%m %H:%M}", m.kind, m.channel, t(f"msg.{m.status}"),
            codes.display_code(m.appt_code))) for m in msgs])
        self.query_one("#events", Table).fill([(str(e.id), (
            f"{e.at.astimezone(tz):%d/%m %H:%M}", e.kind, e.actor, e.reason or ""))
            for e in f.events])

    def _clinic(self, cid: int) -> str:
        try:
            return self.app.backend.ctx.clinic_code(cid)
        except Exception:  # noqa: BLE001 - shown blank rather than fail
            return ""

    def action_edit(self) -> None:
        if self.file is None:
            return
        c = self.file.card
        mrn, now = c.mrn, self.app.now()
        first = next((p for p in c.phones if p["label"] == "self"), None)
        care = next((p for p in c.phones if p["label"] == "caregiver"), None)

        def act(ctx, v):
            from ...services.patients import edit

            phones, kw = patient_form_values(v)
            return edit(ctx, mrn=mrn, name=v["name"], phones_in=phones, bhyt=v["bhyt"],
                        now=now, **kw)

        self.app.push_screen(FormScreen(t("edit.title", mrn=mrn), [
            Spec("name", t("f.name"), c.full_name),
            Spec("phone", t("f.phone"), first["display"] if first else ""),
            Spec("born", t("f.born"), c.born),
            Spec("caregiver", t("f.caregiver"), care["display"] if care else ""),
            Spec("caregiver_name", t("f.caregiver_name"), care["name"] if care else ""),
            Spec("bhyt", t("f.bhyt"), c.bhyt or ""),
        ], act, id="edit-form"), lambda card: card and self._saved())

    def _saved(self) -> None:
        self.say(t("saved"))
        self.refresh_data()

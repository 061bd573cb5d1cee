"""Every screen and dialog of the desk, at 80x24, speaks one language at a time: each word
shown is in the active language's catalogue (or is data: names, codes, dates), never a raw
key, never a word of the other language, never a header cut short."""

from __future__ import annotations

import pytest
from textual.screen import ModalScreen

from recall_tui.ui.textual_internals import screen_text
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.language_check import Data, fixture_data, foreign_words

pytestmark = pytest.mark.anyio

# The walk: keys to press (a string with a space or of several letters is typed), and
# "?" where the screen is read. Every screen, every dialog, every filter and grouping.
WALK: list[str] = [
    "?",  # Today
    "s", "?", "t", "?", "t", "?", "c", "?", "c", "c", "c", "c", "c", "s", "s", "s", "t",
    "t", "t", "t", "x", "?", "escape", "r", "?", "tab", "enter", "?", "escape", "escape",
    "u", "?", "escape", "o", "?",  # the patient's file from Today
    "f1", "?", "escape",
    "f3", "?", "pham van khoa", "?", "enter", "enter", "?",
    "tab", "enter", "?", "escape", "shift+tab",  # the clinic's list open: its keys too
    "2 tuan", "enter", "?",
    "ctrl+n", "?", "escape", "enter", "?",  # booked: the status line
    "f4", "?", "0901222333", "enter", "?", "f1", "?", "escape",
    "f5", "?", "l", "?", "escape", "b", "?", "escape", "f", "?", "f", "?", "f", "?", "f", "?",
    "f", "?", "f", "?", "f", "?", "f1", "?", "escape",
    "f6", "pham van khoa", "enter", "?", "tab", "right", "?", "right", "?", "right", "?",
    "ctrl+t", "?", "escape",
    "f7", "?", "x", "?", "escape", "f1", "?", "escape",
    "f9", "?", "g", "?", "g", "?", "g", "?", "g", "?", "g", "?", "p", "?", "p", "?",
]
# Then the other language, on the screens kept from before (relabelled, not rebuilt).
TAIL: list[str] = ["f8", "?", "f2", "?", "f3", "?", "f4", "?", "f7", "?"]


async def _press(pilot, key: str) -> None:
    if " " in key or (len(key) > 1 and key.isalpha() and key.islower()
                      and key not in ("enter", "escape", "tab", "right", "left")
                      and not key.startswith(("shift+", "ctrl+"))):
        await type_text(pilot, key)
    else:
        await pilot.press(key)
    await settle(pilot.app, pilot)


def shown_text(app) -> str:
    """The screen as read; with a dialog open, the dialog alone, and with a list open over
    a screen, the list and the key line (what shows of the screen below was read before)."""
    text = screen_text(app)
    if isinstance(app.screen, ModalScreen):
        box = app.screen.query(".dialog").first().region
    elif type(app.focused).__name__ == "SelectOverlay":  # a Select's open list
        box = app.focused.region
        return "\n".join([_crop(text, box), text.splitlines()[-1]])
    else:
        return text
    return _crop(text, box)


def _crop(text: str, box) -> str:
    lines = text.splitlines()[box.y:box.y + box.height]
    return "\n".join(line[box.x:box.x + box.width] for line in lines)


async def walk(app, pilot, data: Data, lang: str) -> list[str]:
    problems = []
    await settle(app, pilot)
    if lang == "en":
        await pilot.press("f8")
        await settle(app, pilot)
    other = "en" if lang == "vi" else "vi"
    steps = [(k, lang) for k in WALK] + [(k, other) for k in TAIL]
    for i, (key, speaking) in enumerate(steps):
        if key != "?":
            await _press(pilot, key)
            continue
        shown = shown_text(app)
        bad = foreign_words(shown, lang=speaking, data=data)
        if bad:
            before = " ".join(k for k, _ in steps[max(0, i - 3):i])
            problems.append(f"step {i} ({before}) in {speaking}: {bad}\n{shown}")
    return problems


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_every_screen_and_dialog_speaks_the_active_language(lang, ui_cfg, ui_ctx,
                                                                  monkeypatch):
    data = fixture_data(ui_ctx, typed=[k for k in WALK if " " in k or k.isdigit()])
    # A service's refusal is its own text, in the active language (services keep both);
    # what it says is data here, the words around it are the desk's.
    from recall_tui.ui import i18n

    said = i18n.err

    def err(exc) -> str:
        text = said(exc)
        data.add(text)
        return text

    monkeypatch.setattr(i18n, "err", err)
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        problems = await walk(app, pilot, data, lang)
    assert not problems, "\n\n".join(problems)


def test_the_check_finds_what_the_issue_saw(ui_ctx):
    """The check itself: each leak reported in issue 10 is found, data is not."""
    data = fixture_data(ui_ctx)
    for line, lang in [("Trạng thái: open", "vi"), ("esc Dismiss menu", "vi"),
                       ("Việc appointment.cancel", "vi"), ("Buổi khám", "en"),
                       ("Đóng buổi TM|BS02|2026-12-03|afternoon", "vi"), ("PK STT Nhắ", "vi"),
                       ("Mon 07/12/2026 Sáng NOI", "en"), ("Chiều", "en"),
                       ("Trạng thá", "vi")]:
        assert foreign_words(line, lang=lang, data=data), line
    for line, lang in [("Phạm Văn Khoa · Đã hẹn · 12/40", "vi"),
                       ("Phạm Văn Khoa · Booked · 12/40", "en"),
                       ("esc Đóng danh sách", "vi"), ("Phạm Vă…  0912 345 678", "en")]:
        assert not foreign_words(line, lang=lang, data=data), line


def test_the_catalogue_has_a_word_for_every_value_a_screen_shows():
    """Statuses, kinds, channels, outcomes, parts, weekdays and the event log's kinds: each
    in both languages (a value without a word would be shown raw)."""
    import re
    from pathlib import Path

    from recall_tui.core.calendar import Part
    from recall_tui.core.contact import Channel
    from recall_tui.core.lifecycle import Action, OrderAction, OrderStatus, Status
    from recall_tui.core.outreach import Outcome
    from recall_tui.core.reminders import Kind, MessageStatus
    from recall_tui.ui import i18n

    wanted = ([f"status.{s}" for s in Status] + [f"order.{s}" for s in OrderStatus]
              + [f"msg.{k}" for k in Kind] + [f"msgst.{s}" for s in MessageStatus]
              + [f"channel.{c}" for c in Channel] + [f"outcome.{o}" for o in Outcome]
              + [f"part.{p}" for p in Part] + [f"wd.{d}" for d in range(7)]
              + [f"event.appointment.{a}" for a in Action]
              + [f"event.order.{a}" for a in OrderAction])
    # every event kind the services write
    services = Path(i18n.__file__).parents[1] / "services"
    for path in services.glob("*.py"):
        wanted += [f"event.{k}" for k in re.findall(r'kind="([a-z_]+\.[a-z_]+)"',
                                                     path.read_text())]
    missing = [k for k in wanted if k not in i18n.S]
    assert not missing, missing
    assert all(all(pair) for pair in i18n.S.values())  # a word in each language
    i18n.set_lang("en")
    try:
        assert i18n.event_kind("appointment.somethingnew") == "Appointment"  # never the key
    finally:
        i18n.set_lang("vi")

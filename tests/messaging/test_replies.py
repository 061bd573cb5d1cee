"""Reading patients' answers (pure): every way of saying yes, no, change, stop."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from recall_tui.core.codes import SPACE, display_code, make_code
from recall_tui.core.replies import Intent, parse

SAID = {
    Intent.CONFIRM: ["1", "C", "XN", "co", "có", "Có", "OK", "ok", "yes", "Xác nhận",
                     "đồng ý", "Có, tôi sẽ đến"],
    Intent.CANCEL: ["2", "H", "HUY", "huỷ", "hủy", "Huỷ lịch", "no", "không", "Tôi không đến được"],
    Intent.CHANGE: ["3", "DOI", "đổi", "Đổi lịch", "doi ngay khac", "change"],
    Intent.OPT_OUT: ["STOP", "stop", "TU CHOI", "Từ chối", "từ chối nhận tin"],
}
WORDS = [(w, i) for i, ws in SAID.items() for w in ws]


def strip_marks(s: str) -> str:
    d = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in d if not unicodedata.combining(c))


@given(st.sampled_from(WORDS), st.integers(0, SPACE - 1), st.booleans(), st.booleans(),
       st.sampled_from(["", " ", "  ", "\n"]), st.sampled_from(["", ".", "!", " ạ", " nhé"]),
       st.sampled_from(["before", "after", "none"]), st.booleans())
def test_every_way_of_answering_with_or_without_code(word_intent, number, upper, unaccented,
                                                     pad, tail, where, decomposed):
    word, intent = word_intent
    text = strip_marks(word) if unaccented else word
    text = text.upper() if upper else text
    if decomposed:  # some Vietnamese keyboards send NFD
        text = unicodedata.normalize("NFD", text)
    code = make_code(number)
    shown = display_code(code)
    if where == "before":
        text = f"{shown} {text}"
    elif where == "after":
        text = f"{text} {shown.lower()}"
    reply = parse(pad + text + tail + pad)
    assert reply.intent is intent, (text, reply)
    assert reply.code == (None if where == "none" else code)


@given(st.text(max_size=200))
def test_any_text_gives_an_answer_never_an_error(text):
    reply = parse(text)
    assert reply.intent in set(Intent)


def test_mixed_or_empty_answers_are_unclear():
    for text in ["co viec ban, xin huy", "ok nhưng muốn đổi", "", "   ", "cảm ơn", "?",
                 "tôi là ai"]:
        assert parse(text).intent is Intent.UNCLEAR, text


def test_a_letter_inside_a_sentence_is_not_an_answer():
    assert parse("c").intent is Intent.CONFIRM
    assert parse("cho tôi hỏi c ở đâu").intent is Intent.UNCLEAR


def test_mistyped_code_is_not_taken():
    code = display_code(make_code(4242))
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert parse(f"1 {code}").code == make_code(4242)
    assert parse(f"1 {broken}").code is None

"""What a text meant for the patient may not say: a diagnosis (``core.privacy.diagnosis_in``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recall_tui.core.icd10 import CHAPTERS
from recall_tui.core.privacy import diagnosis_in


@pytest.mark.parametrize("text", [
    "Chẩn đoán: I10", "Theo dõi E11.9 định kỳ", "k35", "(J45.909)", "chan doan THA",
    "Diagnosis: hypertension", "ICD-10 I25", "Bệnh chính: tăng huyết áp"])
def test_a_diagnosis_is_seen(text):
    assert diagnosis_in(text)


@pytest.mark.parametrize("text", [
    "", "Nhịn ăn sáng trước khi đến.", "Mang theo sổ khám và đơn thuốc.",
    "Đến lúc 07:30, phòng 203, tầng 2.", "Uống 2 viên lúc 7h", "Tái khám sau 14 ngày",
    "Bring your insurance card (BHYT)."])
def test_plain_instructions_pass(text):
    assert diagnosis_in(text) is None


@given(chapter=st.sampled_from(CHAPTERS), n=st.integers(0, 99), sub=st.integers(0, 9),
       before=st.sampled_from(["", "Tái khám ", "Theo dõi: ", "("]),
       after=st.sampled_from(["", ".", " định kỳ", ")"]))
def test_every_icd10_code_in_a_sentence_is_seen(chapter, n, sub, before, after):
    code = f"{chapter[1][0]}{n:02d}" + (f".{sub}" if sub else "")
    assert diagnosis_in(f"{before}{code}{after}") == code

"""ICD-10 chapters: which of the 22 chapters a code belongs to (for statistics only).

The chapters of ICD-10 (WHO 2019, as used by Vietnam's Ministry of Health, Quyết định
4469/QĐ-BYT) by code range. A diagnosis never leaves recall in a message or on a slip;
the chapter is what the managers' statistics group by.
"""

from __future__ import annotations

import re

# (chapter, first code, last code, Vietnamese title, English title); ranges inclusive on
# the three-character category.
CHAPTERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("I", "A00", "B99", "Bệnh nhiễm trùng và ký sinh trùng",
     "Infectious and parasitic diseases"),
    ("II", "C00", "D48", "Bướu tân sinh", "Neoplasms"),
    ("III", "D50", "D89", "Bệnh của máu và cơ quan tạo máu, miễn dịch",
     "Blood and immune disorders"),
    ("IV", "E00", "E90", "Bệnh nội tiết, dinh dưỡng và chuyển hoá",
     "Endocrine, nutritional and metabolic diseases"),
    ("V", "F00", "F99", "Rối loạn tâm thần và hành vi", "Mental and behavioural disorders"),
    ("VI", "G00", "G99", "Bệnh của hệ thần kinh", "Diseases of the nervous system"),
    ("VII", "H00", "H59", "Bệnh của mắt và phần phụ", "Diseases of the eye and adnexa"),
    ("VIII", "H60", "H95", "Bệnh của tai và xương chũm",
     "Diseases of the ear and mastoid process"),
    ("IX", "I00", "I99", "Bệnh của hệ tuần hoàn", "Diseases of the circulatory system"),
    ("X", "J00", "J99", "Bệnh của hệ hô hấp", "Diseases of the respiratory system"),
    ("XI", "K00", "K93", "Bệnh của hệ tiêu hoá", "Diseases of the digestive system"),
    ("XII", "L00", "L99", "Bệnh của da và mô dưới da",
     "Diseases of the skin and subcutaneous tissue"),
    ("XIII", "M00", "M99", "Bệnh của hệ cơ, xương và mô liên kết",
     "Diseases of the musculoskeletal system"),
    ("XIV", "N00", "N99", "Bệnh của hệ tiết niệu sinh dục",
     "Diseases of the genitourinary system"),
    ("XV", "O00", "O99", "Thai nghén, sinh đẻ và hậu sản",
     "Pregnancy, childbirth and the puerperium"),
    ("XVI", "P00", "P96", "Bệnh lý xuất phát trong thời kỳ chu sinh",
     "Conditions of the perinatal period"),
    ("XVII", "Q00", "Q99", "Dị tật bẩm sinh", "Congenital malformations"),
    ("XVIII", "R00", "R99", "Triệu chứng và dấu hiệu bất thường",
     "Symptoms, signs and abnormal findings"),
    ("XIX", "S00", "T98", "Vết thương, ngộ độc", "Injury and poisoning"),
    ("XX", "V01", "Y98", "Nguyên nhân bên ngoài", "External causes"),
    ("XXI", "Z00", "Z99", "Yếu tố ảnh hưởng sức khoẻ, tiếp xúc dịch vụ y tế",
     "Factors influencing health status"),
    ("XXII", "U00", "U85", "Mã dùng cho mục đích đặc biệt", "Codes for special purposes"),
)
ORDER = tuple(c[0] for c in CHAPTERS)

# A category (letter, two digits), then an optional subdivision with or without the dot
# ("E11.9", "E119", "I10", "U07.1"); Vietnamese codes may add a fifth character.
CODE_RE = re.compile(r"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$")


def is_code(value: str) -> bool:
    return bool(CODE_RE.match(value or ""))


def chapter(code: str | None) -> str | None:
    """The chapter's Roman numeral of an ICD-10 code, or None when it is not a code."""
    if not code:
        return None
    c = code.strip().upper()
    if not CODE_RE.match(c):
        return None
    cat = c[:3]
    for numeral, first, last, _vi, _en in CHAPTERS:
        if first <= cat <= last:
            return numeral
    return None


def title(numeral: str, language: str = "vi") -> str:
    for n, first, last, vi, en in CHAPTERS:
        if n == numeral:
            return f"{n} {first}–{last} {vi if language == 'vi' else en}"
    return numeral

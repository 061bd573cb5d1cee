"""Issue 11, item 1: text from patients and staff is data wherever it is shown (Rich in the
CLI, Textual in the desk, the PDF slip), and control characters are refused where text
enters (CLI, desk, import)."""

from __future__ import annotations

import pytest

from .conftest import NOW, error_of, j

pytestmark = pytest.mark.storage

MARKUP = "Lê [/] Văn [bold]X[/bold] [@click=app.quit]Q[/] :pill:"


def test_a_name_with_markup_is_saved_once_and_shown_as_written(recall):
    code, out, err = recall("patient", "add", "--name", "Lê [/] Văn", "--phone", "0912777999",
                            "--now", NOW)
    assert code == 0, err
    assert "Lê [/] Văn" in out and "unexpected" not in err
    mrn = out.strip().splitlines()[-1]
    code, out, err = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "2026-11-26",
                            "--session", "morning", "--now", NOW)
    assert code == 0, err
    code, out, err = recall("today", "--date", "2026-11-26", "--now", NOW)
    assert code == 0, err
    assert "[/]" in out and "MarkupError" not in err
    code, out, err = recall("patient", "search", "le van")
    assert code == 0 and "Lê [/] Văn" in out, err
    code, out, err = recall("patient", "show", mrn)
    assert code == 0 and "Lê [/] Văn" in out, err
    code, out, _ = recall("patient", "search", "le van", "--json")
    assert len(j(out)) == 1  # saved once: the first run did not fail after writing


def test_rich_markup_emoji_codes_and_actions_are_not_interpreted(recall):
    code, out, err = recall("patient", "add", "--name", MARKUP, "--now", NOW)
    assert code == 0, err
    for piece in ("[/]", "[bold]", "[@click=app.quit]", ":pill:"):
        assert piece in out, piece


@pytest.mark.parametrize("bad", ["Lê\x1b[31mVăn", "Lê\x07Văn", "Lê\u202eVăn", "Lê\x9bVăn"])
def test_control_characters_are_refused_at_the_command_line_naming_the_option(recall, bad):
    code, out, _ = recall("patient", "add", "--name", bad, "--now", NOW, "--json")
    assert code == 1
    err = error_of(out)
    assert err["code"] == "text.control" and err["field"] == "name"
    code, out, _ = recall("patient", "search", "le", "--json")
    assert j(out) == []  # nothing saved


def test_control_characters_are_refused_in_any_option_or_argument(recall):
    code, out, _ = recall("cancel", "AB\x1bCD", "--by", "clinic", "--reason", "x", "--json")
    assert code == 1 and error_of(out)["code"] == "text.control"
    code, out, _ = recall("order", "add", "--patient", "TS1", "--clinic", "NOI",
                          "--interval", "14 ngày", "--reason=a\x00b", "--json")
    assert code == 1 and error_of(out)["field"] == "reason"


def test_the_pdf_slip_shows_markup_as_written(recall, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    code, out, err = recall("patient", "add", "--name", "Lê [/] **Văn** <b>Tư</b>", "--now", NOW)
    assert code == 0, err
    mrn = out.strip().splitlines()[-1]
    code, out, err = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "2026-11-26",
                            "--session", "morning", "--now", NOW, "--json")
    assert code == 0, err
    pdf = tmp_path / "slip.pdf"
    code, out, err = recall("slip", j(out)["code"], "--pdf", str(pdf))
    assert code == 0, err
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "[/]" in text and "**" in text and "<b>" in text


def test_an_imported_name_with_markup_is_data_too(recall, tmp_path):
    (tmp_path / "p.toml").write_text('kind = "patients"\n[columns]\nmrn = "MRN"\n'
                                     'full_name = "Name"\n', encoding="utf-8")
    (tmp_path / "p.csv").write_text('MRN,Name\nBV1,"Lê [/] Văn [bold]"\nBV2,Trần :pill:\n',
                                    encoding="utf-8")
    code, out, err = recall("import", "patients", str(tmp_path / "p.csv"), "--mapping",
                            str(tmp_path / "p.toml"), "--now", NOW)
    assert code == 0, err
    code, out, err = recall("patient", "search", "le van")
    assert code == 0 and "Lê [/] Văn [bold]" in out, err
    code, out, err = recall("patient", "show", "BV2")
    assert code == 0 and ":pill:" in out, err

"""Issue 11, items 4 and 5 for imports: a file that would import wrongly is refused with
the row said, and nothing is written; a file that is not what it claims is one clear
message (exit 1), never "unexpected error"."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import text

from .test_import import APPT_MAP, GOOD, HEADER, PATIENT_MAP

pytestmark = pytest.mark.storage


def _count(ctx, table: str) -> int:
    with ctx.db.read() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


@pytest.fixture
def imp(recall_cli, tmp_path):
    """``imp(content, name=..., mapping=...) -> (code, stdout, stderr)``: an appointments
    import of ``content`` (text or bytes)."""
    (tmp_path / "map.toml").write_text(APPT_MAP, encoding="utf-8")

    def run(content, name="appts.csv", mapping=None, kind="appointments"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return recall_cli("import", kind, str(path), "--mapping",
                          str(mapping or tmp_path / "map.toml"))

    return run


@pytest.fixture
def recall_cli(config_file, capsys):
    from recall_tui.entry import main

    def run(*args):
        code = main([*args, "--config", str(config_file), "--now", "2026-11-25T08:00"])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def _nothing_written(ctx):
    assert _count(ctx, "appointment") == 0 and _count(ctx, "patient") == 0


def test_an_unbalanced_quote_that_would_merge_two_rows_is_refused(ctx, imp):
    rows = [GOOD[0].replace("Nguyễn", '"Nguyễn'), GOOD[2].replace(",Nam,", '",Nam,'), GOOD[3]]
    code, out, err = imp(HEADER + "\n".join(rows) + "\n")
    assert code == 1 and "Row 3" in err.replace("Dòng", "Row") and "Traceback" not in err
    _nothing_written(ctx)
    code, out, err = imp(HEADER + GOOD[0].replace("Nguyễn", '"Nguyễn') + "\n" + GOOD[3] + "\n")
    assert code == 1 and ("ngoặc" in err or "quot" in err)
    _nothing_written(ctx)


def test_text_after_a_closing_quote_is_refused_with_its_row(ctx, imp):
    code, _, err = imp(HEADER + GOOD[0] + "\n" + GOOD[3].replace("Trần Văn Nam",
                                                                 '"Trần" Văn Nam') + "\n")
    assert code == 1 and ("dòng 3" in err or "row 3" in err), err
    _nothing_written(ctx)


def test_a_duplicated_header_column_is_refused(ctx, imp):
    code, _, err = imp(HEADER.replace("Age", "Name") + "\n".join(GOOD) + "\n")
    assert code == 1 and "'Name'" in err
    _nothing_written(ctx)


def test_a_row_with_more_or_fewer_cells_than_the_header_is_refused(ctx, imp):
    code, _, err = imp(HEADER + GOOD[0] + ",surplus\n")
    assert code == 1 and "10" in err and "9" in err
    code, _, err = imp(HEADER + GOOD[0].rsplit(",", 1)[0] + "\n")
    assert code == 1
    _nothing_written(ctx)


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x07", "\u202e"])
def test_control_characters_in_a_cell_are_refused_naming_row_and_field(ctx, imp, bad):
    code, _, err = imp(HEADER + GOOD[0].replace("Nguyễn", f"Ng{bad}uyễn") + "\n")
    assert code == 1 and "row 2" in err and "patient_name" in err and "U+" in err
    _nothing_written(ctx)


def test_a_future_visit_marked_completed_is_refused(ctx, imp):
    future = "P7,F1,Lê Văn Sau,Nam,2026-11-01T03:00:00Z,2026-12-10T00:00:00Z,30,1,No"
    code, _, err = imp(HEADER + future + "\n")
    assert code == 1 and "row 2" in err and "after today" in err
    booked_later = "P7,F2,Lê Văn Sau,Nam,2027-01-01T03:00:00Z,2026-11-10T00:00:00Z,30,1,No"
    code, _, err = imp(HEADER + booked_later + "\n")
    assert code == 1 and "in the future" in err
    _nothing_written(ctx)


def test_long_names_and_bad_emails_in_a_patients_file_are_refused(ctx, recall_cli,
                                                                  tmp_path):
    (tmp_path / "p.toml").write_text(PATIENT_MAP + 'email = "Email"\nbhyt = "BHYT"\n'
                                     .replace("email", "[columns]\nemail", 0),
                                     encoding="utf-8")
    mapping = PATIENT_MAP.replace('phone = "Dien thoai"',
                                  'phone = "Dien thoai"\nemail = "Email"\nbhyt = "BHYT"')
    (tmp_path / "p.toml").write_text(mapping, encoding="utf-8")
    data = tmp_path / "p.csv"
    data.write_text("Ma BN,Ho ten,Ngay sinh,Dien thoai,Email,BHYT\n"
                    f"BV1,{'A' * 500},01/01/1990,,,\n"
                    "BV2,Lê Văn B,01/01/1990,,<script>@x.vn,\n"
                    f"BV3,Lê Văn C,01/01/1990,,,{'9' * 5000}\n", encoding="utf-8")
    code, out, err = recall_cli("import", "patients", str(data), "--mapping",
                                str(tmp_path / "p.toml"))
    assert code == 1, err
    lines = {ln.split(":")[0].strip(): ln for ln in err.splitlines() if "row" in ln}
    assert "full_name" in lines["row 2"] and "email" in lines["row 3"]
    assert "bhyt" in lines["row 4"] and len(err) < 2000
    assert _count(ctx, "patient") == 0


def _files(tmp_path):
    good = (HEADER + "\n".join(GOOD) + "\n").encode()
    packed = gzip.compress(good)
    return {
        "truncated.csv.gz": packed[: len(packed) // 2],
        "plain.csv.gz": good,
        "disguised.xlsx": good,
        "broken.xlsx": b"PK\x03\x04" + b"\x00" * 200,
        "utf16.csv": good.decode().encode("utf-16"),
        "empty.csv": b"",
    }


def test_files_that_are_not_what_they_claim_are_clear_input_errors(ctx, imp, tmp_path):
    for name, content in _files(tmp_path).items():
        code, out, err = imp(content, name=name)
        assert code == 1, (name, out, err)
        assert name in err and "unexpected" not in err and "Traceback" not in err, (name, err)
    _nothing_written(ctx)


@pytest.mark.parametrize("setting,word", [('delimiter = ";;"', "delimiter"),
                                          ('encoding = "klingon-7"', "klingon"),
                                          ('sheet = "Nope"', "Nope")])
def test_mapping_settings_that_cannot_work_are_clear_input_errors(ctx, imp, tmp_path,
                                                                  setting, word):
    openpyxl = pytest.importorskip("openpyxl")
    mapping = tmp_path / "odd.toml"
    mapping.write_text(APPT_MAP.replace('kind = "appointments"',
                                        f'kind = "appointments"\n{setting}'), encoding="utf-8")
    name = "a.csv"
    content = HEADER + "\n".join(GOOD) + "\n"
    if "sheet" in setting:
        wb = openpyxl.Workbook()
        wb.active.append(HEADER.strip().split(","))
        wb.save(tmp_path / "a.xlsx")
        name, content = "a.xlsx", (tmp_path / "a.xlsx").read_bytes()
    code, out, err = imp(content, name=name, mapping=mapping)
    assert code == 1 and word in err and "Traceback" not in err, err
    _nothing_written(ctx)


def test_a_folder_given_as_the_mapping_or_the_file_is_an_input_error(ctx, recall_cli, tmp_path):
    (tmp_path / "map.toml").write_text(APPT_MAP, encoding="utf-8")
    (tmp_path / "a.csv").write_text(HEADER + GOOD[0] + "\n", encoding="utf-8")
    code, _, err = recall_cli("import", "appointments", str(tmp_path / "a.csv"), "--mapping",
                              str(tmp_path))
    assert code == 1 and "folder" in err.replace("thư mục", "folder")
    code, _, err = recall_cli("import", "appointments", str(tmp_path), "--mapping",
                              str(tmp_path / "map.toml"))
    assert code == 1 and "folder" in err.replace("thư mục", "folder")
    assert json  # noqa: B018

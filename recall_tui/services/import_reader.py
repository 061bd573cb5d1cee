"""Reading an import file (CSV, CSV.GZ, XLSX) strictly: every cell as text, and every way
the file can be wrong said with its row number, never a driver's or a library's error.

Refused, with the row (the header is row 1): malformed quoting (text after a closing
quote, a quote never closed), a cell that runs over a line break (an unbalanced quote that
would merge two rows into one), a row with more or fewer cells than the header, a
duplicated column name in the header, a cell longer than ``MAX_CELL``. A file that is not
what its name says (a truncated or non-gzip ``.gz``, a broken or disguised ``.xlsx``, a
missing sheet, text not in the mapping's encoding) is one clear ``BadInput``; so are a
delimiter that is not one character and an unknown encoding. Control characters (NUL, ESC)
in a cell are refused when the row is read (``core.text.clean``), naming the field.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from ..core.errors import BadInput
from ..core.text import excerpt
from ..files import kind_of

MAX_CELL = 10_000  # characters in one cell
Rows = Iterator[tuple[int, dict[str, str]]]


def _file_error(code: str, vi: str, en: str) -> BadInput:
    return BadInput(code, vi, en, field="file")


def _mapping_error(vi: str, en: str) -> BadInput:
    return BadInput("import.mapping", vi, en, field="mapping")


def read_rows(path: str | Path, m) -> tuple[list[str], Rows]:
    """(header, rows as (row number, {column: text})): ``m`` is the mapping (its delimiter,
    encoding and sheet)."""
    p = Path(path)
    kind = kind_of(p, field="file")
    if kind == "missing":
        raise _file_error("import.file", f"Không có tệp {p}.", f"No file {p}.")
    if kind == "folder":
        raise _file_error("import.file", f"{p} là một thư mục, không phải tệp.",
                          f"{p} is a folder, not a file.")
    name = p.name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _xlsx(p, m)
    return _csv(p, m, gz=name.endswith(".gz"))


# -- CSV ----------------------------------------------------------------------------------

def _check_dialect(m) -> None:
    delimiter = m.delimiter
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
        raise _mapping_error(
            f"delimiter phải là một ký tự (vd. \",\" hoặc \";\"), không phải "
            f"{excerpt(delimiter)}.",
            f"delimiter must be one character (e.g. \",\" or \";\"), not "
            f"{excerpt(delimiter)}.")
    try:
        codecs.lookup(m.encoding)
    except (LookupError, TypeError):
        raise _mapping_error(f"encoding không biết: {excerpt(m.encoding)} (vd. utf-8, cp1258).",
                             f"Unknown encoding {excerpt(m.encoding)} (e.g. utf-8, cp1258).") \
            from None


def _csv(p: Path, m, *, gz: bool) -> tuple[list[str], Rows]:
    _check_dialect(m)
    try:
        raw = gzip.open(p, "rb") if gz else open(p, "rb")  # noqa: SIM115 - closed by rows()
    except OSError as exc:
        raise _file_error("import.read", f"Không đọc được {p}: {exc.strerror}.",
                          f"Cannot read {p}: {exc.strerror}.") from None
    stream = io.TextIOWrapper(raw, encoding=m.encoding, newline="")
    reader = csv.reader(stream, delimiter=m.delimiter, strict=True)

    def failing(row: int | None, exc: Exception) -> BadInput:
        stream.close()
        return _csv_failure(p, m, row, exc, gz)

    try:
        first = next(reader)
    except StopIteration:
        stream.close()
        raise _file_error("import.empty", f"Tệp {p} rỗng.", f"{p} is empty.") from None
    except (csv.Error, UnicodeDecodeError, OSError, EOFError, zlib.error) as exc:
        raise failing(1, exc) from None
    header = [h.strip() for h in first]
    _check_header(header, stream)

    def rows() -> Rows:
        n = 1
        try:
            with stream:
                for cells in reader:
                    n = reader.line_num  # the physical line this row ends on
                    if not any(c.strip() for c in cells):
                        continue
                    _check_row(n, cells, header)
                    yield n, dict(zip(header, cells))
        except (csv.Error, UnicodeDecodeError, OSError, EOFError, zlib.error) as exc:
            raise failing(n + 1, exc) from None

    return header, rows()


def _check_header(header: list[str], stream) -> None:
    seen: dict[str, int] = {}
    twice = []
    for i, name in enumerate(header):
        if name and name in seen and name not in twice:
            twice.append(name)
        seen.setdefault(name, i)
    if twice:
        stream.close()
        names = ", ".join(excerpt(n) for n in twice[:5])
        raise _file_error("import.header",
                          f"Dòng 1 (tiêu đề): cột trùng tên {names}; mỗi cột một tên.",
                          f"Row 1 (the header): the column {names} appears more than once; "
                          "each column needs its own name.")


def _check_row(n: int, cells: list[str], header: list[str], *, breaks: bool = True) -> None:
    """``breaks``: a line break in a cell is refused (CSV: the sign of an unbalanced quote;
    an XLSX cell may hold one, and cleaning makes it a space)."""
    if len(cells) != len(header):
        raise _file_error("import.cells",
                          f"Dòng {n}: có {len(cells)} ô, tiêu đề có {len(header)} (thiếu hoặc "
                          "thừa dấu phân cách, hay dấu ngoặc kép không đóng?).",
                          f"Row {n}: {len(cells)} cells, the header has {len(header)} (a missing "
                          "or extra delimiter, or an unbalanced quote?).")
    for name, cell in zip(header, cells):
        if breaks and ("\n" in cell or "\r" in cell):
            raise _file_error("import.quote",
                              f"Dòng {n}: ô {excerpt(name)} xuống dòng: một dấu ngoặc kép không "
                              "đóng sẽ gộp hai dòng làm một; sửa tệp.",
                              f"Row {n}: the cell {excerpt(name)} runs over a line break: an "
                              "unbalanced quote would merge two rows into one; fix the file.")
        if len(cell) > MAX_CELL:
            raise _file_error("import.cell_size",
                              f"Dòng {n}: ô {excerpt(name)} dài {len(cell):,} ký tự (tối đa "
                              f"{MAX_CELL:,}).",
                              f"Row {n}: the cell {excerpt(name)} is {len(cell):,} characters "
                              f"long (at most {MAX_CELL:,}).")


def _csv_failure(p: Path, m, row: int | None, exc: Exception, gz: bool) -> BadInput:
    at_vi = f"dòng {row}: " if row else ""
    at_en = f"row {row}: " if row else ""
    if isinstance(exc, UnicodeDecodeError):
        return _file_error("import.encoding",
                           f"{p}: {at_vi}không đọc được theo mã {m.encoding} (đặt encoding "
                           "trong tệp ánh xạ, vd. cp1258).",
                           f"{p}: {at_en}cannot be read as {m.encoding} (set encoding in the "
                           "mapping, e.g. cp1258).")
    if gz and isinstance(exc, gzip.BadGzipFile | zlib.error | EOFError | OSError):
        return _file_error("import.gzip",
                           f"{p} không phải tệp gzip nguyên vẹn (bị cắt hoặc không phải gzip).",
                           f"{p} is not a whole gzip file (truncated, or not gzip at all).")
    if isinstance(exc, csv.Error):
        what = str(exc)
        if "field larger" in what:
            en, vi = f"a cell is longer than {csv.field_size_limit():,} characters", \
                "một ô quá dài"
        elif "NUL" in what:
            en, vi = "a NUL character", "có ký tự NUL"
        else:
            en, vi = ("malformed quoting (text after a closing quote, or a quote never "
                      "closed)"), "dấu ngoặc kép sai (có chữ sau dấu đóng, hoặc không đóng)"
        return _file_error("import.csv", f"{p}: {at_vi}{vi}; sửa tệp.",
                           f"{p}: {at_en}{en}; fix the file.")
    return _file_error("import.read", f"Không đọc được {p}.", f"Cannot read {p}.")


# -- XLSX ---------------------------------------------------------------------------------

def _not_xlsx(p: Path) -> BadInput:
    return _file_error("import.xlsx",
                       f"{p} không phải bảng tính XLSX đọc được (hỏng, hoặc tệp khác đổi tên).",
                       f"{p} is not a readable XLSX workbook (damaged, or another kind of file "
                       "renamed).")


def _xlsx(p: Path, m) -> tuple[list[str], Rows]:
    try:
        import openpyxl
    except ImportError:
        raise _file_error("import.xlsx", "Cần gói openpyxl để đọc XLSX (pip install openpyxl).",
                          "Reading XLSX needs openpyxl (pip install openpyxl).") from None
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - zip, XML, openpyxl's own: one answer
        raise _not_xlsx(p) from None
    try:
        if m.sheet is not None:
            if m.sheet not in wb.sheetnames:
                names = ", ".join(excerpt(n) for n in wb.sheetnames[:10])
                raise BadInput("import.sheet",
                               f"{p} không có trang {excerpt(m.sheet)} (có: {names}).",
                               f"{p} has no sheet {excerpt(m.sheet)} (it has: {names}).",
                               field="mapping")
            ws = wb[m.sheet]
        else:
            if not wb.worksheets:
                raise _not_xlsx(p)
            ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [_cell(h).strip() for h in next(it, ())]
    except BadInput:
        wb.close()
        raise
    except Exception:  # noqa: BLE001 - a broken sheet
        wb.close()
        raise _not_xlsx(p) from None
    if not header:
        wb.close()
        raise _file_error("import.empty", f"Tệp {p} rỗng.", f"{p} is empty.")
    _check_header(header, wb)

    def rows() -> Rows:
        n = 1
        try:
            for n, values in enumerate(it, start=2):
                cells = [_cell(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
                    cells = cells[:len(header)]
                cells += [""] * (len(header) - len(cells))
                _check_row(n, cells, header, breaks=False)
                yield n, dict(zip(header, cells))
        except BadInput:
            raise
        except Exception:  # noqa: BLE001 - a broken sheet, found as it is read
            raise _file_error("import.xlsx", f"{p}: dòng {n + 1} không đọc được (tệp hỏng).",
                              f"{p}: row {n + 1} cannot be read (the file is damaged).") \
                from None
        finally:
            wb.close()

    return header, rows()


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime | date):
        return v.isoformat()
    return str(v)

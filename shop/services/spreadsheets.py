"""Spreadsheets in and out, for every file the shop reads or writes (the product import and export, the
order export, bulk shipping): one reader and one writer, so each kind of bad file is handled once.

Reading: a .csv in UTF-8 (with or without the BOM Excel writes), UTF-16 with its BOM (Excel's "Unicode
text", tab-separated), or GB18030 — what Excel and WPS on Chinese Windows save as "CSV" (GB18030 reads every
GBK and GB2312 file too); or an .xlsx. Anything else is refused with a clear message, never a 500. The
cells come back as text; `unusable_cells` names each cell that holds a NUL or another control character
(PostgreSQL cannot store a NUL), by row and column, through the shared input layer.

Writing: a text cell that begins with = + - @, a tab or a carriage return would be read by Excel or WPS as
a formula (OWASP "CSV injection"): in a CSV it is written with a leading single quote; in an XLSX it is
written as a text cell, never a formula. Reading strips that quote again, so an export imports unchanged.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _

from tenants.errors import InvalidInput
from tenants.inputs import clean_text, filter_text

MAX_FILE_BYTES = 5 * 1024 * 1024
# What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line number in the file, the header being row 1
    column: str  # a column name, or "" for the whole row
    message: str


class FileRejected(InvalidInput):
    """The file was refused; nothing was done with it. `rows` lists every problem found."""

    def __init__(self, rows: list[RowError], *, message: str | None = None):
        self.rows = rows
        text = message or _("Nothing was imported: %(n)s problems found. %(first)s") % {
            "n": len(rows),
            "first": "; ".join(
                _("row %(row)s%(column)s: %(message)s")
                % {"row": e.row, "column": f" ({e.column})" if e.column else "", "message": e.message}
                for e in rows[:3]
            ),
        }
        super().__init__({"file": [text]})


# --- writing ---------------------------------------------------------------------------------------------


def safe_cell(value):
    """A value for a CSV cell: text that a spreadsheet would take for a formula gets a leading quote;
    numbers (Decimal, int) stay numbers, None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return _QUOTE + value
    return value


def csv_bytes(rows) -> bytes:
    """Rows as a CSV that Excel opens with its Chinese text intact (UTF-8 with BOM, CRLF), every text cell
    safe from formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows, *, sheet_name: str) -> bytes:
    """Rows as an XLSX sheet: Decimals and ints stay numbers; text is always a text cell (openpyxl would
    otherwise write "=..." as a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value="" if value is None else value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading ---------------------------------------------------------------------------------------------


def _unquoted(text: str) -> str:
    """A cell as it was before `safe_cell` quoted it."""
    if text.startswith(_QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # A spreadsheet's 12.5 arrives as a float: its shortest repr is the number the user typed.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return _unquoted(str(value).strip())


def _read_content(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(MAX_FILE_BYTES + 1)
    return content.encode("utf-8") if isinstance(content, str) else content


def decode_csv(content: bytes) -> tuple[str, str]:
    """(text, delimiter) of a CSV file's bytes, by its BOM, else UTF-8, else GB18030."""
    utf16 = content.startswith((b"\xff\xfe", b"\xfe\xff"))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        first_line = text.split("\n", 1)[0]
        # Excel's "Unicode text" is UTF-16 separated by tabs.
        delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
        return text, delimiter
    raise FileRejected(
        [],
        message=_(
            "The CSV file is not text in UTF-8 or GB18030/GBK. Save it again as “CSV UTF-8” (or as .xlsx)."
        ),
    )


def _read_csv(content: bytes) -> list[list[str]]:
    text, delimiter = decode_csv(content)
    try:
        return [
            [_unquoted(cell.strip()) for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise FileRejected(
            [], message=_("The CSV file cannot be read: %(error)s") % {"error": filter_text(exc, limit=200)}
        ) from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    except Exception as exc:  # openpyxl raises many kinds of errors for a broken file
        raise FileRejected([], message=_("The Excel file cannot be read. Save it as .xlsx again.")) from exc


def read_table(file, filename: str) -> list[list[str]]:
    """The rows of an uploaded .csv or .xlsx (a file, a file-like object or bytes) as lists of text."""
    extension = PurePath(filename or "").suffix.lower()
    content = _read_content(file)
    if len(content) > MAX_FILE_BYTES:
        raise FileRejected([], message=_("The file is larger than 5 MB. Split it into smaller files."))
    if not content.strip():
        raise FileRejected([], message=_("The file is empty."))
    if extension == ".csv":
        return _read_csv(content)
    if extension == ".xlsx":
        return _read_xlsx(content)
    raise FileRejected([], message=_("Upload a .csv or .xlsx file."))


def header_words(header: list[str]) -> list[str]:
    """A header row's names, lower-case, with any control characters dropped (they are named in
    messages)."""
    return [filter_text(cell, limit=100).lower() for cell in header]


def unusable_cells(line: int, row: dict[str, str]) -> list[RowError]:
    """A NUL (or another control character) in a cell is that cell's error in the report; PostgreSQL
    could not store it."""
    problems = []
    for column, text in row.items():
        try:
            clean_text(text, field=column)
        except InvalidInput as error:
            problems.append(RowError(line, column, error.message))
    return problems

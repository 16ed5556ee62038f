"""Read a table from CSV (UTF-8, UTF-8 with BOM, CP949), legacy .xls (BIFF8, via xlrd) or .xlsx (openpyxl).

Returns headers and rows of strings. The caller checks the headers against the known column names, so
a file whose Korean text did not decode is refused rather than imported as garbage.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from dolbom.core.errors import InvalidInput

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    encoding: str
    container: str  # "csv", "xls", "xlsx"


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, code="not_a_facility_file")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError as exc:
        raise _refuse(_("파일의 문자 인코딩을 알 수 없습니다 (UTF-8 또는 CP949 CSV만 읽을 수 있습니다).")) from exc


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def read_table(path: Path) -> Table:
    data = path.read_bytes()
    if not data:
        raise _refuse(_("빈 파일입니다."))
    if data.startswith(XLS_MAGIC):
        return _read_xls(data)
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise _refuse(_("표 형식(CSV, XLS, XLSX) 파일이 아닙니다."))
    text, encoding = _decode(data)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration as exc:
        raise _refuse(_("빈 파일입니다.")) from exc
    rows = [[c.strip() for c in row] for row in reader if any(c.strip() for c in row)]
    return Table(headers=headers, rows=rows, encoding=encoding, container="csv")


def _read_xls(data: bytes) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as exc:
        raise _refuse(_("XLS 파일을 읽을 수 없습니다.")) from exc
    sheet = book.sheet_by_index(0)
    if sheet.nrows == 0:
        raise _refuse(_("빈 파일입니다."))
    headers = [_cell_text(v) for v in sheet.row_values(0)]
    rows = []
    for i in range(1, sheet.nrows):
        row = [_cell_text(v) for v in sheet.row_values(i)]
        if any(row):
            rows.append(row)
    return Table(headers=headers, rows=rows, encoding=f"xls codepage {book.encoding}", container="xls")


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad zip
        raise _refuse(_("XLSX 파일을 읽을 수 없습니다.")) from exc
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    try:
        headers = [_cell_text(v) for v in next(it)]
    except StopIteration as exc:
        raise _refuse(_("빈 파일입니다.")) from exc
    rows = []
    for values in it:
        row = [_cell_text(v) for v in values]
        if any(row):
            rows.append(row)
    book.close()
    return Table(headers=headers, rows=rows, encoding="xlsx", container="xlsx")

"""CSV and XLSX of the dashboard tables: the same rows the page shows, with the period and scope recorded."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .statistics import Table


def table_csv(table: Table) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Korean correctly only with a BOM
    writer = csv.writer(out)
    writer.writerow([header for _, header in table.columns])
    for row in table.rows:
        writer.writerow(["" if row.get(key) is None else row.get(key) for key, _ in table.columns])
    return out.getvalue()


def tables_xlsx(tables: dict[str, Table], *, meta: list[tuple[str, Any]]) -> bytes:
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = gettext("정보")
    for label, value in meta:
        info.append([label, value])
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 60
    for table in tables.values():
        ws = wb.create_sheet(title=table.title[:31].replace("×", "x").replace("/", "·"))
        ws.append([header for _, header in table.columns])
        for row in table.rows:
            ws.append([row.get(key) for key, _ in table.columns])
        for i, (_, header) in enumerate(table.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, len(header) * 2 + 2)
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

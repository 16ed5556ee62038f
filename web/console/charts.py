"""Server-rendered SVG bar charts: the numbers are computed here, the template draws rectangles. No script."""

from __future__ import annotations

from typing import Any

WIDTH, HEIGHT, PAD_BOTTOM, PAD_TOP = 640, 220, 28, 16


def bars(rows: list[dict[str, Any]], *, label: str, value: str, unit: str = "") -> dict[str, Any]:
    values = [float(r.get(value) or 0) for r in rows]
    top = max(values, default=0) or 1
    n = max(len(rows), 1)
    slot = WIDTH / n
    inner = HEIGHT - PAD_BOTTOM - PAD_TOP
    out = []
    for i, (row, v) in enumerate(zip(rows, values, strict=True)):
        h = inner * v / top
        out.append(
            {
                "x": round(i * slot + slot * 0.1, 1),
                "y": round(PAD_TOP + inner - h, 1),
                "w": round(slot * 0.8, 1),
                "h": round(h, 1),
                "cx": round(i * slot + slot / 2, 1),
                "label": row.get(label),
                "value": row.get(value),
                "peak": v == top and v > 0,
            }
        )
    return {"bars": out, "width": WIDTH, "height": HEIGHT, "base": HEIGHT - PAD_BOTTOM, "unit": unit, "top": top}

"""Server-rendered SVG bar charts: the numbers are computed here, the template draws rectangles. No script."""

from __future__ import annotations

import unicodedata
from typing import Any

WIDTH, HEIGHT, PAD_BOTTOM, PAD_TOP = 640, 232, 40, 16
LABEL_SIZE = 11  # font-size of the labels under the bars, in viewBox units


def _text_width(text: str) -> float:
    """Estimated width at LABEL_SIZE: Hangul and other wide characters are about a full em, Latin about 0.56."""
    return sum(LABEL_SIZE if unicodedata.east_asian_width(ch) in "WF" else LABEL_SIZE * 0.56 for ch in text)


def label_lines(text: str, room: float) -> list[str]:
    """A bar's label in at most two lines that fit `room` (word breaks, then an ellipsis): long service names
    side by side would otherwise run into each other. The whole label stays in the bar's title and the table."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and _text_width(candidate) > room:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    out = []
    for one in lines:
        if _text_width(one) > room:
            while one and _text_width(one + "…") > room:
                one = one[:-1]
            one += "…"
        out.append(one)
    return out


def bars(rows: list[dict[str, Any]], *, label: str, value: str, unit: str = "") -> dict[str, Any]:
    values = [float(r.get(value) or 0) for r in rows]
    top = max(values, default=0) or 1
    n = max(len(rows), 1)
    slot = WIDTH / n
    inner = HEIGHT - PAD_BOTTOM - PAD_TOP
    out = []
    for i, (row, v) in enumerate(zip(rows, values, strict=True)):
        h = inner * v / top
        text = "" if row.get(label) is None else str(row.get(label))
        out.append(
            {
                "x": round(i * slot + slot * 0.1, 1),
                "y": round(PAD_TOP + inner - h, 1),
                "w": round(slot * 0.8, 1),
                "h": round(h, 1),
                "cx": round(i * slot + slot / 2, 1),
                "label": text,
                "lines": label_lines(text, slot * 0.95),
                "value": row.get(value),
                "peak": v == top and v > 0,
            }
        )
    return {"bars": out, "width": WIDTH, "height": HEIGHT, "base": HEIGHT - PAD_BOTTOM, "unit": unit, "top": top}

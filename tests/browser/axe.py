"""Run axe-core (vendored, no network) in a Playwright page and report serious or critical violations."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# Rules of WCAG 2.0/2.1/2.2 A and AA plus axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_run(page: Any, *, exclude: list[str] | None = None) -> list[dict]:
    """All violations axe finds in the page as it is now (each with its impact, rule and nodes)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does not block it.
        page.evaluate("(source) => { (0, eval)(source); }", _axe_source())
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    context: dict[str, Any] = {"exclude": [[s] for s in exclude or []]} if exclude else {}
    result = page.evaluate(
        "([context, options]) => window.axe.run(Object.keys(context).length ? context : document, options)",
        [context, options],
    )
    return result["violations"]


def describe(violations: list[dict], where: str) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl'].split('?')[0]})")
        for node in v["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {node['html'][:160]}")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in FAILING_IMPACTS]


def assert_accessible(page: Any, where: str = "", *, exclude: list[str] | None = None) -> None:
    """Fail with a readable list when axe finds a serious or critical violation in the page."""
    found = serious(axe_run(page, exclude=exclude))
    assert not found, "axe-core found serious/critical violations:\n" + describe(found, where or page.url)

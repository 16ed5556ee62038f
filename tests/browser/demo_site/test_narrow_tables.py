"""Staff tables at 360 px: a wide table stacks into one card per row whose cells name their column, or scrolls
sideways inside a region that the keyboard can reach; the page itself never scrolls sideways.

Each stacked cell's label must be its column's header, shown on screen (the ::before text), the header row
must stay in the page for assistive technology, and the table's roles are written out (a browser may drop the
semantics of a table displayed as blocks). A control proves the check catches a wrong or missing label.
"""

import pytest

from ..conftest import fits_width
from .conftest import MOBILE, shots
from .site_map import PAGES

pytestmark = pytest.mark.django_db  # the demo is committed once by the package fixture; see conftest.py

STAFF_PAGES = [
    "backoffice_bookings:home",
    "backoffice_bookings:capacity",
    "backoffice_facility:home",
    "backoffice_visits:coordinator_home",
    "console:audit",
    "console:monitoring",
    "console:supply",
    "console:parameters",
    "console:participation",
    "console:dashboards",
    "console_benefits:catalogue",
    "counsel:workspace",
]

# Problems of the page's tables at the current width, as a list of strings (empty: fine).
CHECK_TABLES = """() => {
  const problems = [];
  const text = (el) => el.textContent.replace(/\\s+/g, ' ').trim();
  document.querySelectorAll('table.stack').forEach((table, t) => {
    const headers = [...table.querySelectorAll('thead th')].map(text);
    const head = table.querySelector('thead');
    // display: block makes some browsers (Safari) drop the table semantics: the roles are written out
    const roles = [[':scope', 'table'], ['thead, tbody', 'rowgroup'], ['tr', 'row'], ['thead th', 'columnheader'],
                   ['td', 'cell']];
    roles.forEach(([sel, role]) => {
      const els = sel === ':scope' ? [table] : [...table.querySelectorAll(sel)];
      if (els.some((el) => el.getAttribute('role') !== role)) problems.push(`table ${t}: ${sel} without role ${role}`);
    });
    if (!head || head.getBoundingClientRect().width > 2) problems.push(`table ${t}: header row shown or missing`);
    table.querySelectorAll('tbody tr').forEach((row, r) => {
      const cells = [...row.children];
      if (cells.length === 1 && cells[0].colSpan > 1) return;  // the "nothing here" row
      if (row.getBoundingClientRect().width > table.parentElement.getBoundingClientRect().width + 1)
        problems.push(`table ${t} row ${r}: wider than its container`);
      cells.forEach((cell, c) => {
        const label = cell.getAttribute('data-label');
        if (label === null) { problems.push(`table ${t} row ${r} cell ${c}: no data-label`); return; }
        if (label !== headers[c])
          problems.push(`table ${t} row ${r} cell ${c}: label '${label}' under '${headers[c]}'`);
        const shown = getComputedStyle(cell, '::before').content;
        if (label && cell.childNodes.length && shown !== JSON.stringify(label))
          problems.push(`table ${t} row ${r} cell ${c}: label not shown (${shown})`);
      });
    });
  });
  document.querySelectorAll('main *').forEach((el) => {
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX)) {
      if (el.tabIndex < 0 || !el.getAttribute('aria-label') || el.getAttribute('role') !== 'region')
        problems.push(`scrolling ${el.tagName.toLowerCase()}.${el.className}: not a focusable, labelled region`);
    }
  });
  return problems;
}"""


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_page_tables_are_usable_at_360px(name, world, as_role):
    account, build = PAGES[name]
    page = as_role(account, MOBILE)
    response = page.goto(page.base_url + build(world))
    assert response is not None and response.status == 200, f"{name}: HTTP {response and response.status}"
    problems = page.evaluate(CHECK_TABLES)
    assert not problems, f"{name} at 360 px: {problems[:10]}"
    assert fits_width(page), f"{name} scrolls sideways at 360 px"
    shots(page, "staff-" + name.replace(":", "-"))


def test_the_stacked_rows_show_their_labels_and_the_desktop_table_is_unchanged(world, as_role):
    page = as_role("province", MOBILE)
    page.goto(page.base_url + "/console/audit/")
    cell = page.locator("table.stack tbody tr").first.locator("td").first
    assert page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle()) == '"시각"'
    assert page.evaluate("(el) => getComputedStyle(el).display", cell.element_handle()) != "table-cell"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("(el) => getComputedStyle(el).display", cell.element_handle()) == "table-cell"
    before = page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle())
    assert before in ("none", "normal")


def test_the_check_catches_wrong_and_missing_labels_and_an_unreachable_scroller(world, as_role):
    page = as_role("province", MOBILE)
    page.goto(page.base_url + "/console/audit/")
    assert page.evaluate(CHECK_TABLES) == []
    page.evaluate(
        "() => { const cells = document.querySelectorAll('table.stack tbody tr:first-child td');"
        " cells[0].setAttribute('data-label', '행위자'); cells[1].removeAttribute('data-label');"
        " cells[2].removeAttribute('role');"
        " const box = document.createElement('div'); box.style.overflowX = 'auto'; box.style.width = '100px';"
        " box.innerHTML = '<p style=\"width: 900px\">wide</p>'; document.querySelector('main').appendChild(box); }"
    )
    problems = page.evaluate(CHECK_TABLES)
    assert any("label '행위자' under '시각'" in p for p in problems), problems
    assert any("cell 1: no data-label" in p for p in problems), problems
    assert any("td without role cell" in p for p in problems), problems
    assert any("not a focusable, labelled region" in p for p in problems), problems

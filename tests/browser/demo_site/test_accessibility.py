"""axe-core on every page of the site, with the role that uses it, at 1280 and at 360 px.

A page fails on any serious or critical violation. Every named URL of the registry is either checked here
(site_map.PAGES) or excluded with a reason (site_map.EXCLUDED: file downloads and POST-only form targets).
"""

import pytest

from tests.security.policy import PAGE_POLICY
from tests.security.test_authz_matrix import page_names

from ..axe import axe_run, describe, serious
from .conftest import DESKTOP, MOBILE
from .site_map import EXCLUDED, EXTRA_PAGES, PAGES

pytestmark = pytest.mark.django_db  # the demo is committed once by the package fixture; see conftest.py
ALL_PAGES = {**PAGES, **EXTRA_PAGES}
ROLE_OF_ACCOUNT = {"city": "city_official", "province": "province_official"}


def test_every_page_of_the_registry_is_checked_or_excluded_with_a_reason():
    names = set(page_names())
    missing = sorted(names - set(PAGES) - set(EXCLUDED))
    stale = sorted((set(PAGES) | set(EXCLUDED)) - names)
    assert not missing, f"pages not covered by the accessibility run (add them to site_map.PAGES): {missing}"
    assert not stale, f"site_map names pages that no longer exist: {stale}"
    assert not set(PAGES) & set(EXCLUDED)
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_each_page_is_opened_by_a_role_the_policy_allows():
    wrong = []
    for name, (account, _) in PAGES.items():
        policy = PAGE_POLICY[name]
        role = ROLE_OF_ACCOUNT.get(account or "", account)
        if policy == "public" or (account and policy == "login"):
            continue
        if role not in policy:  # type: ignore[operator]
            wrong.append(f"{name}: {account} is not allowed by the policy {policy}")
    assert not wrong, wrong


@pytest.mark.parametrize("name", sorted(ALL_PAGES))
def test_page_has_no_serious_accessibility_violation(name, world, as_role):
    account, build = ALL_PAGES[name]
    page = as_role(account)
    response = page.goto(page.base_url + build(world))
    expected = {"error:404": 404, "error:403": 403}.get(name, 200)
    assert response is not None and response.status == expected, f"{name}: HTTP {response and response.status}"
    assert page.evaluate("document.documentElement.lang") == "ko"
    problems = []
    for label, size in (("1280px", DESKTOP), ("360px", MOBILE)):
        page.set_viewport_size(size)
        found = serious(axe_run(page))
        if found:
            problems.append(describe(found, f"{name} {build(world)} at {label}"))
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


def test_the_check_catches_a_violation(world, as_role):
    # A control: the same run over a page given an unlabelled field and an image without text must fail.
    page = as_role(None)
    page.goto(page.base_url + "/")
    page.evaluate(
        "() => { const m = document.querySelector('main'); m.appendChild(document.createElement('input'));"
        " const i = document.createElement('img'); i.src = '/static/none.png'; m.appendChild(i); }"
    )
    ids = {v["id"] for v in serious(axe_run(page))}
    assert {"label", "image-alt"} <= ids

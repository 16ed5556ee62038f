"""Languages: Korean is the source; en/vi/zh-hans catalogues, their compiled files, the pages and the switch."""

import ast
import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

LOCALE = Path(settings.BASE_DIR) / "locale"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
CATALOGUES = ["en", "vi", "zh_Hans"]

# The pages families use: they are complete in every language. Staff pages are complete in English.
CITIZEN_TEMPLATES = [
    "base.html",
    "error.html",
    *(f"portal/{p.name}" for p in (TEMPLATES / "portal").glob("*.html") if p.name != "staff_home.html"),
    *(f"portal/directory/{p.name}" for p in (TEMPLATES / "portal" / "directory").glob("*.html")),
    *(f"benefits/{p.name}" for p in (TEMPLATES / "benefits").glob("*.html")),
    *(f"booking/{n}.html" for n in ("index", "book", "hold", "cancel", "my", "nearest")),
    *(f"visits/{n}.html" for n in ("new", "my", "cancel", "rate", "report")),
    *(f"counsel/{n}.html" for n in ("ask", "ask_done", "faq", "my_inquiries", "my_inquiry", "_articles", "_history")),
]
ALL_TEMPLATES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))

_CALL = re.compile(r"\b(?:gettext|gettext_noop)\(('(?:[^'\\]|\\.)*')\)")
_PCALL = re.compile(r"\bpgettext\(('(?:[^'\\]|\\.)*'),\s*('(?:[^'\\]|\\.)*')\)")


def template_msgids(name: str) -> set[str]:
    """The msgids makemessages would extract from one template (same templatize step, parsed in-process)."""
    src = (TEMPLATES / name).read_text(encoding="utf-8")
    code = templatize(src, origin=name)
    ids = {ast.literal_eval(m.group(1)) for m in _CALL.finditer(code)}
    ids |= {ast.literal_eval(m.group(2)) for m in _PCALL.finditer(code)}
    return ids


def po(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", CATALOGUES)
def test_compiled_catalogue_matches_po(lang):
    """The committed .mo says exactly what the .po says (run compilemessages after editing a .po)."""
    mo_path = LOCALE / lang / "LC_MESSAGES" / "django.mo"
    with mo_path.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    compiled = {k: v for k, v in compiled.items() if k != ""}
    expected = {}
    for e in po(lang).translated_entries():
        key = e.msgid if not e.msgctxt else f"{e.msgctxt}\x04{e.msgid}"
        expected[key] = e.msgstr
    assert compiled == expected


@pytest.mark.parametrize("lang", CATALOGUES)
def test_citizen_pages_fully_translated(lang):
    catalogue = {e.msgid: e for e in po(lang)}
    missing = []
    for name in CITIZEN_TEMPLATES:
        for msgid in template_msgids(name):
            e = catalogue.get(msgid)
            if e is None or not e.msgstr or "fuzzy" in e.flags or e.obsolete:
                missing.append((name, msgid))
    assert not missing, f"{len(missing)} untranslated in {lang} (run makemessages, translate, compilemessages)"


def test_placeholders_kept_in_translations():
    for lang in CATALOGUES:
        for e in po(lang).translated_entries():
            names = sorted(re.findall(r"%\((\w+)\)s", e.msgid))
            assert sorted(re.findall(r"%\((\w+)\)s", e.msgstr)) == names, (lang, e.msgid)


def _get(client, path, lang=None):
    if lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_korean_is_the_default(client, db):
    html = _get(client, "/")
    assert '<html lang="ko">' in html
    assert "임신부터 12세까지, 지원과 돌봄을 한곳에서" in html
    assert "받을 수 있는 지원을 확인하고, 가까운 돌봄시설을 찾고" in html
    assert "청년·결혼" in html


PAGES = {
    "en": {
        "/": ["Support and care from pregnancy to age 12, in one place", "Young adults &amp; marriage", "Log in"],
        "/benefits/check/": ["Check our family's benefits", "Where you live", "Check benefits"],
        "/map/": ["Near where?", "Search options"],
    },
    "vi": {
        "/": ["Hỗ trợ và chăm sóc từ khi mang thai đến 12 tuổi, tại một nơi", "Đăng nhập", "Mang thai · Sinh con"],
        "/benefits/check/": ["Nơi ở", "Kiểm tra hỗ trợ"],
        "/map/": ["Gần đâu?", "Điều kiện tìm cơ sở"],
    },
    "zh-hans": {
        "/": ["从怀孕到12岁，支援与照护一站式办理", "登录", "怀孕·生育"],
        "/benefits/check/": ["居住地", "查询支援"],
        "/map/": ["在哪里附近？", "查找条件"],
    },
}


@pytest.mark.parametrize("lang", list(PAGES))
def test_pages_render_in_the_chosen_language(client, db, lang):
    for path, phrases in PAGES[lang].items():
        html = _get(client, path, lang)
        assert f'<html lang="{lang}">' in html, path
        for phrase in phrases:
            assert phrase in html, (lang, path, phrase)


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [("en", ["Book care", "My bookings"]), ("vi", ["Xem đặt chỗ của tôi"]), ("zh-hans", ["查看我的预约"])],
)
def test_booking_page_in_the_chosen_language(client, citizen, lang, phrases):
    client.force_login(citizen)
    html = _get(client, "/care/", lang)
    assert f'<html lang="{lang}">' in html
    for phrase in phrases:
        assert phrase in html


def test_switch_persists_across_requests(client, db):
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/benefits/check/"})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "vi"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    for path in ("/", "/benefits/check/", "/map/"):
        html = _get(client, path)
        assert '<html lang="vi">' in html
    html = _get(client, "/")
    assert '<option value="vi" selected>' in html
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert '<html lang="ko">' in _get(client, "/")


def test_unknown_language_is_ignored(client, db):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="ko">' in _get(client, "/")


def test_every_page_fully_translated_in_english():
    catalogue = {e.msgid: e for e in po("en")}
    missing = [
        (name, msgid)
        for name in ALL_TEMPLATES
        for msgid in template_msgids(name)
        if not (e := catalogue.get(msgid)) or not e.msgstr or "fuzzy" in e.flags or e.obsolete
    ]
    assert not missing, missing[:10]

"""Languages: Korean is the source; en/vi/zh-hans catalogues, their compiled files, the pages and the switch."""

import ast
import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import gettext_lazy
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


# --- Messages produced in Python (errors, field messages, flash texts, labels) --------------------------------------

ROOT = Path(settings.BASE_DIR)
PY_PACKAGES = ["config", "dolbom", "web"]

#: Modules whose messages families (citizens, anonymous visitors) see: complete in vi and zh_Hans too.
#: A path ending in "/" covers the whole package.
CITIZEN_MODULES = [
    "config/api.py",
    "web/errors.py",
    "web/portal/",
    "dolbom/core/errors.py",
    "dolbom/core/middleware.py",
    "dolbom/core/permissions.py",
    "dolbom/core/validation.py",
    "dolbom/core/ratelimit.py",
    "dolbom/accounts/",
    "dolbom/households/",
    "dolbom/booking/",
    "dolbom/directory/api.py",
    "dolbom/directory/services.py",
    "dolbom/directory/selectors.py",
    "dolbom/directory/hours.py",
    "dolbom/directory/labels.py",
    "dolbom/booking/ics.py",
    "dolbom/regions/api.py",
    "dolbom/regions/resolver.py",
    "dolbom/regions/selectors.py",
    "dolbom/counselling/services.py",
    "dolbom/counselling/selectors.py",
    "dolbom/counselling/phones.py",
    "dolbom/counselling/api.py",
    "dolbom/matching/services.py",
    "dolbom/matching/api.py",
    "dolbom/benefits/",
    "web/counsel/",
]

#: Packages (or single modules) where a Korean message must go through gettext: the lint below fails on a bare
#: Korean literal handed to an error, a ValidationError, a flash message or a field message.
TRANSLATED_PACKAGES = [
    "config/api.py",
    "web/errors.py",
    "web/portal/",
    "dolbom/core/",
    "dolbom/accounts/",
    "dolbom/households/",
    "dolbom/booking/",
    "dolbom/directory/",
    "dolbom/regions/",
    "dolbom/counselling/",
    "dolbom/matching/",
    "dolbom/operations/",
    "dolbom/benefits/",
    "web/backoffice/",
    "web/console/",
    "web/counsel/",
]

#: Staff-only messages inside a citizen module (English is enough): the staff landing page's section links.
STAFF_ONLY_MSGIDS = {
    "web/portal/views.py": {"관리자 화면", "지원사업 카탈로그", "지원사업 확인"},
    # the agents' queue timer and caller search, an agent assigning a case
    "dolbom/counselling/selectors.py": {"기한 초과", "형식"},
    "dolbom/counselling/services.py": {"담당 지역 밖", "역할"},
}

#: Model metadata (field names, choice labels) is complete in English; inside the citizen packages it is not
#: required in vi/zh here (the admin and staff screens use most of it).
NOT_CITIZEN_FILES = {"models.py", "admin.py", "apps.py"}


_GETTEXT_FUNCS = {"gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy"}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_ERROR_NAMES = {
    "ApplicationError",
    "InvalidInput",
    "NotFound",
    "AuthenticationRequired",
    "PermissionDenied",
    "Conflict",
    "CapacityExhausted",
    "NotEligible",
    "TransitionNotAllowed",
    "RateLimited",
    "PayloadTooLarge",
    "ServiceUnavailable",
    "ValidationError",
}
_MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}


def python_sources() -> list[Path]:
    files = []
    for package in PY_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or path.name.startswith("test_"):
                continue
            files.append(path)
    return sorted(files)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _covered(rel: str, prefixes: list[str]) -> bool:
    return any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in prefixes)


def _gettext_aliases(tree: ast.AST) -> dict[str, str]:
    """Local names bound to Django's gettext functions: {"_": "gettext_lazy", "gettext": "gettext", ...}."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in _GETTEXT_FUNCS:
                    aliases[alias.asname or alias.name] = alias.name
    return aliases


def source_msgids(source: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every gettext call with literal arguments in one module's source."""
    tree = ast.parse(source)
    aliases = _gettext_aliases(tree)
    found: set[tuple[str | None, str]] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in aliases:
            kind = aliases[func.id]
        elif isinstance(func, ast.Attribute) and func.attr in _GETTEXT_FUNCS and isinstance(func.value, ast.Name):
            kind = func.attr  # translation.gettext(...)
        else:
            continue
        args = node.args
        if kind.startswith("pgettext"):
            if len(args) >= 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2]):
                found.add((args[0].value, args[1].value))  # type: ignore[attr-defined]
        elif args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            found.add((None, args[0].value))
    return found


def _catalogue_keys(lang: str) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in po(lang).translated_entries() if "fuzzy" not in e.flags}


def test_python_messages_translated():
    """Every message wrapped in gettext in Python is in English; the families' ones also in vi and zh_Hans."""
    known = {lang: _catalogue_keys(lang) for lang in CATALOGUES}
    missing: list[tuple[str, str, str]] = []
    for path in python_sources():
        rel = _rel(path)
        citizen = _covered(rel, CITIZEN_MODULES) and path.name not in NOT_CITIZEN_FILES
        langs = CATALOGUES if citizen else ["en"]
        for key in source_msgids(path.read_text(encoding="utf-8")):
            if not _HANGUL.search(key[1]):
                continue  # an English/ASCII msgid is its own English text
            staff_only = key[1] in STAFF_ONLY_MSGIDS.get(rel, ())
            for lang in ["en"] if staff_only else langs:
                if key not in known[lang]:
                    missing.append((lang, rel, key[1]))
    assert not missing, f"{len(missing)} untranslated (add them with scripts/po_add.py): {missing[:15]}"


def _korean_literal(node: ast.AST | None) -> bool:
    """A string literal, f-string or "..." % x with Hangul that was not passed through gettext."""
    if node is None:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_HANGUL.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_korean_literal(v) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return _korean_literal(node.left) or _korean_literal(node.right)
    if isinstance(node, ast.IfExp):
        return _korean_literal(node.body) or _korean_literal(node.orelse)
    return False


def _callee(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def untranslated_messages(source: str) -> list[tuple[int, str]]:
    """(line, what) for each bare Korean message in one module's source."""
    tree = ast.parse(source)
    errors = set(_ERROR_NAMES)
    for node in ast.walk(tree):  # the module's own subclasses of the error hierarchy
        if isinstance(node, ast.ClassDef) and any(_callee(b) in errors for b in node.bases):
            errors.add(node.name)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node.func)
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        message: ast.AST | None = None
        if name in errors:
            message = node.args[0] if node.args else keywords.get("message")
            what = name
        elif (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "messages"
            and name in _MESSAGE_LEVELS | {"add_message"}
        ):
            index = 2 if name == "add_message" else 1
            message = node.args[index] if len(node.args) > index else keywords.get("message")
            what = f"messages.{name}"
        elif name == "add_error" and len(node.args) >= 2:
            message, what = node.args[1], "add_error"
        if message is not None and _korean_literal(message):
            found.append((node.lineno, what))
        detail = keywords.get("detail")
        if isinstance(detail, ast.Dict):
            for key, value in zip(detail.keys, detail.values, strict=True):
                if not (isinstance(key, ast.Constant) and key.value == "fields"):
                    continue
                if isinstance(value, ast.Dict):
                    field_values = list(value.values)
                elif isinstance(value, ast.DictComp):
                    field_values = [value.value]
                elif isinstance(value, ast.Call) and _callee(value.func) == "fromkeys" and len(value.args) == 2:
                    field_values = [value.args[1]]
                else:
                    field_values = []
                for field_value in field_values:
                    if _korean_literal(field_value):
                        found.append((field_value.lineno, f"{name} detail.fields"))
    return found


def test_no_untranslated_korean_messages():
    problems = []
    for path in python_sources():
        rel = _rel(path)
        if not _covered(rel, TRANSLATED_PACKAGES):
            continue
        problems += [f"{rel}:{line} {what}" for line, what in untranslated_messages(path.read_text(encoding="utf-8"))]
    assert not problems, f"{len(problems)} Korean messages not wrapped in gettext: {problems[:20]}"


def test_the_lint_finds_bare_korean_messages():
    source = """
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from dolbom.core.errors import InvalidInput, NotFound

class SlotGone(NotFound):
    pass

def f(request, form, n):
    raise InvalidInput("입력값을 확인해 주세요.", detail={"fields": {"date": "날짜가 없습니다."}})
    raise NotFound(message=f"{n}번 예약이 없습니다.")
    raise SlotGone("자리가 없습니다.")
    raise ValidationError("형식이 올바르지 않습니다.")
    messages.success(request, "저장했습니다.")
    form.add_error("name", "이름이 필요합니다.")
    raise InvalidInput("%s 항목" % n)
    raise InvalidInput(_("입력값을 확인해 주세요."), detail={"fields": {"date": _("날짜가 없습니다.")}})
    messages.success(request, _("저장했습니다."))
    raise NotFound(_("%(n)s번 예약이 없습니다.") % {"n": n})
    raise InvalidInput("invalid", code="x")
    raise InvalidInput(_("x"), detail={"fields": {k: "잘못됨" for k in n}})
    raise InvalidInput(_("x"), detail={"fields": dict.fromkeys(n, "잘못됨")})
"""
    found = untranslated_messages(source)
    assert [line for line, _ in found] == [11, 11, 12, 13, 14, 15, 16, 17, 22, 23]
    assert {what for _, what in found} >= {"InvalidInput", "SlotGone", "ValidationError", "messages.success"}
    ids = source_msgids(source)
    assert (None, "입력값을 확인해 주세요.") in ids and (None, "%(n)s번 예약이 없습니다.") in ids
    assert (None, "자리가 없습니다.") not in ids


# --- The error shape and pages in the request's language ------------------------------------------------------------


def test_error_messages_resolve_in_the_active_language():
    from django.utils import translation

    from dolbom.core.errors import CapacityExhausted, InvalidInput

    error = CapacityExhausted()  # a lazy default: resolved when read, in the language active then
    with translation.override("en"):
        assert error.message == "There are no places left." and str(error) == error.message
        assert error.as_dict() == {"code": "capacity_exhausted", "message": "There are no places left.", "detail": {}}
    with translation.override("ko"):
        assert error.as_dict()["message"] == "남은 자리가 없습니다."
    with translation.override("zh-hans"):
        shaped = InvalidInput(detail={"fields": {"x": gettext_lazy("값이 필요합니다")}, "n": [1]}).as_dict()
    assert shaped == {
        "code": "invalid_input",
        "message": "请检查输入内容。",
        "detail": {"fields": {"x": "必填"}, "n": [1]},
    }
    assert all(type(v) is str for v in shaped["detail"]["fields"].values())


def test_api_errors_in_english_keep_their_codes(api_client, citizen, auth_header):
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    anonymous = api_client.get("/api/v1/households/children", **en)
    assert anonymous.status_code == 401
    assert anonymous.json() == {"code": "authentication_required", "message": "Please log in.", "detail": {}}
    missing = api_client.get("/api/v1/households/children/999999", **en, **auth_header(citizen))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found" and missing.json()["message"]
    assert not re.search(r"[\uac00-\ud7a3]", missing.json()["message"])
    future = api_client.post(
        "/api/v1/households/children",
        data='{"name": "별", "birth_date": "2999-01-01"}',
        content_type="application/json",
        **en,
        **auth_header(citizen),
    )
    assert future.status_code == 422 and future.json()["code"] == "invalid_input"
    assert future.json()["message"] == "The date of birth cannot be after today."
    assert future.json()["detail"] == {"fields": {"birth_date": "date in the future"}}
    wrong_method = api_client.put("/api/v1/regions", **en)  # answered outside ninja's handlers
    assert wrong_method.status_code == 405
    assert wrong_method.json()["message"] == "This request is not allowed."
    korean = api_client.get("/api/v1/households/children")
    assert korean.json()["message"] == "로그인이 필요합니다."


def test_page_errors_and_flash_messages_in_the_chosen_language(client, citizen):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "The page you are looking for does not exist." in missing.content.decode()
    client.force_login(citizen)
    refused = client.post("/my/children/add/", {"name": "미래", "birth_date": "2999-01-01"})
    assert refused.status_code == 422 and "The date of birth cannot be after today." in refused.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    added = client.post("/my/children/add/", {"name": "하늘", "birth_date": "2022-05-01"}, follow=True)
    assert '<p class="message success">Đã đăng ký 하늘.</p>' in added.content.decode()

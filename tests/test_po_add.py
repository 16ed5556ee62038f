"""scripts/po_add.py fills empty translations in place and appends new ones, touching nothing else."""

import importlib.util
from pathlib import Path

import polib

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "po_add.py"
CATALOGUE = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#: dolbom/x/models.py
msgid "취소"
msgstr ""

msgctxt "status"
msgid "취소"
msgstr "Đã hủy"

#: templates/a.html
msgid "긴 문장이 여러 줄로 "
"나뉜 경우"
msgstr ""
'''


def _script():
    spec = importlib.util.spec_from_file_location("po_add", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fills_empty_entries_and_keeps_the_rest(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(CATALOGUE, encoding="utf-8")
    entries = [
        {"msgid": "취소", "vi": "Hủy \"ngay\""},
        {"msgctxt": "status", "msgid": "취소", "vi": "changed?"},
        {"msgid": "긴 문장이 여러 줄로 나뉜 경우", "vi": "Câu dài"},
        {"msgid": "없는 문장", "vi": "Không có"},
    ]
    assert _script()._fill_empty(path, entries, "vi") == 2
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(path))}
    assert po[(None, "취소")] == 'Hủy "ngay"'
    assert po[("status", "취소")] == "Đã hủy"  # a translation already there stays
    assert po[(None, "긴 문장이 여러 줄로 나뉜 경우")] == "Câu dài"
    assert (None, "없는 문장") not in po  # new ones are appended by add(), not here
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") == CATALOGUE.count("\n") and "#: templates/a.html" in text

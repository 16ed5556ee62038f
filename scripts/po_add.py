#!/usr/bin/env python3
"""Add translations for new Korean msgids to the catalogues, then compile them.

    .venv/bin/python scripts/po_add.py entries.json

entries.json is a list of {"msgid": "한국어 원문", "en": "...", "vi": "...", "zh_Hans": "...", "ref": "path.py"};
"vi" and "zh_Hans" may be left out for staff-only messages (English is complete for every message, Vietnamese and
Chinese for what families see). A msgid already translated in a catalogue is left as it is there; one present
with an empty translation (a model's label picked up by makemessages, say) gets the translation given.

Entries are appended to the end of each django.po rather than rewriting the file (a full rewrite reorders and
rewraps every entry and makes reviews unreadable). The append and the compile run under a lock file, so two
people adding entries at once cannot lose each other's work.
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGS = ("en", "vi", "zh_Hans")


def _fill_empty(path: Path, entries: list[dict], lang: str) -> int:
    """Write the given translations into entries present with an empty msgstr, changing only those lines."""
    wanted = {(item.get("msgctxt"), item["msgid"]): item.get(lang) for item in entries}
    lines = path.read_text(encoding="utf-8").split("\n")
    filled = 0
    for entry in polib.pofile(str(path)).untranslated_entries():
        text = wanted.get((entry.msgctxt, entry.msgid))
        if not text or entry.msgid_plural:
            continue
        i = entry.linenum - 1
        while not lines[i].startswith("msgstr"):
            i += 1
        if lines[i] == 'msgstr ""' and not (i + 1 < len(lines) and lines[i + 1].startswith('"')):
            lines[i] = f'msgstr "{polib.escape(text)}"'
            filled += 1
    if filled:
        path.write_text("\n".join(lines), encoding="utf-8")
    return filled


def add(entries: list[dict]) -> dict[str, int]:
    added = {}
    for lang in LANGS:
        path = LOCALE / lang / "LC_MESSAGES" / "django.po"
        filled = _fill_empty(path, entries, lang)
        known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(path))}
        chunks = []
        for item in entries:
            text = item.get(lang)
            key = (item.get("msgctxt"), item["msgid"])
            if not text or key in known:
                continue
            entry = polib.POEntry(msgid=item["msgid"], msgstr=text, msgctxt=item.get("msgctxt"))
            if item.get("ref"):
                entry.occurrences = [(item["ref"], "")]
            chunks.append(entry.__unicode__(wrapwidth=0))
            known.add(key)
        if chunks:
            with path.open("a", encoding="utf-8") as f:
                f.write("\n" + "\n".join(chunks))
        added[lang] = len(chunks) + filled
    return added


def main() -> None:
    entries = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    with (LOCALE / ".po_add.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        added = add(entries)
        for lang in LANGS:  # fail early on a broken catalogue, before Django's compile hides which file
            polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
        subprocess.run(
            [sys.executable, "manage.py", "compilemessages", *(f"-l{lang}" for lang in LANGS)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(json.dumps({"added": added}))


if __name__ == "__main__":
    main()

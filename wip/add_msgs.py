"""Add msgid->msgstr pairs to the zh_Hans catalogue and compile it.

Usage: python add_msgs.py pairs.json [project_root]
pairs.json is a JSON object {"English msgid": "中文 msgstr", ...}.
"""

import json
import sys
from pathlib import Path

import polib

pairs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
root = Path(sys.argv[2] if len(sys.argv) > 2 else "/work/main")
po_path = root / "locale/zh_Hans/LC_MESSAGES/django.po"
po = polib.pofile(str(po_path), wrapwidth=0)
added = changed = 0
for msgid, msgstr in pairs.items():
    entry = po.find(msgid)
    if entry is None:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        added += 1
    elif entry.msgstr != msgstr or entry.obsolete or "fuzzy" in entry.flags:
        entry.msgstr = msgstr
        entry.obsolete = False
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        changed += 1
po.save(str(po_path))
po.save_as_mofile(str(po_path.with_suffix(".mo")))
print(f"added {added}, changed {changed}, total {len(po)}")

#!/usr/bin/env python3
"""Set Swedish translations for given msgids in the catalogue and clear their fuzzy flag.

    python scripts/po_fill.py translations.json

translations.json: {"<msgid>": "<msgstr>", "<plural msgid>": ["<one>", "<many>"], ...}.
A tool for translators; standard library only.
"""

import json
import re
import sys
from pathlib import Path

PO = (
    Path(__file__).resolve().parent.parent
    / "hallbar"
    / "locale"
    / "sv"
    / "LC_MESSAGES"
    / "django.po"
)


def _unquote(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main() -> None:
    wanted: dict[str, str | list[str]] = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    entries = PO.read_text(encoding="utf-8").split("\n\n")
    done = set()
    for index, entry in enumerate(entries):
        match = re.search(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n?)+)^msg(?:str|id_plural) ', entry, re.M)
        if not match:
            continue
        msgid = _unquote(match.group(1))
        if msgid not in wanted:
            continue
        lines = [line for line in entry.split("\n") if not line.startswith("#|")]
        head = [
            line.replace("fuzzy, ", "").replace("#, fuzzy", "#")
            for line in lines
            if line.startswith("#")
        ]
        head = [line for line in head if line.strip() != "#"]
        translation = wanted[msgid]
        if isinstance(translation, list):
            plural = re.search(r'^msgid_plural ((?:"(?:[^"\\]|\\.)*"\n?)+)', entry, re.M)
            body = [f"msgid_plural {_quote(_unquote(plural.group(1)))}"] + [
                f"msgstr[{n}] {_quote(form)}" for n, form in enumerate(translation)
            ]
        else:
            body = [f"msgstr {_quote(translation)}"]
        entries[index] = "\n".join([*head, f"msgid {_quote(msgid)}", *body])
        done.add(msgid)
    PO.write_text("\n\n".join(entries), encoding="utf-8")
    missing = set(wanted) - done
    if missing:
        sys.exit(f"not in the catalogue: {sorted(missing)}")


if __name__ == "__main__":
    main()

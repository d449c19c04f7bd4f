"""The frozen content of a published edition and its hash.

A snapshot is plain JSON: ``{"format": 1, "meta": {...}, "languages": {"sv": tree,
"en": tree}, "changes": [...]}`` where each tree is what `compile.build` made for that
language (texts, numbers as shown, chart SVGs, data tables). The web page, the PDF and the
open data are all rendered from it and nothing else.

`content_hash` is the SHA-256 of the canonical serialisation: keys sorted, no
insignificant whitespace, UTF-8, non-finite numbers refused. It is computed once, when the
edition is published, and shown on all three outputs; anyone can recompute it from the
`snapshot.json` in the open data.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

FORMAT = 1


def canonical_json(snapshot: Any) -> bytes:
    return json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(snapshot: Any) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def make_snapshot(
    *, languages: dict[str, dict[str, Any]], meta: dict[str, Any], changes: list[dict[str, Any]]
) -> dict[str, Any]:
    # A JSON round trip makes it exactly what the database will hand back (tuples → lists).
    return json.loads(
        canonical_json({"format": FORMAT, "meta": meta, "languages": languages, "changes": changes})
    )


def _indicator_values(tree: dict[str, Any]) -> dict[str, tuple[Any, Any, Any]]:
    values = {}
    for dimension in tree.get("dimensions", []):
        for goal in dimension["goals"]:
            for indicator in goal["indicators"]:
                values[indicator["code"]] = (
                    indicator["latest_year"],
                    indicator["latest_value"],
                    indicator["status"],
                )
    return values


def changes_between(
    previous: dict[str, Any] | None, current_tree: dict[str, Any], current_texts: dict[str, Any]
) -> list[dict[str, Any]]:
    """What differs from the edition corrected: indicator values and statuses, section
    texts. Language-neutral codes; the pages word them."""
    if not previous:
        return []
    old_tree = previous.get("languages", {}).get("sv", {})
    old, new = _indicator_values(old_tree), _indicator_values(current_tree)
    changes: list[dict[str, Any]] = []
    for code in sorted(set(old) | set(new)):
        if old.get(code) != new.get(code):
            before, after = old.get(code), new.get(code)
            changes.append(
                {
                    "kind": "indicator",
                    "code": code,
                    "before": list(before) if before else None,
                    "after": list(after) if after else None,
                }
            )
    old_texts = previous.get("meta", {}).get("texts", {})
    for key in sorted(set(old_texts) | set(current_texts)):
        if old_texts.get(key) != current_texts.get(key):
            changes.append({"kind": "text", "section": key})
    return changes

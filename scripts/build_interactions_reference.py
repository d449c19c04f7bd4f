#!/usr/bin/env python3
"""Regenerate the shipped example interaction matrix from the public source in shared/data.

    python scripts/build_interactions_reference.py --source ../shared/data

Writes (committed to the repository, so a clone works without shared/):
  hallbar/analysis/interactions/data/sei_sweden_2018.json

Source (see shared/data/README.md, section 4): the cross-impact matrix of 34 SDG targets
scored for Sweden by Weitz, Carlsen, Nilsson & Skånberg (2018), "Towards systemic and
contextual priority setting for implementing the 2030 Agenda", Sustainability Science
13:531–548, as published with the SEI/KTH visualisation project yipeitu/IVIS18_ProjectFinal
(gh-pages, commit d0327b54f46c51b73daf274cbb861359db2004f6, data/data_sweden.json). The
source has no rationales (its `reasons` field is empty everywhere). The repository has no
licence file: cite the paper.

Checked on the way: 34 targets, 34×33 = 1,122 pairs, every score an integer in −3…+3, no
target scored against itself, every pair once, and the source's own row sums (Pos, Neg,
Sum) equal to the ones recomputed from the cells. Only the standard library is used.
"""

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "hallbar" / "analysis" / "interactions" / "data" / "sei_sweden_2018.json"

CITATION = (
    "Weitz, N., Carlsen, H., Nilsson, M. & Skånberg, K. (2018). Towards systemic and "
    "contextual priority setting for implementing the 2030 Agenda. Sustainability Science "
    "13:531–548."
)
DATA_SOURCE = (
    "Scores as published with the SEI/KTH project yipeitu/IVIS18_ProjectFinal (GitHub, "
    "gh-pages, commit d0327b54f46c51b73daf274cbb861359db2004f6, data/data_sweden.json); "
    "the source gives no rationales."
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build(source: Path) -> dict:
    folder = source / "interactions"
    targets = _read(folder / "sei_sweden_targets.csv")
    codes = [row["target"] for row in targets]
    known = set(codes)
    cells = []
    seen = set()
    for number, row in enumerate(_read(folder / "sei_sweden_cross_impact_long.csv"), start=2):
        pair = (row["from_target"], row["to_target"])
        score = int(row["score"])
        if pair[0] not in known or pair[1] not in known:
            raise SystemExit(f"row {number}: unknown target in {pair}")
        if pair[0] == pair[1] or pair in seen or not -3 <= score <= 3:
            raise SystemExit(f"row {number}: bad pair or score {pair} {score}")
        seen.add(pair)
        cells.append([pair[0], pair[1], score])
    if len(cells) != len(codes) * (len(codes) - 1):
        raise SystemExit(f"expected every pair once, got {len(cells)} cells")
    for row in targets:
        scores = [score for f, _t, score in cells if f == row["target"]]
        positive = sum(s for s in scores if s > 0)
        negative = sum(s for s in scores if s < 0)
        if (positive, negative) != (int(row["out_pos"]), int(row["out_neg"])):
            raise SystemExit(f"row sums of {row['target']} disagree with the source")
    return {
        "title": "Sverige: interaktioner mellan 34 delmål (Weitz m.fl. 2018)",
        "title_en": "Sweden: interactions between 34 targets (Weitz et al. 2018)",
        "citation": CITATION,
        "data_source": DATA_SOURCE,
        "scale": "Nilsson, Griggs & Visbeck (2016): +3 indivisible … −3 cancelling",
        "targets": codes,
        "cells": cells,
        "source_second_order_note": (
            "The source's own second-order column ('2nd') is half the row sum of A² with "
            "the paths back to the origin included; Hållbar computes S2 as METHODS.md §4 "
            "defines it, without those paths."
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    data = build(args.source)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    # One cell a line: a change of a score is a one-line diff.
    head = json.dumps({k: v for k, v in data.items() if k != "cells"}, ensure_ascii=False, indent=1)
    cells = ",\n".join("  " + json.dumps(cell, ensure_ascii=False) for cell in data["cells"])
    text = head[:-2] + ',\n "cells": [\n' + cells + "\n ]\n}\n"
    json.loads(text)  # still one valid document
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {len(data['targets'])} targets, {len(data['cells'])} pairs")


if __name__ == "__main__":
    main()

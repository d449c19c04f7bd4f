#!/usr/bin/env python3
"""Regenerate Hållbar's shipped reference data from the public sources in shared/data.

    python scripts/build_reference_data.py --source ../shared/data

Writes (committed to the repository, so a clone works without shared/):
  hallbar/agenda/data/goal_sets.json            Agenda 2030, miljökvalitetsmål, folkhälsa
  hallbar/organisation/data/municipalities.json 290 municipalities with county and SKR group

Sources (see shared/data/README.md for provenance and derivation notes):
  * UN Statistics Division, Global indicator framework for the SDGs and targets of the
    2030 Agenda (A/RES/71/313 Annex), after the 2023 refinement: goals, targets, indicators.
  * open-sdg/sdg-translations (MIT): English short goal titles.
  * UN Department of Global Communications, SDG guidelines: goal colours.
  * Swedish wording: the Government Offices' translation of A/RES/70/1 as published by
    SCB and globalamalen.se (per-row source kept in `source_sv`).
  * Stockholm Resilience Centre, "wedding cake" (Azote for SRC, 2016): goal dimensions,
    as cited in Hallstahammar's strategy (KF 2021-10-25 § 129).
  * Naturvårdsverket: the 16 miljökvalitetsmål; prop. 2017/18:249: the 8 public-health
    target areas (folkhälsopolitiska målområden).
  * Kolada (RKA) municipality list and SKR kommungrupper via Kolada groups.
Only the standard library is used, so the script runs anywhere Python does.
"""

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The wedding cake (Stockholm Resilience Centre): biosphere, society, economy; 17 on top.
DIMENSION_OF_GOAL = {
    **dict.fromkeys([6, 13, 14, 15], "ecological"),
    **dict.fromkeys([1, 2, 3, 4, 5, 7, 11, 16], "social"),
    **dict.fromkeys([8, 9, 10, 12], "economic"),
    17: "",
}

AGENDA_SOURCE = (
    "UN Statistics Division, Global indicator framework for the Sustainable Development Goals "
    "and targets of the 2030 Agenda (A/RES/71/313 Annex), after the 2023 refinement. Swedish: "
    "the Government Offices' translation of A/RES/70/1 as published by SCB (scb.se) and "
    "globalamalen.se. Colours: UN SDG guidelines. Dimensions: Stockholm Resilience Centre."
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def agenda2030(source: Path) -> dict:
    sdg = source / "sdg"
    goals_sv = {row["goal"]: row for row in read_csv(sdg / "sdg_goals_sv.csv")}
    targets_sv = {row["target_code"]: row for row in read_csv(sdg / "sdg_targets_sv.csv")}
    indicators_sv = {
        row["indicator"]: row for row in read_csv(sdg / "sdg_indicators_sv_partial.csv")
    }
    indicators_by_target: dict[str, list[dict]] = {}
    for row in read_csv(sdg / "sdg_indicators.csv"):
        sv = indicators_sv.get(row["indicator"], {})
        indicators_by_target.setdefault(row["target"], []).append(
            {
                "code": row["indicator"],
                "unsd_code": row["unsd_code"],
                "is_repeated": row["is_repeated"] == "1",
                "title_en": row["title_en"],
                "title_sv": sv.get("title_sv", ""),
                "source_sv": sv.get("source", ""),
            }
        )
    targets_by_goal: dict[str, list[dict]] = {}
    for row in read_csv(sdg / "sdg_targets.csv"):
        sv = targets_sv[row["target"]]
        targets_by_goal.setdefault(row["goal"], []).append(
            {
                "code": row["target"],
                "kind": row["kind"],
                "text_en": row["title_en"],
                "text_sv": sv["text_sv"],
                "short_title_sv": sv["short_title_sv"],
                "source_sv": sv["source"] if (sv["text_sv"] or sv["short_title_sv"]) else "",
                "indicators": indicators_by_target.get(row["target"], []),
            }
        )
    goals = []
    for row in read_csv(sdg / "sdg_goals.csv"):
        number = int(row["goal"])
        sv = goals_sv[row["goal"]]
        goals.append(
            {
                "code": row["goal"],
                "number": number,
                "title_en": row["short_title_en"],
                "long_title_en": row["title_en"],
                "title_sv": sv["title_sv"],
                "long_title_sv": sv["long_title_sv"],
                "colour": row["color_hex_un_brand"].upper(),
                "dimension": DIMENSION_OF_GOAL[number],
                "targets": targets_by_goal[row["goal"]],
            }
        )
    return {
        "code": "agenda2030",
        "kind": "agenda2030",
        "title_sv": "Agenda 2030 – de globala målen för hållbar utveckling",
        "title_en": "The 2030 Agenda – Sustainable Development Goals",
        "position": 1,
        "source": AGENDA_SOURCE,
        "goals": goals,
    }


def national_sets(source: Path) -> list[dict]:
    sweden = source / "sweden"
    environment = [
        {"code": row["number"], "number": int(row["number"]), "title_sv": row["name_sv"]}
        for row in read_csv(sweden / "miljokvalitetsmal.csv")
    ]
    public_health = [
        {"code": row["number"], "number": int(row["number"]), "title_sv": row["name_sv"]}
        for row in read_csv(sweden / "folkhalsopolitiska_malomraden.csv")
        if row["in_force"].startswith("yes")
    ]
    return [
        {
            "code": "miljokvalitetsmal",
            "kind": "national",
            "title_sv": "Sveriges miljökvalitetsmål",
            "title_en": "Sweden's environmental quality objectives",
            "position": 2,
            "source": "Riksdagen; names in Naturvårdsverket's order (sverigesmiljomal.se).",
            "goals": environment,
        },
        {
            "code": "folkhalsa",
            "kind": "national",
            "title_sv": "Folkhälsopolitikens målområden",
            "title_en": "Public-health policy target areas",
            "position": 3,
            "source": "Prop. 2017/18:249, God och jämlik hälsa; Folkhälsomyndigheten.",
            "goals": public_health,
        },
    ]


def municipalities(source: Path) -> list[dict]:
    groups = {row["skr_code"]: row for row in read_csv(source / "sweden" / "skr_kommungrupper.csv")}
    return [
        {
            "code": row["municipality_code"],
            "name": row["municipality_name"],
            "county_code": row["county_code"],
            "county_name": row["county_name"],
            "municipality_group_code": row["skr_kommungrupp_code"],
            "municipality_group_name": groups[row["skr_kommungrupp_code"]]["skr_group_name"],
        }
        for row in read_csv(source / "sweden" / "municipalities.csv")
    ]


def write_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    write_json(
        ROOT / "hallbar" / "agenda" / "data" / "goal_sets.json",
        {
            "generated_by": "scripts/build_reference_data.py",
            "goal_sets": [agenda2030(args.source), *national_sets(args.source)],
        },
    )
    write_json(
        ROOT / "hallbar" / "organisation" / "data" / "municipalities.json",
        {
            "generated_by": "scripts/build_reference_data.py",
            "source": "Kolada (RKA) municipality list and groups; SCB county names; SKR kommungruppsindelning.",
            "municipalities": municipalities(args.source),
        },
    )


if __name__ == "__main__":
    main()

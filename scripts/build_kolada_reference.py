#!/usr/bin/env python3
"""Regenerate Hållbar's shipped Kolada reference data from the public copy in shared/data.

    python scripts/build_kolada_reference.py --source ../shared/data

Writes (committed to the repository, gzip-compressed JSON, so a clone works without
shared/ and the repository stays small; `manage.py load_kolada_reference` reads them):
  hallbar/followup/data/kolada_areas.json.gz  312 municipalities, regions and the country,
                                              3630 municipality groups with their members
  hallbar/followup/data/kolada_kpis.json.gz   6099 Kolada KPI definitions (metadata only)
  hallbar/followup/data/kolada_values_sample.json.gz
                                              303 real Kolada values (the whole sample:
                                              N00945 for Stockholm, Malmö and Göteborg
                                              2000–2020; N03702 and N03703 for Arboga and
                                              its 7 "liknande kommuner" peers 2012–2023 and
                                              for the three big cities 2012–2019), loaded
                                              by the demo (`hallbar/followup/demo.py`)

Sources (see shared/data/README.md §2 for provenance and derivation notes):
  * Kolada (RKA, Rådet för främjande av kommunala analyser), API v3 (api.kolada.se/v3):
    `kpi`, `municipality` and `municipality_groups`, as fetched in about March 2026 by the
    R package rKolada (GitHub LCHansson/rKolada, file R/sysdata.rda, last changed in commit
    d52938874f9a9e0b6f4dd44f36fa5edb8cd69fa3, "re-save package data to match v3 API outdata
    format") and written out as CSV: kolada/kolada_kpi_metadata.csv,
    kolada/kolada_municipalities.csv, kolada/kolada_municipality_groups.csv and
    kolada/kolada_municipality_group_members.csv. Kolada data is RKA's open data.
  * The values sample: the same file's `get_values(...)` output (objects `n00945`,
    `grp_data`, `kld_data`), kolada/kolada_values_sample.csv. Every row has gender T and
    an empty status. It holds no value for Hallstahammar (1961) or Surahammar (1907).
  * The SKR kommungrupper are Kolada groups G92786–G92794 (sweden/skr_kommungrupper.csv);
    they are among the groups here, with their members.

Nothing is changed on the way except the shape: Kolada's municipality type `L` becomes
`region`, or `country` for 0000 Riket; `K` becomes `municipality`; "True"/"False" become
booleans. The output is sorted and gzip-compressed without a timestamp, so running the
script again on the same input gives byte-identical files (no spurious diffs).
Only the standard library is used, so the script runs anywhere Python does.
"""

import argparse
import csv
import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "hallbar" / "followup" / "data"
COUNTRY_CODE = "0000"
KIND_ORDER = {"country": 0, "region": 1, "municipality": 2, "group": 3}
SOURCE = (
    "Kolada (RKA), API v3 (api.kolada.se/v3), about March 2026, as cached by the R package "
    "rKolada (LCHansson/rKolada, R/sysdata.rda, commit d52938874f9a9e0b6f4dd44f36fa5edb8cd69fa3)."
)
BOOLEAN_COLUMNS = ("is_divided_by_gender", "has_ou_data")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _kind(row: dict[str, str]) -> str:
    if row["type"] == "K":
        return "municipality"
    if row["type"] == "L":
        return "country" if row["id"] == COUNTRY_CODE else "region"
    raise SystemExit(f"Unknown Kolada municipality type {row['type']!r} for {row['id']}")


def areas(source: Path) -> list[dict]:
    kolada = source / "kolada"
    places = [
        {"code": row["id"], "kind": _kind(row), "title": row["title"]}
        for row in read_csv(kolada / "kolada_municipalities.csv")
    ]
    known = {place["code"] for place in places}
    members: dict[str, list[str]] = {}
    for row in read_csv(kolada / "kolada_municipality_group_members.csv"):
        if row["member_id"] not in known:
            raise SystemExit(f"Group {row['group_id']} has an unknown member {row['member_id']}")
        members.setdefault(row["group_id"], []).append(row["member_id"])
    groups = []
    for row in read_csv(kolada / "kolada_municipality_groups.csv"):
        group_members = sorted(set(members.pop(row["group_id"], [])))
        if len(group_members) != int(row["member_count"]):
            raise SystemExit(
                f"Group {row['group_id']}: {len(group_members)} members listed, "
                f"member_count says {row['member_count']}"
            )
        groups.append(
            {"code": row["group_id"], "kind": "group", "title": row["group_title"]}
            | {"members": group_members}
        )
    if members:
        raise SystemExit(f"Members of groups that are not listed: {sorted(members)[:5]}")
    result = places + groups
    result.sort(key=lambda area: (KIND_ORDER[area["kind"]], area["code"]))
    return result


def kpis(source: Path) -> list[dict]:
    rows = read_csv(source / "kolada" / "kolada_kpi_metadata.csv")
    result = []
    for row in rows:
        item: dict[str, object] = dict(row)
        for name in BOOLEAN_COLUMNS:
            if row[name] not in ("True", "False"):
                raise SystemExit(f"KPI {row['id']}: {name} is {row[name]!r}")
            item[name] = row[name] == "True"
        result.append(item)
    result.sort(key=lambda kpi: kpi["id"])
    return result


def values_sample(source: Path, known_kpis: set[str], known_areas: set[str]) -> list[dict]:
    """The sample's rows as Kolada v3 value rows (kpi, municipality, period, gender,
    value, count, status); a row for an unknown KPI or area, or a duplicate, stops."""
    result: dict[tuple[str, str, int, str], dict] = {}
    for number, row in enumerate(read_csv(source / "kolada" / "kolada_values_sample.csv"), 2):
        if row["kpi"] not in known_kpis or row["municipality_id"] not in known_areas:
            raise SystemExit(f"kolada_values_sample.csv line {number}: unknown KPI or area")
        item = {
            "kpi": row["kpi"],
            "municipality": row["municipality_id"],
            "period": int(row["year"]),
            "gender": row["gender"],
            "value": float(row["value"]) if row["value"] not in ("", "NA") else None,
            "count": int(row["count"]) if row["count"] not in ("", "NA") else None,
            "status": row["status"],
        }
        key = (item["kpi"], item["municipality"], item["period"], item["gender"])
        if key in result:
            raise SystemExit(f"kolada_values_sample.csv line {number}: duplicate {key}")
        result[key] = item
    return [result[key] for key in sorted(result)]


def write_gzip_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0 and no file name in the header: the same input gives the same bytes.
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    area_rows = areas(args.source)
    kpi_rows = kpis(args.source)
    write_gzip_json(
        OUTPUT / "kolada_areas.json.gz",
        {
            "generated_by": "scripts/build_kolada_reference.py",
            "source": SOURCE,
            "areas": area_rows,
        },
    )
    write_gzip_json(
        OUTPUT / "kolada_kpis.json.gz",
        {"generated_by": "scripts/build_kolada_reference.py", "source": SOURCE, "kpis": kpi_rows},
    )
    sample_rows = values_sample(
        args.source,
        {kpi["id"] for kpi in kpi_rows},
        {area["code"] for area in area_rows if area["kind"] != "group"},
    )
    write_gzip_json(
        OUTPUT / "kolada_values_sample.json.gz",
        {
            "generated_by": "scripts/build_kolada_reference.py",
            "source": SOURCE,
            "fetched": "2026-03-23",
            "values": sample_rows,
        },
    )
    counts: dict[str, int] = {}
    for area in area_rows:
        counts[area["kind"]] = counts.get(area["kind"], 0) + 1
    memberships = sum(len(area.get("members", [])) for area in area_rows)
    print(
        ", ".join(f"{count} {kind}" for kind, count in counts.items())
        + f", {memberships} group memberships, {len(kpi_rows)} KPIs, "
        f"{len(sample_rows)} sample values"
    )


if __name__ == "__main__":
    main()

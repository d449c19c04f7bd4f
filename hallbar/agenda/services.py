"""Writes of the agenda app: loading the shipped reference goal sets."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from hallbar.agenda.models import GlobalIndicator, Goal, GoalSet, Target

REFERENCE_DATA = Path(__file__).resolve().parent / "data" / "goal_sets.json"


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        totals = ", ".join(f"{count} {name}" for name, count in self.counts.items())
        return (
            f"Reference data: {totals}. "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged."
        )


def _upsert(
    summary: LoadSummary,
    existing: dict,
    key,
    model: type[models.Model],
    values: dict,
    to_create: list,
    to_update: list,
):
    row = existing.get(key)
    if row is None:
        row = model(**values)
        to_create.append(row)
        summary.created += 1
        return row
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        to_update.append(row)
        summary.updated += 1
    else:
        summary.unchanged += 1
    return row


def _save(model: type[models.Model], to_create: list, to_update: list, fields: list[str]) -> None:
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, fields)


@transaction.atomic
def reference_data_load(*, path: Path = REFERENCE_DATA) -> LoadSummary:
    """Create or update the reference goal sets from the shipped JSON; idempotent.

    Rows are matched on their codes and never deleted: local goals link to them.
    """
    payload = json.loads(path.read_text(encoding="utf-8"))
    summary = LoadSummary()
    sets = {s.code: s for s in GoalSet.objects.filter(organisation__isnull=True)}
    create: list = []
    update: list = []
    set_fields = ["kind", "title_sv", "title_en", "source", "position"]
    for item in payload["goal_sets"]:
        values = {"code": item["code"], **{name: item[name] for name in set_fields}}
        sets[item["code"]] = _upsert(summary, sets, item["code"], GoalSet, values, create, update)
    _save(GoalSet, create, update, set_fields)

    goals = {(g.goal_set_id, g.code): g for g in Goal.objects.filter(goal_set__in=sets.values())}
    create, update = [], []
    goal_fields = [
        "number",
        "title_sv",
        "title_en",
        "long_title_sv",
        "long_title_en",
        "colour",
        "dimension",
    ]
    for item in payload["goal_sets"]:
        goal_set = sets[item["code"]]
        for goal in item["goals"]:
            values = {"goal_set": goal_set, "code": goal["code"]}
            values |= {name: goal.get(name, "") for name in goal_fields if name != "number"}
            values["number"] = goal["number"]
            key = (goal_set.pk, goal["code"])
            goals[key] = _upsert(summary, goals, key, Goal, values, create, update)
    _save(Goal, create, update, goal_fields)

    targets = {
        (t.goal_set_id, t.code): t for t in Target.objects.filter(goal_set__in=sets.values())
    }
    create, update = [], []
    target_fields = [
        "goal",
        "position",
        "kind",
        "short_title_sv",
        "text_sv",
        "text_en",
        "source_sv",
    ]
    for item in payload["goal_sets"]:
        goal_set = sets[item["code"]]
        position = 0
        for goal in item["goals"]:
            for target in goal.get("targets", []):
                position += 1
                values = {
                    "goal_set": goal_set,
                    "code": target["code"],
                    "goal": goals[(goal_set.pk, goal["code"])],
                    "position": position,
                    **{name: target[name] for name in target_fields[2:]},
                }
                key = (goal_set.pk, target["code"])
                targets[key] = _upsert(summary, targets, key, Target, values, create, update)
    _save(Target, create, update, target_fields)

    indicators = {i.code: i for i in GlobalIndicator.objects.all()}
    create, update = [], []
    indicator_fields = [
        "target",
        "unsd_code",
        "position",
        "is_repeated",
        "title_sv",
        "title_en",
        "source_sv",
    ]
    for item in payload["goal_sets"]:
        goal_set = sets[item["code"]]
        for goal in item["goals"]:
            for target in goal.get("targets", []):
                for position, indicator in enumerate(target["indicators"], start=1):
                    values = {
                        "code": indicator["code"],
                        "target": targets[(goal_set.pk, target["code"])],
                        "position": position,
                        **{
                            name: indicator[name]
                            for name in (
                                "unsd_code",
                                "is_repeated",
                                "title_sv",
                                "title_en",
                                "source_sv",
                            )
                        },
                    }
                    _upsert(
                        summary,
                        indicators,
                        indicator["code"],
                        GlobalIndicator,
                        values,
                        create,
                        update,
                    )
    _save(GlobalIndicator, create, update, indicator_fields)

    summary.counts = {
        "goal sets": GoalSet.objects.filter(organisation__isnull=True).count(),
        "goals": Goal.objects.filter(goal_set__organisation__isnull=True).count(),
        "targets": Target.objects.filter(goal_set__organisation__isnull=True).count(),
        "indicators": GlobalIndicator.objects.count(),
    }
    return summary

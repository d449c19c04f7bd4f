"""The analysis app's objects in a persona world: `extend(world)` adds them to
`world.objects` under keys the access declarations (tests/security/access/analysis.py) use."""

from tests.personas import World


def extend(world: World) -> None:
    _status_analysis(world)
    _interactions(world)
    _impact(world)
    return None


# --- status_analysis ---
def _status_analysis(world: World) -> None:
    """A confirmed (published) analysis for 2024 and a draft for 2025 copied from it."""
    from hallbar.analysis.status import services

    confirmed = services.analysis_create(organisation=world.organisation, year=2024)
    world.objects["sa_analysis"] = services.analysis_confirm(
        analysis=confirmed, expected_version=confirmed.version, user=None
    )
    world.objects["sa_draft"] = services.analysis_create(organisation=world.organisation, year=2025)


# --- end status_analysis ---


# --- interactions ---
def _interactions(world: World) -> None:
    """A published matrix version over three targets and a draft copied from it."""
    from hallbar.analysis.interactions import services

    targets = list(services.agenda_targets(["1.3", "1.5", "2.2"]).values())
    cells = [
        services.CellInput("1.3", "1.5", 2, "Skydd ger motståndskraft."),
        services.CellInput("1.5", "2.2", -2, "Avvägning."),
    ]
    published = services.matrix_create(
        organisation=world.organisation,
        title=f"Interaktionsmatris {world.code}",
        targets=targets,
        cells=cells,
    )
    world.objects["im_published"] = services.matrix_publish(matrix=published)
    world.objects["im_draft"] = services.matrix_create(
        organisation=world.organisation,
        title=f"Interaktionsmatris utkast {world.code}",
        targets=targets,
        based_on=published,
        keep_order=True,
    )


# --- end interactions ---


# --- impact ---
def _impact(world: World) -> None:
    """A decided case of Socialnämnden with its decided conflict (weighed by KS), and a
    draft case of Tekniska nämnden with an open conflict."""
    import datetime as dt

    from hallbar.agenda.models import Target
    from hallbar.analysis.impact import services

    b, o = world.bodies, world.objects
    targets = {t.code: t for t in Target.objects.agenda2030().filter(code__in=["11.1", "2.4"])}

    def case(key: str, number: str, preparing: str, deciding: str, **fields) -> None:
        o[key] = services.case_save(
            organisation=world.organisation,
            fields={
                "title": f"Ärende {key} {world.code}",
                "diary_number": number,
                "deciding_body": b[deciding],
                "preparing_body": b[preparing],
                "date": dt.date(2025, 2, 1),
                **fields,
            },
            links={},
        )
        services.assessment_save(
            case=o[key],
            user=None,
            dimensions={},
            principles={},
            effects=[
                services.EffectInput(target=targets["11.1"], rating="2", motivation="Bostäder."),
                services.EffectInput(target=targets["2.4"], rating="-2", motivation="Åkermark."),
            ],
        )
        o[key].refresh_from_db()

    case(
        "ia_case",
        "SN 2025/1",
        "sn",
        "ks",
        status="decided",
        decision_date=dt.date(2025, 3, 1),
        decision_paragraph="12",
    )
    case("ia_case_draft", "TN 2025/2", "tn", "tn")
    o["ia_conflict"] = services.conflict_decide(
        conflict=o["ia_case"].conflicts.get(),
        body=b["ks"],
        date=dt.date(2025, 3, 1),
        paragraph="13",
        trade_off="Bostäderna byggs.",
        reasoning="Bostadsbristen väger tyngst.",
    )
    o["ia_conflict_open"] = o["ia_case_draft"].conflicts.get()


# --- end impact ---

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from hallbar.agenda.models import GoalSet, Target
from hallbar.organisation.mandates import body_may_decide, standard_mandates
from hallbar.organisation.models import Body, Membership, Organisation, OrganisationRole
from hallbar.steering import demo
from hallbar.steering.models import Action, LocalGoal, SteeringDocument

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = [
    "strateg",
    "analytiker",
    "handlaggare",
    "radsledamot",
    "ledamot",
    "kommunchef",
    "orgadmin",
    "surahammar",
    "admin",
]


@pytest.fixture
def demo_mode(settings, reference_data):
    settings.DEMO_MODE = True
    # The demo password is hashed once per new login; a fast hasher keeps tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def load() -> str:
    """Steering's part (the later apps' examples: tests/test_demo_data_all.py)."""
    out = StringIO()
    call_command("load_demo_data", "--steering-only", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [Organisation, Body, Membership, SteeringDocument, LocalGoal, Action]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["users"] = get_user_model().objects.count()
    for model in [Body, Membership, SteeringDocument, LocalGoal, Action]:
        counts[f"history of {model.__name__}"] = model.history.count()
    for model, field in [
        (SteeringDocument, "targets"),
        (SteeringDocument, "applies_to"),
        (LocalGoal, "targets"),
        (LocalGoal, "other_goals"),
        (Action, "targets"),
        (Action, "local_goals"),
    ]:
        counts[f"{model.__name__}.{field}"] = getattr(model, field).through.objects.count()
    return counts


def test_it_refuses_outside_demo_mode_and_writes_nothing(settings, reference_data):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match=r"Demo mode is off.*HALLBAR_DEMO=true"):
        load()

    assert not Organisation.objects.exists()
    assert not get_user_model().objects.exists()


def test_it_asks_for_the_reference_data_first(demo_mode):
    GoalSet.objects.filter(code="agenda2030").delete()

    with pytest.raises(CommandError, match="run load_reference_data first"):
        load()

    assert not Organisation.objects.exists()


def test_hallstahammar_is_an_example_organisation_with_the_strategys_bodies(demo_mode):
    load()

    organisation = Organisation.objects.get(code="1961")
    assert organisation.name == "Hallstahammar"
    assert organisation.is_example
    kinds = dict(Body.objects.for_organisation(organisation).values_list("short_name", "kind"))
    assert kinds["KF"] == "council_assembly"
    assert kinds["KS"] == "executive_board"
    assert kinds["KSAU"] == "sustainability_committee"
    ksau = Body.objects.get(organisation=organisation, short_name="KSAU")
    assert ksau.parent.short_name == "KS"
    by_kind = set(Body.objects.values_list("kind", flat=True))
    assert by_kind >= {
        "sustainability_council",
        "committee",
        "company",
        "federation",
        "management_group",
        "analysis_group",
        "working_group",
    }


def test_the_strategy_is_loaded_with_its_decision_facts(demo_mode):
    load()

    strategy = SteeringDocument.objects.get(title="Strategi och ramverk för hållbar utveckling")
    assert strategy.organisation.code == "1961"
    assert strategy.level == "strategy"
    assert strategy.status == "decided"
    assert (strategy.decided_by.name, strategy.decided_by.kind) == (
        "Kommunfullmäktige",
        "council_assembly",
    )
    assert strategy.decision_date == dt.date(2021, 10, 25)
    assert strategy.decision_paragraph == "129"
    assert strategy.valid_until == dt.date(2027, 12, 31)
    assert strategy.review_rule == "once_per_term"
    assert strategy.owner == "Kommunstrateg, Kommunstyrelseförvaltningen"
    assert strategy.dimensions == ["ecological", "social", "economic"]
    assert strategy.is_municipality_wide
    committees_and_board = Body.objects.filter(
        organisation=strategy.organisation, kind__in=["committee", "executive_board"]
    )
    assert set(strategy.applies_to.all()) == set(committees_and_board)
    assert committees_and_board.filter(name="Tekniska nämnden").exists()


def test_a_second_run_changes_nothing(demo_mode):
    load()
    before = row_counts()
    updated_at = dict(SteeringDocument.objects.values_list("pk", "updated_at"))

    output = load()

    assert row_counts() == before
    assert dict(SteeringDocument.objects.values_list("pk", "updated_at")) == updated_at
    assert "created nothing; updated nothing" in output


def test_a_rerun_restores_changed_demo_rows_without_duplicating(demo_mode):
    load()
    action = Action.objects.get(title="Resvaneundersökning 2026")
    action.status = "done"
    action.save()
    action.targets.clear()

    output = load()

    action.refresh_from_db()
    assert action.status == "delayed"
    assert list(action.targets.values_list("code", flat=True)) == ["11.2"]
    assert Action.objects.filter(title="Resvaneundersökning 2026").count() == 1
    assert "updated 1 actions" in output


def test_the_demo_logins_work_with_the_demo_password(demo_mode, client):
    load()

    for username in DEMO_USERNAMES:
        assert client.login(username=username, password="hallbar-demo"), username
        client.logout()
    assert get_user_model().objects.get(username="admin").is_superuser


def test_the_demo_logins_sit_in_the_bodies_of_their_roles(demo_mode):
    load()

    seats = {
        (m.user.username, m.body.kind, m.role, m.title)
        for m in Membership.objects.select_related("user", "body")
    }
    assert seats == {
        ("strateg", "executive_board", "officer", "Kommunstrateg"),
        ("strateg", "analysis_group", "officer", "Kommunstrateg"),
        ("analytiker", "analysis_group", "officer", "Analytiker, Socialförvaltningen"),
        ("handlaggare", "committee", "officer", "Trafikplanerare, Tekniska förvaltningen"),
        (
            "radsledamot",
            "sustainability_council",
            "external",
            "Representant för Region Västmanland",
        ),
        ("ledamot", "sustainability_council", "member", "Kommunal representant i rådet"),
        ("kommunchef", "management_group", "chair", "Kommunchef"),
        ("surahammar", "analysis_group", "officer", "Analytiker, Surahammars kommun"),
    }
    assert {
        (role.user.username, role.organisation.code, role.role)
        for role in OrganisationRole.objects.select_related("user", "organisation")
    } == {("orgadmin", "1961", "administrator")}


def test_a_rerun_never_overwrites_a_password(demo_mode, client):
    load()
    user = get_user_model().objects.get(username="strateg")
    user.set_password("own-password")
    user.save()

    load()

    assert client.login(username="strateg", password="own-password")


def test_the_logins_are_printed_as_a_table_on_every_run(demo_mode):
    for output in (load(), load()):
        assert "username" in output and "password" in output
        for username in DEMO_USERNAMES:
            assert username in output
        assert "radsledamot  external (Representant för Region Västmanland)" in output
        assert output.count("hallbar-demo") == len(demo.demo_logins())


def test_target_11_2_is_served_by_local_goals_and_actions(demo_mode):
    load()

    target = Target.objects.agenda2030().get(code="11.2")
    council_goals = target.local_goals.filter(level="council", status="decided")
    committee_goals = target.local_goals.filter(level="committee", status="decided")
    assert council_goals.exists()
    assert committee_goals.filter(parent__in=council_goals).exists()
    assert target.actions.count() >= 5
    assert target.steering_documents.exists()


def test_every_goal_and_action_is_linked_and_decided(demo_mode):
    load()
    goals = LocalGoal.objects.filter(organisation__code="1961")
    actions = Action.objects.filter(organisation__code="1961")

    assert not goals.filter(targets=None).exists()
    assert not goals.exclude(status="decided").exists()
    assert not goals.filter(level="committee", parent=None).exists()
    assert goals.exclude(other_goals=None).exists()
    assert not actions.filter(targets=None).exists()
    assert 15 <= actions.count() <= 25
    assert len(set(actions.values_list("status", flat=True))) == 5


def test_surahammar_is_a_second_example_organisation_with_drafts_of_its_own(demo_mode):
    load()

    surahammar = Organisation.objects.get(code="1907")
    assert surahammar.name == "Surahammar"
    assert surahammar.is_example
    assert LocalGoal.objects.filter(organisation=surahammar, status="draft").exists()
    assert SteeringDocument.objects.filter(organisation=surahammar, status="draft").exists()
    assert Action.objects.filter(organisation=surahammar).exists()
    titles = set(LocalGoal.objects.values_list("organisation__code", "title"))
    assert not {t for c, t in titles if c == "1961"} & {t for c, t in titles if c == "1907"}
    for document in SteeringDocument.objects.filter(organisation=surahammar):
        assert "inte ett beslut av Surahammars kommun" in document.summary


def test_every_demo_body_has_the_standard_mandates_of_its_kind(demo_mode):
    load()

    for body in Body.objects.all():
        expected = {(k, s, a) for k, s, a, _note in standard_mandates(body.kind)}
        assert set(body.mandates.values_list("kind", "scope", "area")) == expected, body
    council = Body.objects.get(organisation__code="1961", kind="sustainability_council")
    assert not council.mandates.filter(kind="decide").exists()


def test_a_rerun_keeps_an_administrators_change_to_the_mandates(demo_mode):
    load()
    council = Body.objects.get(organisation__code="1961", kind="sustainability_council")
    council.mandates.filter(kind="advise").delete()

    load()

    assert not council.mandates.filter(kind="advise").exists()


def test_the_register_shows_warnings(demo_mode):
    load()

    assert any(document.warnings() for document in SteeringDocument.objects.all())
    # On the day the demo was written: one plan expires soon, one is overdue for review.
    day = dt.date(2026, 11, 26)
    road_safety = SteeringDocument.objects.get(title="Trafiksäkerhetsplan 2023–2026")
    safety = SteeringDocument.objects.get(title__startswith="Handlingsplan för folkhälsa")
    travel = SteeringDocument.objects.get(title__startswith="Handlingsplan för hållbart resande")
    with translation.override("en"):
        assert road_safety.warnings(today=day) == ["Validity ends 2026-12-31"]
        assert safety.warnings(today=day) == ["Review overdue since 2026-05-12"]
        assert travel.warnings(today=day) == []


def test_example_data_says_so(demo_mode):
    load()

    assert (
        not SteeringDocument.objects.exclude(summary__contains="Exempeldata")
        .exclude(title="Strategi och ramverk för hållbar utveckling")
        .exists()
    )
    assert not Action.objects.exclude(description__contains="Exempeldata").exists()


def test_demo_logins_work_only_in_demo_mode(client, settings, reference_data):
    settings.DEMO_MODE = True
    demo.demo_data_load()
    assert client.login(username="strateg", password="hallbar-demo")
    client.logout()
    settings.DEMO_MODE = False
    assert not client.login(username="strateg", password="hallbar-demo")
    assert not client.login(username="admin", password="hallbar-demo")


def test_a_demo_session_ends_when_demo_mode_is_turned_off(client, settings, reference_data):
    settings.DEMO_MODE = True
    demo.demo_data_load()
    client.login(username="strateg", password="hallbar-demo")
    assert client.get("/o/1961/documents/new/").status_code == 200
    settings.DEMO_MODE = False
    assert client.get("/o/1961/documents/new/").status_code == 302  # to the login page


def test_every_demo_row_obeys_the_models_own_rules(settings, reference_data):
    settings.DEMO_MODE = True
    demo.demo_data_load()
    for model in (SteeringDocument, LocalGoal, Action, Body):
        for row in model.objects.all():
            row.full_clean()


def test_every_demo_decision_is_recorded_for_a_body_with_the_mandate_to_decide_it(demo_mode):
    load()

    for document in SteeringDocument.objects.filter(status="decided").select_related(
        "decided_by", "responsible_body"
    ):
        assert body_may_decide(
            document.decided_by, document.level, owner=document.responsible_body
        ), document
    for goal in LocalGoal.objects.filter(status="decided").select_related("body"):
        assert body_may_decide(goal.body, f"{goal.level}_goal", owner=goal.body), goal

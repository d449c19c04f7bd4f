"""Cases and their assessment through the pages: the form starts from suggestions, saves
whole or not at all, refuses bad input by field and reason, and stale edits."""

import logging

import pytest
from django.urls import reverse

from hallbar.analysis.impact.models import Case, EffectRating, GoalConflict
from tests.analysis.impact.conftest import assess, make_case, matrix, targets
from tests.personas import ANALYST, COMMITTEE_OFFICER

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org_code": "1961", **kwargs})


def assessment_data(case: Case, **values) -> dict[str, str]:
    data = {"version": case.updated_at.isoformat(), "add_codes": "", "extra_rows": ""}
    data.update(values)
    return data


def test_an_officer_creates_a_case_of_her_own_committee(world, client_for):
    client = client_for(world.users[COMMITTEE_OFFICER])
    response = client.post(
        url("case_create"),
        {
            "title": "Upphandling av skolmat",
            "diary_number": "TN 2026/12",
            "deciding_body": world.bodies["tn"].pk,
            "preparing_body": world.bodies["tn"].pk,
            "date": "2026-05-18",
            "status": "draft",
            "actions": [world.objects["action_tn"].pk],
        },
    )
    case = Case.objects.get(diary_number="TN 2026/12")
    assert response.status_code == 302
    assert response["Location"] == url("case_assess", pk=case.pk)
    assert list(case.actions.all()) == [world.objects["action_tn"]]
    assert case.history.count() == 1  # one version, links included


def test_a_case_cannot_go_to_a_body_without_a_decide_mandate(world, client_for):
    client = client_for(world.users[ANALYST])
    response = client.post(
        url("case_create"),
        {
            "title": "Ärende till rådet",
            "diary_number": "X 1",
            "deciding_body": world.bodies["council"].pk,
            "preparing_body": world.bodies["tn"].pk,
            "date": "2026-05-18",
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert "deciding_body" in response.context["form"].errors
    assert not Case.objects.filter(diary_number="X 1").exists()


def test_the_diary_number_is_required_and_unique(world, client_for):
    make_case(world, "KS 2026/1")
    client = client_for(world.users[ANALYST])
    base = {
        "title": "Ett ärende",
        "deciding_body": world.bodies["ks"].pk,
        "preparing_body": world.bodies["tn"].pk,
        "date": "2026-05-18",
        "status": "draft",
    }
    blank = client.post(url("case_create"), {**base, "diary_number": "   "})
    assert "diary_number" in blank.context["form"].errors
    taken = client.post(url("case_create"), {**base, "diary_number": "KS 2026/1"})
    assert "already has this diary number" in str(taken.context["form"].errors["diary_number"])
    assert Case.objects.filter(organisation=world.organisation).count() == 3  # + the world's two


def test_another_organisations_body_is_refused_and_logged(world, other_world, client_for, caplog):
    client = client_for(world.users[ANALYST])
    with caplog.at_level(logging.WARNING, logger="hallbar.security"):
        response = client.post(
            url("case_create"),
            {
                "title": "Smuggelärende",
                "diary_number": "F 1",
                "deciding_body": other_world.bodies["ks"].pk,
                "preparing_body": world.bodies["tn"].pk,
                "date": "2026-05-18",
                "status": "draft",
            },
        )
    assert response.status_code == 200
    assert not Case.objects.filter(diary_number="F 1").exists()
    assert any(
        "forged field refused" in r.getMessage() and "deciding_body" in r.getMessage()
        for r in caplog.records
    )


def test_a_committee_officer_cannot_prepare_for_another_committee(world, client_for, caplog):
    client = client_for(world.users[COMMITTEE_OFFICER])
    with caplog.at_level(logging.WARNING, logger="hallbar.security"):
        response = client.post(
            url("case_create"),
            {
                "title": "Socialnämndens ärende",
                "diary_number": "SN 1",
                "deciding_body": world.bodies["sn"].pk,
                "preparing_body": world.bodies["sn"].pk,
                "date": "2026-05-18",
                "status": "draft",
            },
        )
    assert response.status_code == 200
    assert not Case.objects.filter(diary_number="SN 1").exists()
    assert any("preparing_body" in r.getMessage() for r in caplog.records)


def test_the_form_starts_from_the_suggested_targets(world, client_for):
    action = world.objects["action_tn"]
    action.targets.set(targets("11.2"))
    matrix(world, [("11.2", "3.6", 3, ""), ("11.2", "7.3", -2, "")])
    case = make_case(world, preparing_body=world.bodies["tn"])
    case.actions.set([action])

    page = client_for(world.users[COMMITTEE_OFFICER]).get(url("case_assess", pk=case.pk))
    html = page.content.decode()
    rows = [row.code for row in page.context["form"].rows]
    assert rows == ["11.2", "3.6", "7.3"]
    assert "Linked to the action" in html and action.title in html
    assert "strongly influenced (up to +3)" in html
    assert "counteracted (-2) by 11.2" in html


def test_adopting_and_discarding_suggestions(world, client_for):
    action = world.objects["action_tn"]
    action.targets.set(targets("11.2", "3.6"))
    case = make_case(world)
    case.actions.set([action])
    client = client_for(world.users[COMMITTEE_OFFICER])

    response = client.post(
        url("case_assess", pk=case.pk),
        assessment_data(
            case,
            decision_t11_2="include",
            rating_t11_2="2",
            motivation_t11_2="Ny cykelväg till stationen.",
            decision_t3_6="discard",
            social_rating="1",
            social_motivation="Tryggare skolvägar.",
            whole_picture="yes",
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    [effect] = case.effects.all()
    assert (effect.target.code, effect.rating, effect.origin) == ("11.2", "2", "suggested")
    assert "Linked to the action" in effect.reason
    assert [t.code for t in case.discarded_targets.all()] == ["3.6"]
    assert (case.social_rating, case.whole_picture) == ("1", "yes")
    # A discarded suggestion is not suggested again.
    page = client.get(url("case_assess", pk=case.pk))
    assert [row.code for row in page.context["form"].rows] == ["11.2"]


def test_saving_an_assessment_raises_and_shows_the_conflict(world, client_for):
    case = make_case(world)
    client = client_for(world.users[COMMITTEE_OFFICER])
    first = client.post(
        url("case_assess", pk=case.pk), assessment_data(case, add_codes="11.1, 2.4")
    )
    # Added rows are shown to rate first; nothing is saved yet.
    assert first.status_code == 200
    assert [row.code for row in first.context["form"].rows] == ["11.1", "2.4"]
    assert not case.effects.exists()
    data = assessment_data(
        case,
        extra_rows="11.1, 2.4",
        decision_t11_1="include",
        rating_t11_1="2",
        motivation_t11_1="180 nya bostäder.",
        decision_t2_4="include",
        rating_t2_4="-2",
        motivation_t2_4="Nio hektar åkermark försvinner.",
    )
    response = client.post(url("case_assess", pk=case.pk), data, follow=True)
    assert response.redirect_chain[-1][0] == url("case_detail", pk=case.pk)
    conflict = GoalConflict.objects.get(case=case)
    assert conflict.title in response.content.decode()
    assert "raised 1 goal conflict to weigh" in response.content.decode()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"rating_t11_1": "5"}, "rating_t11_1", "“5” is not on the scale"),
        ({"rating_t11_1": "+4"}, "rating_t11_1", "not on the scale"),
        ({"motivation_t11_1": " "}, "motivation_t11_1", "Give a motivation for the effect on 11.1"),
        ({"rating_t11_1": ""}, "rating_t11_1", "Rate the effect on 11.1"),
        ({"social_rating": "7", "social_motivation": "x"}, "social_rating", "not on the scale"),
        ({"social_rating": "-1"}, "social_motivation", "Give a motivation"),
        ({"collaboration": "no"}, "collaboration_comment", "does not fully follow"),
        ({"has_knowledge_gaps": "on"}, "knowledge_gaps", "Describe what is not known"),
        ({"add_codes": "11.2, 99.9, 18"}, "add_codes", "Unknown target or goal: 99.9"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(
    world, client_for, values, field, message
):
    case = make_case(world)
    assess(case, ("11.1", "1"))
    case.refresh_from_db()
    assessed_at = case.assessed_at
    case.refresh_from_db()
    data = assessment_data(
        case, decision_t11_1="include", rating_t11_1="3", motivation_t11_1="Fler bostäder."
    )
    data.update(values)
    response = client_for(world.users[ANALYST]).post(url("case_assess", pk=case.pk), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    case.refresh_from_db()
    assert list(EffectRating.objects.filter(case=case).values_list("rating")) == [("1",)]
    assert case.assessed_at == assessed_at
    assert not GoalConflict.objects.filter(case=case).exists()


def test_unknown_goal_number_is_named(world, client_for):
    case = make_case(world)
    response = client_for(world.users[ANALYST]).post(
        url("case_assess", pk=case.pk), assessment_data(case, add_codes="18")
    )
    assert "Unknown target or goal: 18" in " ".join(response.context["form"].errors["add_codes"])


def test_a_stale_assessment_is_refused_and_the_input_kept(world, client_for):
    case = make_case(world)
    opened = case.updated_at.isoformat()
    assess(case, ("11.1", "2"))  # someone else saves meanwhile
    response = client_for(world.users[ANALYST]).post(
        url("case_assess", pk=case.pk),
        {
            "version": opened,
            "decision_t11_1": "include",
            "rating_t11_1": "-3",
            "motivation_t11_1": "Min ändring.",
        },
    )
    assert response.status_code == 200
    assert "Someone else saved this" in response.content.decode()
    assert "Min ändring." in response.content.decode()
    assert EffectRating.objects.get(case=case).rating == "2"


def test_a_stale_case_edit_shows_what_changed(world, client_for):
    case = make_case(world)
    opened = case.updated_at.isoformat()
    client = client_for(world.users[ANALYST])
    data = {
        "title": "Första titeln",
        "diary_number": case.diary_number,
        "deciding_body": world.bodies["ks"].pk,
        "preparing_body": world.bodies["tn"].pk,
        "date": "2026-03-01",
        "status": "draft",
        "version": opened,
    }
    assert client.post(url("case_edit", pk=case.pk), data).status_code == 302
    response = client.post(url("case_edit", pk=case.pk), {**data, "title": "Andra titeln"})
    assert response.status_code == 200
    assert response.context["form"].edit_conflict.changes
    case.refresh_from_db()
    assert case.title == "Första titeln"

"""Creating, copying and editing status analyses (services) and the selectors other apps
call. Refusals name the field and write nothing."""

import pytest
from django.core.exceptions import ValidationError

from hallbar.agenda.models import Target
from hallbar.analysis.status import selectors, services
from hallbar.analysis.status.models import (
    AssessmentProposal,
    StatusAnalysis,
    TargetAssessment,
)
from hallbar.core.versions import EditConflict

pytestmark = pytest.mark.django_db


def row(analysis: StatusAnalysis, code: str) -> TargetAssessment:
    return analysis.assessments.get(target__code=code, target__goal_set__code="agenda2030")


def update(target: TargetAssessment, user=None, **values) -> TargetAssessment:
    return services.assessment_update(
        target_assessment=target, expected_version=target.version, user=user, **values
    )


def test_a_new_analysis_has_all_169_targets_with_suggestions_from_the_evidence(analysis_world):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)

    assert analysis.assessments.count() == 169
    assert analysis.goal_assessments.count() == 17
    good, bad, none = row(analysis, "4.1"), row(analysis, "13.2"), row(analysis, "1.1")
    assert good.suggested_assessment == "strength"
    assert "N00001" in good.suggestion_reasoning
    assert good.suggestion_inputs == [
        {
            "code": "N00001",
            "title": "Nyckeltal N00001",
            "status": "target_achieved",
            "band": "green",
        }
    ]
    assert bad.suggested_assessment == "major_challenge"
    assert none.suggested_assessment == "" and none.suggestion_inputs == []
    # Suggested, not assessed: the analyst confirms.
    assert not analysis.assessments.exclude(assessment="").exists()
    assert analysis.state == "draft"


def test_a_second_analysis_for_the_same_year_is_refused(analysis_world):
    services.analysis_create(organisation=analysis_world.organisation, year=2025)

    with pytest.raises(ValidationError) as error:
        services.analysis_create(organisation=analysis_world.organisation, year=2025)

    assert "already a status analysis for 2025" in str(error.value.message_dict["year"])
    assert StatusAnalysis.objects.count() == 1


def test_a_new_year_starts_as_a_copy_of_last_year_and_shows_what_changed(analysis_world):
    user = analysis_world.users["analytiker"]
    last = services.analysis_create(organisation=analysis_world.organisation, year=2024)
    update(row(last, "4.1"), user, assessment="strength", text="Bra resultat.")
    update(row(last, "14.1"), user, relevance="not_relevant", relevance_reason="Ingen kust.")
    update(row(last, "11.2"), user, is_prioritised=True, priority_motivation="KF-mål.")
    services.goal_text_update(
        goal_assessment=last.goal_assessments.get(goal__number=4),
        expected_version=1,
        user=user,
        text="Skolan lyfter.",
    )

    this = services.analysis_create(organisation=analysis_world.organisation, year=2025)

    assert this.based_on == last
    copied = row(this, "4.1")
    assert (copied.assessment, copied.text, copied.is_carried_over) == (
        "strength",
        "Bra resultat.",
        True,
    )
    assert row(this, "14.1").relevance_reason == "Ingen kust."
    assert row(this, "11.2").priority_motivation == "KF-mål."
    assert this.goal_assessments.get(goal__number=4).text == "Skolan lyfter."
    # Nothing changed yet.
    assert selectors.changes_since_last_year(this) == (last, [])

    update(row(this, "4.1"), user, assessment="challenge", override_reason="Nya siffror.")
    update(row(this, "11.2"), user, is_prioritised=False)

    before, changes = selectors.changes_since_last_year(this)
    assert before == last
    assert [(c.target.code, c.fields) for c in changes] == [
        ("4.1", ["assessment"]),
        ("11.2", ["priority"]),
    ]


def test_confirming_the_suggestion_records_who_and_when(analysis_world):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    user = analysis_world.users["analytiker"]
    target = row(analysis, "4.1")

    saved = services.suggestion_confirm(
        target_assessment=target, expected_version=target.version, user=user
    )

    assert (saved.assessment, saved.assessed_by, saved.version) == ("strength", user, 2)
    assert saved.assessed_at is not None
    assert saved.history.count() == 2


def test_confirming_without_a_suggestion_is_refused(analysis_world):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    target = row(analysis, "1.1")

    with pytest.raises(ValidationError) as error:
        services.suggestion_confirm(target_assessment=target, expected_version=1, user=None)

    assert "no suggestion" in error.value.message_dict["assessment"][0]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"assessment": "challenge"}, "override_reason", "differs from the suggestion (Strength)"),
        ({"relevance": "not_relevant"}, "relevance_reason", "why the target is not relevant"),
        ({"is_prioritised": True}, "priority_motivation", "motivation for prioritising"),
        ({"assessment": "great"}, "assessment", "Choose one of the listed assessments"),
        ({"relevance": "huge"}, "relevance", "Choose one of the listed relevance levels"),
        (
            {
                "relevance": "not_relevant",
                "relevance_reason": "x",
                "is_prioritised": True,
                "priority_motivation": "y",
            },
            "is_prioritised",
            "cannot be prioritised",
        ),
    ],
)
def test_missing_reasons_and_unknown_choices_are_refused_and_nothing_is_saved(
    analysis_world, values, field, message
):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    target = row(analysis, "4.1")

    with pytest.raises(ValidationError) as error:
        update(target, text="Ny text", **values)

    assert message in error.value.message_dict[field][0]
    target.refresh_from_db()
    assert (target.version, target.text, target.assessment, target.relevance) == (1, "", "", "")


def test_an_override_with_a_reason_is_kept(analysis_world):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)

    saved = services.assessment_override(
        target_assessment=row(analysis, "4.1"),
        expected_version=1,
        user=None,
        value="challenge",
        reason="Det lokala utfallet döljer stora skillnader.",
    )

    assert saved.differs_from_suggestion
    assert saved.override_reason == "Det lokala utfallet döljer stora skillnader."


def test_the_database_refuses_an_override_without_a_reason(analysis_world):
    from django.db import IntegrityError, transaction

    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetAssessment.objects.filter(pk=row(analysis, "4.1").pk).update(assessment="challenge")


def test_a_stale_edit_is_refused_with_what_changed(analysis_world):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    opened = row(analysis, "4.1")  # both open version 1
    update(row(analysis, "4.1"), text="Först sparad.")

    with pytest.raises(EditConflict) as error:
        services.assessment_update(
            target_assessment=opened, expected_version=1, user=None, text="Min text."
        )

    assert error.value.current_version == 2
    assert [(c.field, c.before, c.theirs, c.yours) for c in error.value.changes] == [
        ("text", "", "Först sparad.", "Min text.")
    ]
    assert row(analysis, "4.1").text == "Först sparad."


def test_a_proposal_changes_nothing_until_adopted(analysis_world):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    target = row(analysis, "13.2")
    member = analysis_world.users["radsledamot"]

    proposal = services.proposal_submit(
        target_assessment=target, author=member, proposed_assessment="challenge", reason="Vi ser X."
    )

    target.refresh_from_db()
    assert (target.assessment, target.version) == ("", 1)
    assert proposal.status == "submitted"

    analyst = analysis_world.users["analytiker"]
    services.proposal_answer(
        proposal=proposal, user=analyst, adopt=True, response="Rådet har rätt.", expected_version=1
    )

    target.refresh_from_db()
    assert (target.assessment, target.assessed_by) == ("challenge", analyst)
    # Differs from the suggested major challenge: the response is the reason.
    assert target.override_reason == "Rådet har rätt."
    proposal.refresh_from_db()
    assert (proposal.status, proposal.responded_by) == ("adopted", analyst)


def test_a_proposal_needs_a_reason_and_a_known_assessment(analysis_world):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)

    with pytest.raises(ValidationError) as error:
        services.proposal_submit(
            target_assessment=row(analysis, "4.1"),
            author=analysis_world.users["extern"],
            proposed_assessment="awful",
            reason=" ",
        )

    assert set(error.value.message_dict) == {"proposed_assessment", "reason"}
    assert not AssessmentProposal.objects.exists()


def test_declining_needs_a_response_and_leaves_the_assessment(analysis_world):
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    target = row(analysis, "4.1")
    proposal = services.proposal_submit(
        target_assessment=target,
        author=analysis_world.users["extern"],
        proposed_assessment="challenge",
        reason="Skäl.",
    )
    with pytest.raises(ValidationError):
        services.proposal_answer(
            proposal=proposal, user=None, adopt=False, response="", expected_version=1
        )

    services.proposal_answer(
        proposal=proposal,
        user=None,
        adopt=False,
        response="Siffrorna visar annat.",
        expected_version=1,
    )

    proposal.refresh_from_db()
    target.refresh_from_db()
    assert (proposal.status, target.assessment) == ("declined", "")


def test_the_selectors_other_apps_call(analysis_world):
    organisation = analysis_world.organisation
    assert selectors.latest_analysis(organisation) is None
    assert list(selectors.prioritised_targets(organisation)) == []
    old = services.analysis_create(organisation=organisation, year=2024)
    update(row(old, "4.1"), is_prioritised=True, priority_motivation="Skolan.")
    new = services.analysis_create(organisation=organisation, year=2025)
    update(row(new, "11.2"), is_prioritised=True, priority_motivation="Resor.")
    update(row(new, "4.1"), assessment="strength")

    assert selectors.latest_analysis(organisation) == new
    assert selectors.latest_analysis(organisation, include_drafts=False) is None
    assert selectors.analysis_for_year(organisation, 2024) == old
    assert [t.code for t in selectors.prioritised_targets(organisation)] == ["4.1", "11.2"]
    assert [t.code for t in selectors.prioritised_targets(organisation, 2024)] == ["4.1"]
    by_target = selectors.assessments_by_target(new)
    assert len(by_target) == 169
    assert by_target[Target.objects.agenda2030().get(code="4.1").pk].assessment == "strength"
    summaries = selectors.goal_summaries(new)
    assert [s.goal.number for s in summaries] == list(range(1, 18))
    goal4 = summaries[3]
    assert (goal4.total, goal4.counts["strength"], goal4.prioritised) == (10, 1, 1)
    assert goal4.not_assessed == 9


def test_refreshing_suggestions_keeps_those_an_assessment_was_confirmed_against(analysis_world):
    organisation = analysis_world.organisation
    analysis = services.analysis_create(organisation=organisation, year=2025)
    update(row(analysis, "4.1"), assessment="strength")
    # New evidence: the good indicator now also serves 13.2, and 4.1's is removed.
    good = analysis_world.indicators["good"]
    good.targets.set(Target.objects.agenda2030().filter(code="13.2"))

    changed = services.suggestions_refresh(analysis=analysis)

    assert changed == 1  # 13.2, now mixed; 4.1 was assessed against its suggestion
    assert row(analysis, "13.2").suggested_assessment == "neutral"
    assert row(analysis, "4.1").suggested_assessment == "strength"

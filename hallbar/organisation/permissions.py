"""The one access rule: what a user may do in an organisation, from mandates as data.

A user acts through memberships. What a membership allows follows its body's mandates
(`Mandate`, seeded from the strategy, kept by the organisation's administrator) and the
member's role in the body:

- Anyone reads what is decided or published (`steering/visibility.py` says what that is).
- Every member of one of the organisation's active bodies, in any role (co-opted
  external council members too), and its administrators read internal drafts.
- Officers write the objects their body's editing mandates cover (decide, implement,
  coordinate; `mandates.EDITING_KINDS`): in the body's own area (a committee's own goals,
  actions and plans) or organisation-wide (the analysis group). Chairs and members
  (politicians) and external members never write: they decide in meetings and propose.
- A decision (status "decided") is recorded only for a body holding the decide mandate
  over that kind of object, in its area.
- The organisation's administrators keep the mandates; superusers (platform staff)
  may do everything the rules allow anyone, but a decision still needs a deciding body.

The rules are django-rules predicates in a private `RuleSet`, tested with an `Actor`
(the user's memberships and roles in one organisation, loaded once per request) and the
object. Views never test these themselves: they call `access.require()`.

Objects of other apps are read by field name through `OBJECT_KINDS`, so this app keeps
importing nothing from the apps that depend on it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import rules

from hallbar.organisation.mandates import (
    ACTION_SCOPES,
    DOCUMENT_SCOPES,
    EDITING_KINDS,
    GOAL_SCOPES,
    scope_of_goal_level,
)
from hallbar.organisation.models import (
    Mandate,
    MandateArea,
    MandateKind,
    MandateScope,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationRole,
    OrganisationRoleKind,
)

WRITING_ROLES = frozenset({MembershipRole.OFFICER})
# Roles that act for a body in its non-writing mandates (appointing working groups):
# everyone in it but co-opted external members.
ACTING_ROLES = frozenset({MembershipRole.CHAIR, MembershipRole.MEMBER, MembershipRole.OFFICER})


@dataclass(frozen=True)
class Grant:
    """One mandate of one body, as the rules read it."""

    body_id: int
    kind: str
    scope: str
    area: str

    def covers(self, scope: str, owner_id: int | None) -> bool:
        """Whether the mandate reaches an object of `scope` belonging to `owner_id`
        (None: an organisation-wide object)."""
        if self.scope != scope:
            return False
        return self.area == MandateArea.ORGANISATION or (
            owner_id is not None and owner_id == self.body_id
        )


class Actor:
    """A user as seen from one organisation: seats, roles, and the bodies' mandates.

    Memberships and the administrator role are read on creation (at most two queries for
    a logged-in user, none for a visitor; `access.require` brings the role with the
    organisation); the organisation's mandates on first need.
    """

    def __init__(
        self, user: Any, organisation: Organisation, *, is_administrator: bool | None = None
    ) -> None:
        self.user = user
        self.organisation = organisation
        active = bool(user is not None and user.is_authenticated and user.is_active)
        self.is_authenticated = active
        self.is_superuser = active and bool(user.is_superuser)
        if active:
            self.roles: dict[int, str] = dict(
                Membership.objects.filter(
                    user=user, body__organisation=organisation, body__is_active=True
                ).values_list("body_id", "role")
            )
            if is_administrator is None:
                is_administrator = OrganisationRole.objects.filter(
                    user=user, organisation=organisation, role=OrganisationRoleKind.ADMINISTRATOR
                ).exists()
            self.is_administrator = is_administrator
        else:
            self.roles = {}
            self.is_administrator = False

    def __repr__(self) -> str:
        return f"<Actor {self.user} in {self.organisation.code}>"

    @cached_property
    def mandates(self) -> tuple[Grant, ...]:
        """All mandates of the organisation's bodies (tens of rows; one query)."""
        if not self.is_authenticated:
            return ()
        rows = Mandate.objects.for_organisation(self.organisation).values_list(
            "body_id", "kind", "scope", "area"
        )
        return tuple(Grant(*row) for row in rows)

    @cached_property
    def writing_grants(self) -> tuple[Grant, ...]:
        """The editing mandates of the bodies the user writes for (as an officer)."""
        bodies = {body for body, role in self.roles.items() if role in WRITING_ROLES}
        return tuple(
            grant
            for grant in self.mandates
            if grant.body_id in bodies and grant.kind in EDITING_KINDS
        )

    def acts_with(self, kind: str, scope: str) -> bool:
        """Whether a body the user acts for (not as an external member) holds the
        mandate `kind` over `scope`, in any area."""
        bodies = {body for body, role in self.roles.items() if role in ACTING_ROLES}
        return any(
            grant.body_id in bodies and grant.kind == kind and grant.scope == scope
            for grant in self.mandates
        )

    def writes(self, scope: str, owner_id: int | None) -> bool:
        return any(grant.covers(scope, owner_id) for grant in self.writing_grants)

    def writes_any(self, scopes: Iterable[str]) -> bool:
        scopes = set(scopes)
        return any(grant.scope in scopes for grant in self.writing_grants)

    def writable_bodies(self, scopes: Iterable[str]) -> set[int] | None:
        """Bodies whose objects of these scopes the user may write: None means every
        body (an organisation-wide mandate)."""
        scopes = set(scopes)
        grants = [grant for grant in self.writing_grants if grant.scope in scopes]
        if self.is_superuser or any(g.area == MandateArea.ORGANISATION for g in grants):
            return None
        return {grant.body_id for grant in grants}

    def writes_organisation_wide(self, scopes: Iterable[str]) -> bool:
        return self.is_superuser or self.writable_bodies(scopes) is None

    def body_decides(self, body_id: int | None, scope: str, owner_id: int | None) -> bool:
        if body_id is None:
            return False
        return any(
            grant.body_id == body_id
            and grant.kind == MandateKind.DECIDE
            and grant.covers(scope, owner_id)
            for grant in self.mandates
        )

    def may(self, permission: str, obj: Any = None) -> bool:
        return allows(self, permission, obj)

    @property
    def sees_drafts(self) -> bool:
        return self.may("organisation.view_internal")


# How the rules read objects of other apps: the scope (kind of object), the body it
# belongs to (None: organisation-wide), and the body whose decision it records (None
# while not decided).


@dataclass(frozen=True)
class ObjectKind:
    scope: Callable[[Any], str]
    owner: Callable[[Any], int | None]
    is_decided: Callable[[Any], bool] = lambda obj: False
    decided_by: Callable[[Any], int | None] = lambda obj: None
    # The form field that names the deciding body (for error messages and the log).
    decision_field: str | None = None


OBJECT_KINDS: dict[str, ObjectKind] = {
    "steering.steeringdocument": ObjectKind(
        scope=lambda document: document.level,
        owner=lambda document: document.responsible_body_id,
        is_decided=lambda document: document.status == "decided",
        decided_by=lambda document: document.decided_by_id,
        decision_field="decided_by",
    ),
    "steering.localgoal": ObjectKind(
        scope=lambda goal: scope_of_goal_level(goal.level),
        owner=lambda goal: goal.body_id,
        is_decided=lambda goal: goal.status == "decided",
        # A council goal is decided by the council, a committee goal by its committee.
        decided_by=lambda goal: goal.body_id,
        decision_field="status",
    ),
    "steering.action": ObjectKind(
        scope=lambda action: MandateScope.ACTION,
        owner=lambda action: action.body_id,
    ),
    "agenda.goalset": ObjectKind(
        scope=lambda goal_set: MandateScope.GOAL_SET,
        owner=lambda goal_set: None,
    ),
}


def object_kind(obj: Any) -> ObjectKind:
    label = obj._meta.label_lower
    try:
        return OBJECT_KINDS[label]
    except KeyError:
        # Fail loudly: an object without a declared kind has no rule yet.
        raise LookupError(f"No access rule knows objects of {label}") from None


def decision_field(obj: Any) -> str | None:
    return object_kind(obj).decision_field if obj is not None else None


# Predicates. Each takes (actor, obj); obj is None where a page concerns no one object
# (a register, a "new" form).


@rules.predicate
def is_superuser(actor: Actor) -> bool:
    return actor.is_superuser


@rules.predicate
def is_administrator(actor: Actor) -> bool:
    return actor.is_administrator


@rules.predicate
def is_member(actor: Actor) -> bool:
    return bool(actor.roles)


def writes(scopes: Iterable[str]) -> rules.Predicate:
    """Officers of a body with an editing mandate over the object's scope, in its area.
    Without an object: over any of `scopes`, anywhere (may open the "new" form)."""
    scopes = frozenset(scopes)

    def writes_object(actor: Actor, obj: Any) -> bool:
        if obj is None:
            return actor.writes_any(scopes)
        kind = object_kind(obj)
        scope = kind.scope(obj)
        return scope in scopes and actor.writes(scope, kind.owner(obj))

    return rules.predicate(writes_object, name=f"writes({','.join(sorted(scopes))})")


def writes_organisation_wide(scopes: Iterable[str]) -> rules.Predicate:
    scopes = frozenset(scopes)

    def fn(actor: Actor) -> bool:
        return actor.writes_organisation_wide(scopes)

    return rules.predicate(fn, name=f"writes_organisation_wide({','.join(sorted(scopes))})")


@rules.predicate
def appoints_working_groups(actor: Actor) -> bool:
    return actor.acts_with(MandateKind.APPOINT, MandateScope.WORKING_GROUP)


PROPOSING_KINDS = frozenset({MandateKind.PREPARE, MandateKind.ADVISE, MandateKind.INITIATE})


@rules.predicate
def proposes(actor: Actor) -> bool:
    """Members in any role, co-opted external ones too, of a body that prepares, advises
    or initiates (the sustainability council, KSAU, the committees in their own area)."""
    return any(
        grant.body_id in actor.roles and grant.kind in PROPOSING_KINDS for grant in actor.mandates
    )


@rules.predicate
def writes_anything(actor: Actor) -> bool:
    return bool(actor.writing_grants)


@rules.predicate
def decision_is_mandated(actor: Actor, obj: Any) -> bool:
    """A decided object names a body holding the decide mandate over it, in its area."""
    if obj is None:
        return True
    kind = object_kind(obj)
    if not kind.is_decided(obj):
        return True
    return actor.body_decides(kind.decided_by(obj), kind.scope(obj), kind.owner(obj))


@rules.predicate
def is_own_data(actor: Actor, obj: Any) -> bool:
    """Not shared reference data (rows without an organisation are read-only)."""
    return obj is None or getattr(obj, "organisation_id", None) is not None


RULES = rules.RuleSet()

# Reading
RULES.add_rule("organisation.view", rules.always_allow)
RULES.add_rule("organisation.view_internal", is_superuser | is_administrator | is_member)
# History, deleted records, internal exports, working groups: the organisation's own.
RULES.add_rule("organisation.view_records", is_superuser | is_administrator | is_member)
# Keeping the organisation
RULES.add_rule("organisation.change_mandates", is_superuser | is_administrator)
# The steering chain. `change_*` asks about the object as it is; `save_*` about the
# object as the form would write it, including who is recorded as deciding.
for _model, _scopes in (
    ("document", DOCUMENT_SCOPES),
    ("goal", GOAL_SCOPES),
    ("action", ACTION_SCOPES),
):
    RULES.add_rule(f"steering.add_{_model}", is_superuser | writes(_scopes))
    RULES.add_rule(f"steering.change_{_model}", is_superuser | writes(_scopes))
    RULES.add_rule(
        f"steering.save_{_model}", (is_superuser | writes(_scopes)) & decision_is_mandated
    )
    # Deleting and restoring a record is editing it (hallbar/organisation/record_views.py).
    RULES.add_rule(f"steering.delete_{_model}", is_superuser | writes(_scopes))
    RULES.add_rule(f"steering.restore_{_model}", is_superuser | writes(_scopes))
# Working groups are appointed by the body with the appoint mandate (ledningsgruppen).
RULES.add_rule("steering.appoint_working_group", is_superuser | appoints_working_groups)
# The organisation's own goal sets and Swedish texts of the reference model
RULES.add_rule("agenda.change_texts", is_superuser | writes({MandateScope.GOAL_SET}))
RULES.add_rule("agenda.add_goal_set", is_superuser | writes({MandateScope.GOAL_SET}))
RULES.add_rule(
    "agenda.change_goal_set", (is_superuser | writes({MandateScope.GOAL_SET})) & is_own_data
)
# Follow-up (hallbar/followup): observations are organisation-wide data.
RULES.add_rule(
    "followup.import_observations",
    is_superuser | writes_organisation_wide({MandateScope.INDICATOR}),
)
# Proposals and comments (the planned engagement app): from bodies that prepare, advise
# or initiate. Proposing is never deciding: a proposal changes no record.
RULES.add_rule("engagement.submit_proposal", is_superuser | proposes)
# --- engagement (hallbar/engagement): rules of proposals and comments ---
# A proposal is answered (adopted, declined, taken under consideration) by the officers
# of the body it is addressed to, or by those who write the kind of object it concerns;
# with neither named, by the organisation-wide writers. Never by its author, and never
# through a seat as chair, member or co-opted external member: the council has no
# decision mandate. Read by field name, so this app imports nothing from engagement.


def _answers_proposal(actor: Actor, proposal: Any) -> bool:
    if proposal is None:
        # May open the answering pages at all: officers of some body.
        return any(role in WRITING_ROLES for role in actor.roles.values())
    if actor.user is not None and proposal.author_id == actor.user.pk:
        return False
    to_body_id = proposal.to_body_id
    if to_body_id is not None and actor.roles.get(to_body_id) in WRITING_ROLES:
        return True
    subject = proposal.subject if proposal.subject_id is not None else None
    kind = OBJECT_KINDS.get(subject._meta.label_lower) if subject is not None else None
    if kind is not None:
        return actor.writes(kind.scope(subject), kind.owner(subject))
    if to_body_id is None and subject is None:
        return actor.writes_organisation_wide(EDITING_SCOPES)
    return False


EDITING_SCOPES = frozenset(MandateScope.values)
answers_proposal = rules.predicate(_answers_proposal, name="answers_proposal")


@rules.predicate
def is_not_author(actor: Actor, proposal: Any) -> bool:
    return proposal is None or actor.user is None or proposal.author_id != actor.user.pk


# The council's proposals and comments are internal: the organisation's own people.
RULES.add_rule("engagement.view_proposals", is_superuser | is_administrator | is_member)
RULES.add_rule("engagement.respond_proposal", (is_superuser | answers_proposal) & is_not_author)
# Commenting internal drafts: every member of one of the organisation's bodies, co-opted
# external council members included. A comment changes no record.
RULES.add_rule("engagement.comment", is_superuser | is_member)


@rules.predicate
def is_author_of_untaken_proposal(actor: Actor, proposal: Any) -> bool:
    """The author, while nobody has acted on the proposal: they may withdraw it."""
    return (
        proposal is not None
        and actor.user is not None
        and proposal.author_id == actor.user.pk
        and proposal.status == "submitted"
    )


# Deleting: the author withdraws a proposal nobody acted on (removed for good); the
# organisation's administrator deletes any (one taken up is kept as a record) and restores.
RULES.add_rule(
    "engagement.delete_proposal",
    is_superuser | is_administrator | is_author_of_untaken_proposal,
)
RULES.add_rule("engagement.restore_proposal", is_superuser | is_administrator)
# --- end engagement ---
# --- status_analysis (hallbar/analysis/status) ---
# A draft analysis is read by the organisation's own readers (lookup through
# analysis.status.selectors with `sees_drafts`); a confirmed one is published. Assessments
# are recorded only by organisation-wide writers of analyses (analysgruppen, strateg);
# members of bodies that propose (the sustainability council, external members too)
# propose an assessment, which changes nothing until an analyst adopts it.
for _label in (
    "status_analysis.statusanalysis",
    "status_analysis.targetassessment",
    "status_analysis.goalassessment",
    "status_analysis.assessmentproposal",
):
    OBJECT_KINDS[_label] = ObjectKind(
        scope=lambda obj: MandateScope.ANALYSIS, owner=lambda obj: None
    )
RULES.add_rule("status_analysis.view", rules.always_allow)
RULES.add_rule("status_analysis.view_internal", is_superuser | is_administrator | is_member)
RULES.add_rule(
    "status_analysis.change", is_superuser | writes_organisation_wide({MandateScope.ANALYSIS})
)
RULES.add_rule("status_analysis.propose", is_superuser | proposes)
# Deleting an analysis (soft once ever confirmed) and restoring it: those who edit it.
RULES.add_rule(
    "status_analysis.delete_status_analysis",
    is_superuser | writes_organisation_wide({MandateScope.ANALYSIS}),
)
RULES.add_rule(
    "status_analysis.restore_status_analysis",
    is_superuser | writes_organisation_wide({MandateScope.ANALYSIS}),
)
# --- end status_analysis ---
# --- interactions (hallbar/analysis/interactions) ---
# An interaction matrix version is organisation-wide analysis work: internal (a draft)
# until published; a published version is a record and is never edited again.
OBJECT_KINDS["interactions.interactionmatrix"] = ObjectKind(
    scope=lambda matrix: MandateScope.ANALYSIS,
    owner=lambda matrix: None,
)


@rules.predicate
def matrix_is_published(actor: Actor, matrix: Any) -> bool:
    """No matrix (a list page) or a published one: anyone reads it."""
    return matrix is None or getattr(matrix, "status", None) == "published"


@rules.predicate
def matrix_is_draft(actor: Actor, matrix: Any) -> bool:
    return matrix is None or getattr(matrix, "status", None) == "draft"


_analysis_writers = is_superuser | writes_organisation_wide({MandateScope.ANALYSIS})
RULES.add_rule(
    "interactions.view_matrix", matrix_is_published | is_superuser | is_administrator | is_member
)
RULES.add_rule("interactions.add_matrix", _analysis_writers)
RULES.add_rule("interactions.change_matrix", _analysis_writers & matrix_is_draft)
RULES.add_rule("interactions.publish_matrix", _analysis_writers & matrix_is_draft)
# Deleting a version (a draft for good, a published one softly: hallbar.core.records) and
# restoring one: the analysis writers, whatever its status.
RULES.add_rule("interactions.delete_matrix", _analysis_writers)
RULES.add_rule("interactions.restore_matrix", _analysis_writers)
# --- end interactions ---
# --- impact (hallbar/analysis/impact): cases, impact assessments, goal conflicts ---
# Cases and conflicts are analysis work: the preparing administration assesses its own
# cases (committees implement analyses in their own area), the analysis group everyone's.
# MandateScope.ANALYSIS is the existing scope that says exactly that; a case is not a
# steering object, so no scope of the steering chain fits it better.
OBJECT_KINDS["impact.case"] = ObjectKind(
    scope=lambda case: MandateScope.ANALYSIS,
    owner=lambda case: case.preparing_body_id,
)
OBJECT_KINDS["impact.goalconflict"] = ObjectKind(
    scope=lambda conflict: MandateScope.ANALYSIS,
    owner=lambda conflict: conflict.owner_id,
)
# A goal conflict is weighed by a body that decides in the steering chain, reaching the
# conflict's source: organisation-wide (KF, KS), or in its own area (a committee weighs
# conflicts of its own cases and actions). Never the council, KSAU or the analysis group.
IMPACT_DECIDING_SCOPES = DOCUMENT_SCOPES | GOAL_SCOPES | ACTION_SCOPES


def conflict_weighing_bodies(actor: Actor, conflict: Any) -> set[int]:
    owner = conflict.owner_id if conflict is not None else None
    return {
        grant.body_id
        for grant in actor.mandates
        if grant.kind == MandateKind.DECIDE
        and grant.scope in IMPACT_DECIDING_SCOPES
        and grant.covers(grant.scope, owner)
    }


@rules.predicate
def records_conflict_decisions(actor: Actor, conflict: Any) -> bool:
    """Officers of a body that may weigh the conflict (of the deciding body, once one is
    named): they record what their body decided. Politicians and external members never
    record: they decide in the meeting and propose here."""
    if conflict is None:
        return False
    officer_of = {body for body, role in actor.roles.items() if role in WRITING_ROLES}
    if conflict.status == "decided" and conflict.decision_body_id:
        return conflict.decision_body_id in officer_of
    return bool(officer_of & conflict_weighing_bodies(actor, conflict))


@rules.predicate
def conflict_decision_is_mandated(actor: Actor, conflict: Any) -> bool:
    """A decided conflict names a body that may weigh it."""
    if conflict is None or conflict.status != "decided":
        return True
    return conflict.decision_body_id in conflict_weighing_bodies(actor, conflict)


_ANALYSIS = {MandateScope.ANALYSIS}
for _permission in (
    "impact.add_case",
    "impact.change_case",
    "impact.save_case",
    "impact.add_conflict",
    "impact.change_conflict",
    "impact.save_conflict",
    # Deleting and restoring (hallbar/analysis/impact/records.py): who edits the object.
    # That only conflicts raised by hand are deleted is the kind's refusal, not a rule.
    "impact.delete_case",
    "impact.restore_case",
    "impact.delete_conflict",
    "impact.restore_conflict",
):
    RULES.add_rule(_permission, is_superuser | writes(_ANALYSIS))
RULES.add_rule(
    "impact.record_decision",
    (is_superuser | records_conflict_decisions) & conflict_decision_is_mandated,
)
# Comments and proposals (an assessment, a weighing): the council too; changes no record.
RULES.add_rule("impact.propose", is_superuser | proposes | writes(_ANALYSIS))
# --- end impact ---
# --- report (hallbar/report): the sustainability report's workflow ---
# Editors: officers of a body writing the report organisation-wide (analysgruppen's
# coordinate mandate; KS's decide mandate). They write texts, mark ready for review,
# record the decision, publish and start corrections. Ledningsgruppen reviews: members
# acting for a management group that follows up the report. Every member (council
# members, external ones too) reads drafts and comments; none of them reviews, decides
# or publishes unless a seat above says so.
OBJECT_KINDS["report.reportedition"] = ObjectKind(
    scope=lambda edition: MandateScope.REPORT,
    owner=lambda edition: None,
    is_decided=lambda edition: edition.status in ("decided", "published"),
    decided_by=lambda edition: edition.decided_by_id,
    decision_field="decided_by",
)


def report_reviewing_bodies(actor: Actor) -> frozenset[int]:
    """Management groups the user acts for that follow up the report (one query, once)."""
    cache = actor.__dict__.setdefault("_report_cache", {})
    if "reviewing" not in cache:
        from hallbar.organisation.models import Body, BodyKind

        candidates = {
            grant.body_id
            for grant in actor.mandates
            if grant.kind == MandateKind.FOLLOW_UP
            and grant.scope == MandateScope.REPORT
            and actor.roles.get(grant.body_id) in ACTING_ROLES
        }
        cache["reviewing"] = frozenset(
            Body.objects.filter(
                pk__in=candidates, kind=BodyKind.MANAGEMENT_GROUP, is_active=True
            ).values_list("pk", flat=True)
            if candidates
            else ()
        )
    return cache["reviewing"]


@rules.predicate
def reviews_report(actor: Actor) -> bool:
    return bool(report_reviewing_bodies(actor))


_REPORT_EDITORS = is_superuser | writes_organisation_wide({MandateScope.REPORT})
RULES.add_rule("report.view_drafts", is_superuser | is_administrator | is_member)
RULES.add_rule("report.comment", is_superuser | is_member)
RULES.add_rule("report.edit", _REPORT_EDITORS)
RULES.add_rule("report.review", is_superuser | reviews_report)
RULES.add_rule("report.record_decision", _REPORT_EDITORS & decision_is_mandated)
RULES.add_rule("report.publish", _REPORT_EDITORS)
# Deleting an edition (a draft for good, a decided one softly; never a published one:
# hallbar/report/records.py) and restoring it.
RULES.add_rule("report.delete_edition", _REPORT_EDITORS)
RULES.add_rule("report.restore_edition", _REPORT_EDITORS)
# --- end report ---
# Legacy: "may write something in the organisation" (access.can_edit and
# get_organisation_for_editing, for views not yet on a specific permission).
RULES.add_rule("organisation.write_anything", is_superuser | writes_anything)


def allows(actor: Actor, permission: str, obj: Any = None) -> bool:
    if permission not in RULES:
        raise LookupError(f"Unknown permission {permission!r}: declare it in permissions.py")
    return RULES.test_rule(permission, actor, obj)

"""Demo data: proposals of Hallstahammar's sustainability council (hållbarhetsrådet), one
answered by the executive board's strateg, and a comment on a draft. Called by
`load_demo_data` after steering's demo (the bodies, logins and objects it names).

Idempotent: a proposal or comment already there (by title, by text) is left alone, and an
answered proposal is not answered again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from hallbar.agenda.models import Target
from hallbar.engagement import services
from hallbar.engagement.models import Proposal, ProposalStatus
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.demo import (
    COUNCIL,
    EXAMPLE_NOTE,
    KS,
    ORGANISATION_CODE,
    TN,
    TRAVEL_PLAN,
    DemoDataError,
)
from hallbar.steering.models import Action, SteeringDocument


@dataclass(frozen=True)
class DemoProposal:
    title: str
    author: str  # demo login
    to_body: str
    text: str
    subject: tuple[str, str] | None = None  # ("action" | "document", title)
    targets: tuple[str, ...] = ()
    proposed_values: dict | None = None
    answer: tuple[str, str, str] | None = None  # (status, response, responder login)


SCHOOL_ROUTES = "Trygga skolvägar – kartläggning och åtgärder vid grundskolorna"

PROPOSALS: tuple[DemoProposal, ...] = (
    DemoProposal(
        "Låt eleverna vara med i kartläggningen av skolvägarna",
        "radsledamot",
        TN,
        "Rådet föreslår att elevråden på varje grundskola bjuds in till kartläggningen av "
        "skolvägarna, och att resultatet redovisas för rådet innan åtgärderna prioriteras. "
        + EXAMPLE_NOTE,
        subject=("action", SCHOOL_ROUTES),
        targets=("11.2", "3.6"),
        answer=(
            ProposalStatus.ADOPTED,
            "Elevråden bjuds in under våren. Resultatet redovisas för rådet i juni.",
            "handlaggare",
        ),
    ),
    DemoProposal(
        "Pendlarparkering vid Kolbäcks station i handlingsplanen",
        "ledamot",
        KS,
        "Rådet föreslår att handlingsplanen för hållbart resande kompletteras med "
        "pendlarparkering för cykel och bil vid Kolbäcks station. " + EXAMPLE_NOTE,
        subject=("document", TRAVEL_PLAN),
        targets=("11.2",),
    ),
)

COMMENTS: tuple[tuple[str, str, str], ...] = (
    # (login, title of the action, text)
    (
        "ledamot",
        SCHOOL_ROUTES,
        "Bra att kartläggningen görs med föräldrarna. Tänk också på vinterväghållningen.",
    ),
)


@dataclass
class EngagementDemoSummary:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, name: str) -> None:
        self.created[name] = self.created.get(name, 0) + 1

    def __str__(self) -> str:
        made = ", ".join(f"{count} {name}" for name, count in self.created.items())
        return f"Engagement demo for Hallstahammar: created {made or 'nothing'}."


def _subject(organisation: Organisation, subject: tuple[str, str] | None):
    if subject is None:
        return None
    kind, title = subject
    model = {"action": Action, "document": SteeringDocument}[kind]
    found = model.objects.for_organisation(organisation).filter(title=title).first()
    if found is None:
        raise DemoDataError(f"The demo {kind} “{title}” is missing: run steering's demo first.")
    return found


def demo_load() -> EngagementDemoSummary:
    summary = EngagementDemoSummary()
    organisation = Organisation.objects.filter(code=ORGANISATION_CODE).first()
    if organisation is None:
        raise DemoDataError("Hallstahammar's demo organisation is missing: run steering's demo.")
    logins = {item.author for item in PROPOSALS} | {login for login, _t, _x in COMMENTS}
    logins |= {item.answer[2] for item in PROPOSALS if item.answer}
    users = {
        user.username: user
        for user in get_user_model()._default_manager.filter(username__in=logins)
    }
    missing = sorted(logins - set(users))
    if missing:
        raise DemoDataError(f"Demo logins missing: {', '.join(missing)}. Run steering's demo.")
    bodies = {body.name: body for body in Body.objects.for_organisation(organisation)}
    with transaction.atomic():
        for item in PROPOSALS:
            proposal = Proposal.objects.for_organisation(organisation).filter(title=item.title)
            proposal = proposal.first()
            if proposal is None:
                proposal = services.proposal_submit(
                    users[item.author],
                    organisation,
                    title=item.title,
                    text=item.text,
                    to_body=bodies[item.to_body],
                    subject=_subject(organisation, item.subject),
                    targets=Target.objects.agenda2030().filter(code__in=item.targets),
                    proposed_values=item.proposed_values,
                    from_body=bodies[COUNCIL],
                )
                summary.add("proposals")
            if item.answer is not None and not proposal.is_answered:
                status, response, responder = item.answer
                services.proposal_respond(users[responder], proposal, status, response)
                summary.add("answers")
        for login, title, text in COMMENTS:
            subject = _subject(organisation, ("action", title))
            if not services.comments_for(subject).filter(text=text).exists():
                services.comment_add(users[login], subject, text)
                summary.add("comments")
    return summary

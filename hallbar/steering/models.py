"""The steering chain: steering documents, local goals and actions, linked to targets;
and the working groups ledningsgruppen appoints.

Documents, goals and actions are deleted softly once they were ever public (decided, or
under a decided plan): `deleted_at` hides them from every query through the default
manager (`objects`), while `with_deleted` still reaches them for history and restore.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hallbar.agenda.models import Dimension
from hallbar.core.models import AliveManager, SoftDeletable
from hallbar.lib.terms import add_months, term_containing
from hallbar.organisation.mandates import body_may_decide
from hallbar.organisation.models import BodyKind, TenantModel, TenantQuerySet

WARNING_HORIZON_MONTHS = 6
# The error code of a decision recorded for a body without the decide mandate; access
# logs such attempts (organisation/access.py).
NO_DECIDE_MANDATE = "no_decide_mandate"


def _check_organisation(owner, **related) -> None:
    """Every related row must belong to the owner's organisation (forms, admin, services)."""
    if owner.organisation_id is None:
        return
    errors = {
        name: _("Choose one of your organisation's own.")
        for name, value in related.items()
        if value is not None and value.organisation_id != owner.organisation_id
    }
    if errors:
        raise ValidationError(errors)


class DocumentLevel(models.TextChoices):
    BUDGET = "budget", _("Goals and budget")
    STRATEGY = "strategy", _("Strategy")
    PROGRAMME = "programme", _("Programme")
    ACTION_PLAN = "action_plan", _("Action plan")


class ReviewRule(models.TextChoices):
    YEARLY = "yearly", _("Every year")
    ONCE_PER_TERM = "once_per_term", _("Once per term of office")
    AS_NEEDED = "as_needed", _("When needed")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DECIDED = "decided", _("Decided")


class RecordedHistory(HistoricalRecords):
    """django-simple-history that the model can reach again (`Model.history_recorder`).

    Services save a row and then its links (targets, bodies, goals); recording them as
    one version, rather than one version per step, needs the recorder itself
    (`records.one_version`).
    """

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls.history_recorder = self


class SteeringQuerySet(TenantQuerySet):
    def decided(self):
        return self.filter(status=DecisionStatus.DECIDED)


class SoftDeleteModel(SoftDeletable, TenantModel):
    """A steering record: soft deletion, and `objects` without the deleted rows."""

    objects = AliveManager.from_queryset(SteeringQuerySet)()
    with_deleted = SteeringQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_public_record(self) -> bool:
        """Decided now or at any point of its history: then deleting it is only ever soft."""
        if getattr(self, "status", None) == DecisionStatus.DECIDED:
            return True
        return self.history.filter(status=DecisionStatus.DECIDED).exists()


class SteeringDocument(SoftDeleteModel):
    title = models.CharField(_("title"), max_length=300)
    level = models.CharField(_("level"), max_length=20, choices=DocumentLevel.choices)
    summary = models.TextField(_("summary"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent document"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    decided_by = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_documents",
        verbose_name=_("decided by"),
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_paragraph = models.CharField(
        _("paragraph (§)"), max_length=20, blank=True, help_text=_("E.g. 129.")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    review_rule = models.CharField(
        _("review rule"), max_length=20, choices=ReviewRule.choices, default=ReviewRule.AS_NEEDED
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("Leave empty if not reviewed since the decision."),
    )
    owner = models.CharField(
        _("document owner"), max_length=200, help_text=_("A role, e.g. Kommunstrateg.")
    )
    responsible_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_documents",
        verbose_name=_("for one body"),
        help_text=_("Leave empty for a municipality-wide document."),
    )
    applies_to = models.ManyToManyField(
        "organisation.Body",
        blank=True,
        related_name="applicable_documents",
        verbose_name=_("applies to"),
    )
    # One column per dimension: filterable on every database, and "one or more" is a
    # database constraint. `dimensions` reads and writes them as a list of codes.
    is_ecological = models.BooleanField(_("ecological"), default=False)
    is_social = models.BooleanField(_("social"), default=False)
    is_economic = models.BooleanField(_("economic"), default=False)
    targets = models.ManyToManyField(
        "agenda.Target", blank=True, related_name="steering_documents", verbose_name=_("targets")
    )
    created_at = models.DateTimeField(_("created"), db_default=Now())
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = RecordedHistory(m2m_fields=[applies_to, targets])

    class Meta:
        ordering = ["level", "title"]
        verbose_name = _("steering document")
        verbose_name_plural = _("steering documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(decision_date__isnull=True)
                | models.Q(valid_until__gte=models.F("decision_date")),
                name="document_valid_after_decision",
                violation_error_message=_("Valid until cannot be before the decision date."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_ecological=True)
                | models.Q(is_social=True)
                | models.Q(is_economic=True),
                name="document_has_a_dimension",
                violation_error_message=_("Choose at least one dimension."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="decided")
                | models.Q(decision_date__isnull=False, decided_by__isnull=False),
                name="document_decided_has_decision",
                violation_error_message=_("A decided document needs a body and a decision date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        _check_organisation(
            self,
            decided_by=self.decided_by,
            responsible_body=self.responsible_body,
            parent=self.parent,
        )
        errors = {}
        if self.parent and LEVEL_ORDER[self.parent.level] >= LEVEL_ORDER[self.level]:
            errors["parent"] = _(
                "The parent document must stand higher in the steering chain "
                "(goals and budget, strategy, programme, action plan)."
            )
        if self.decided_by and not body_may_decide(
            self.decided_by, self.level, owner=self.responsible_body
        ):
            errors["decided_by"] = ValidationError(
                _(
                    "%(body)s has no mandate to decide this kind of document. "
                    "Record the body that did."
                ),
                code=NO_DECIDE_MANDATE,
                params={"body": self.decided_by},
            )
        if self.decision_date and self.decision_date > timezone.localdate():
            errors["decision_date"] = _("The decision date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_municipality_wide(self) -> bool:
        return self.responsible_body_id is None

    @property
    def dimensions(self) -> list[str]:
        return [code for code in Dimension.values if getattr(self, f"is_{code}")]

    @dimensions.setter
    def dimensions(self, codes: list[str]) -> None:
        unknown = set(codes) - set(Dimension.values)
        if unknown:
            raise ValueError(f"unknown dimensions: {sorted(unknown)}")
        for code in Dimension.values:
            setattr(self, f"is_{code}", code in codes)

    @property
    def dimension_labels(self) -> list[str]:
        return [str(Dimension(code).label) for code in self.dimensions]

    def review_due(self) -> dt.date | None:
        """The date by which the document should next be reviewed, or None."""
        reviewed = self.last_reviewed or self.decision_date
        if reviewed is None:
            return None
        if self.review_rule == ReviewRule.YEARLY:
            return add_months(reviewed, 12)
        if self.review_rule == ReviewRule.ONCE_PER_TERM:
            # The decision or review counts for its own term; the next one is due
            # before the end of the following term.
            _, end_of_term = term_containing(reviewed)
            return term_containing(end_of_term + dt.timedelta(days=1))[1]
        return None

    def warnings(self, today: dt.date | None = None) -> list[str]:
        """Review-due and expiry warnings within the horizon, in the user's language."""
        today = today or timezone.localdate()
        horizon = add_months(today, WARNING_HORIZON_MONTHS)
        found: list[str] = []
        if self.valid_until and self.valid_until < today:
            found.append(_("Validity ended %(date)s") % {"date": self.valid_until.isoformat()})
        elif self.valid_until and self.valid_until <= horizon:
            found.append(_("Validity ends %(date)s") % {"date": self.valid_until.isoformat()})
        due = self.review_due()
        if due and due < today:
            found.append(_("Review overdue since %(date)s") % {"date": due.isoformat()})
        elif due and due <= horizon:
            found.append(_("Review due by %(date)s") % {"date": due.isoformat()})
        return found


LEVEL_ORDER = {level: index for index, level in enumerate(DocumentLevel.values)}


class GoalLevel(models.TextChoices):
    COUNCIL = "council", _("Council goal")
    COMMITTEE = "committee", _("Committee goal")


class LocalGoal(SoftDeleteModel):
    """A council goal (KF-mål) or committee goal (nämndmål), linked to targets."""

    level = models.CharField(_("level"), max_length=20, choices=GoalLevel.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="local_goals",
        verbose_name=_("body"),
        help_text=_("The council for a council goal; the committee for a committee goal."),
    )
    document = models.ForeignKey(
        SteeringDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_goals",
        verbose_name=_("steering document"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"level": GoalLevel.COUNCIL},
        verbose_name=_("serves council goal"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_paragraph = models.CharField(_("paragraph (§)"), max_length=20, blank=True)
    targets = models.ManyToManyField(
        "agenda.Target", blank=True, related_name="local_goals", verbose_name=_("targets")
    )
    other_goals = models.ManyToManyField(
        "agenda.Goal",
        blank=True,
        related_name="local_goals",
        verbose_name=_("national and regional goals"),
    )
    created_at = models.DateTimeField(_("created"), db_default=Now())
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = RecordedHistory(m2m_fields=[targets, other_goals])

    class Meta:
        ordering = ["level", "title"]
        verbose_name = _("local goal")
        verbose_name_plural = _("local goals")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="decided") | models.Q(decision_date__isnull=False),
                name="localgoal_decided_has_date",
                violation_error_message=_("A decided goal needs a decision date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        _check_organisation(
            self, body=self.body_or_none, document=self.document, parent=self.parent
        )
        body = self.body_or_none
        errors = {}
        if body and self.level == GoalLevel.COUNCIL and not body_may_decide(body, "council_goal"):
            errors["body"] = _("A council goal belongs to the municipal council.")
        if (
            body
            and self.level == GoalLevel.COMMITTEE
            and not body_may_decide(body, "committee_goal", owner=body)
        ):
            errors["body"] = _(
                "A committee goal belongs to a committee, board, company or federation."
            )
        if self.decision_date and self.decision_date > timezone.localdate():
            errors["decision_date"] = _("The decision date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def body_or_none(self):
        return self.body if self.body_id else None


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    STARTED = "started", _("Started")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


class Action(SoftDeleteModel):
    """An action (åtgärd) under a plan, carried out by a body."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    plan = models.ForeignKey(
        SteeringDocument,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("plan"),
    )
    body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("body"),
    )
    owner = models.CharField(_("owner"), max_length=200, help_text=_("Person or role."))
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    planned_cost = models.DecimalField(
        _("planned cost (SEK)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    result = models.TextField(
        _("result"),
        blank=True,
        help_text=_("What the action has achieved so far: outputs, effects, lessons."),
    )
    targets = models.ManyToManyField(
        "agenda.Target", blank=True, related_name="actions", verbose_name=_("targets")
    )
    local_goals = models.ManyToManyField(
        LocalGoal, blank=True, related_name="actions", verbose_name=_("local goals")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), db_default=Now())
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = RecordedHistory(m2m_fields=[targets, local_goals])

    class Meta:
        ordering = ["title"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="action_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=models.Q(planned_cost__isnull=True) | models.Q(planned_cost__gte=0),
                name="action_cost_not_negative",
                violation_error_message=_("The planned cost cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        _check_organisation(
            self,
            plan=self.plan if self.plan_id else None,
            body=self.body if self.body_id else None,
        )

    def is_public_record(self) -> bool:
        """An action is public while its plan is decided: it is a public record if any
        plan it was ever filed under was ever decided."""
        plan_ids = {self.plan_id, *self.history.values_list("plan_id", flat=True)} - {None}
        return (
            SteeringDocument.history.filter(id__in=plan_ids, status=DecisionStatus.DECIDED).exists()
            or SteeringDocument.with_deleted.filter(
                pk__in=plan_ids, status=DecisionStatus.DECIDED
            ).exists()
        )


# Working groups (arbetsgrupper)


class WorkingGroupQuerySet(TenantQuerySet):
    def active(self, today: dt.date | None = None):
        """Groups working on `today`: started and not yet past their end date."""
        today = today or timezone.localdate()
        return self.filter(start_date__lte=today, end_date__gte=today)

    def ended(self, today: dt.date | None = None):
        return self.filter(end_date__lt=today or timezone.localdate())


class WorkingGroupState(models.TextChoices):
    PLANNED = "planned", _("Not yet started")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class WorkingGroup(TenantModel):
    """A temporary group with a written mandate (uppdrag), appointed by ledningsgruppen
    for a focus area. It ends at its end date, and its memberships lapse with it."""

    name = models.CharField(_("name"), max_length=200)
    focus_area = models.CharField(
        _("focus area"), max_length=200, help_text=_("The decided focus area the group works on.")
    )
    mandate_text = models.TextField(_("mandate"), help_text=_("The group's written mandate."))
    expected_effect = models.TextField(
        _("expected effect"), help_text=_("What the work should lead to.")
    )
    appointed_by = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="appointed_working_groups",
        limit_choices_to={"kind": BodyKind.MANAGEMENT_GROUP},
        verbose_name=_("appointed by"),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), help_text=_("The group and its memberships end here."))
    targets = models.ManyToManyField(
        "agenda.Target", blank=True, related_name="working_groups", verbose_name=_("targets")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), db_default=Now())
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WorkingGroupQuerySet.as_manager()
    history = RecordedHistory(m2m_fields=[targets])

    class Meta:
        ordering = ["-end_date", "name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="working_group_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        appointed_by = self.appointed_by if self.appointed_by_id else None
        _check_organisation(self, appointed_by=appointed_by)
        if appointed_by and appointed_by.kind != BodyKind.MANAGEMENT_GROUP:
            raise ValidationError(
                {"appointed_by": _("Working groups are appointed by the management group.")}
            )

    def is_active(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.start_date <= today <= self.end_date

    def state(self, today: dt.date | None = None) -> WorkingGroupState:
        today = today or timezone.localdate()
        if today > self.end_date:
            return WorkingGroupState.ENDED
        if today < self.start_date:
            return WorkingGroupState.PLANNED
        return WorkingGroupState.ACTIVE

    def get_state_display(self, today: dt.date | None = None) -> str:
        return str(self.state(today).label)


class WorkingGroupRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    MEMBER = "member", _("Member")


class WorkingGroupMemberQuerySet(TenantQuerySet):
    def active(self, today: dt.date | None = None):
        """Memberships that count on `today`: the group has started and they have not
        lapsed. A membership of an ended group grants nothing."""
        today = today or timezone.localdate()
        return self.filter(ends_on__gte=today, working_group__start_date__lte=today)


class WorkingGroupMember(TenantModel):
    """A seat in a working group: a user of the organisation, or an external person
    (name and organisation). It carries the group's end date and lapses with it."""

    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("working group"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="working_group_memberships",
        verbose_name=_("user"),
    )
    external_name = models.CharField(_("name (external)"), max_length=200, blank=True)
    external_organisation = models.CharField(
        _("organisation (external)"), max_length=200, blank=True
    )
    role = models.CharField(
        _("role"), max_length=20, choices=WorkingGroupRole.choices, default=WorkingGroupRole.MEMBER
    )
    ends_on = models.DateField(_("ends"))

    objects = WorkingGroupMemberQuerySet.as_manager()
    history = RecordedHistory()

    class Meta:
        ordering = ["role", "external_name", "user__username"]
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(external_name=""))
                | (models.Q(user__isnull=True) & ~models.Q(external_name="")),
                name="working_group_member_internal_or_external",
                violation_error_message=_("A member is either a user or a named external person."),
            ),
            models.UniqueConstraint(
                fields=["working_group", "user"],
                condition=models.Q(user__isnull=False),
                name="working_group_member_once",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_external(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        if self.user_id is None:
            if self.external_organisation:
                return f"{self.external_name} ({self.external_organisation})"
            return self.external_name
        return self.user.get_full_name() or self.user.get_username()

    def is_active(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.working_group.start_date <= today <= self.ends_on

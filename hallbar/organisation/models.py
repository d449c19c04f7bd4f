"""Tenants (organisations), their bodies, who sits in them, and what each body may do.

Every tenant-owned row in Hållbar carries `organisation`; `TenantModel` is the one
place that adds the field and the `for_organisation()` scope every query goes through.
A body's mandates (`Mandate`) are data, edited by the organisation's administrators
(`OrganisationRole`); `permissions.py` turns them into the one access rule.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")


class Organisation(models.Model):
    """A municipality or region using Hållbar: the tenant that owns its data."""

    code = models.CharField(
        _("code"),
        max_length=4,
        unique=True,
        help_text=_("Four-digit municipality code (SCB/Kolada), e.g. 1961."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default="municipality"
    )
    county_code = models.CharField(_("county code"), max_length=2, blank=True)
    county_name = models.CharField(_("county"), max_length=100, blank=True)
    municipality_group_code = models.CharField(
        _("municipality group"), max_length=2, blank=True, help_text=_("SKR group, e.g. B4.")
    )
    municipality_group_name = models.CharField(
        _("municipality group name"), max_length=100, blank=True
    )
    is_example = models.BooleanField(
        _("example data"), default=False, help_text=_("Demo organisation with invented data.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{4}$"), name="organisation_code_four_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TenantQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> "TenantQuerySet":
        return self.filter(organisation=organisation)


class TenantModel(models.Model):
    """Base of every tenant-owned model: the organisation column and its scope."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class BodyKind(models.TextChoices):
    COUNCIL_ASSEMBLY = "council_assembly", _("Municipal council")
    EXECUTIVE_BOARD = "executive_board", _("Municipal executive board")
    SUSTAINABILITY_COMMITTEE = "sustainability_committee", _("Sustainability committee")
    SUSTAINABILITY_COUNCIL = "sustainability_council", _("Sustainability council")
    COMMITTEE = "committee", _("Committee or board")
    COMPANY = "company", _("Municipal company")
    FEDERATION = "federation", _("Federation")
    MANAGEMENT_GROUP = "management_group", _("Chief executive's management group")
    ANALYSIS_GROUP = "analysis_group", _("Analysis group")
    WORKING_GROUP = "working_group", _("Working group")


class Body(TenantModel):
    """A political or administrative body of the organisation (KF, KS, a nämnd, …)."""

    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="body_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if (
            self.parent_id
            and self.organisation_id
            and self.parent.organisation_id != self.organisation_id
        ):
            raise ValidationError({"parent": _("Choose one of your organisation's own bodies.")})


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    OFFICER = "officer", _("Officer")
    EXTERNAL = "external", _("Co-opted external member")


class Membership(models.Model):
    """A user's seat in a body, with a role. The organisation is the body's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("body")
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    title = models.CharField(
        _("title"), max_length=150, blank=True, help_text=_("E.g. kommunstrateg.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["body", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "body"], name="membership_unique_per_body")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.body} ({self.get_role_display()})"


class DemoAccount(models.Model):
    """Marks a login created by `load_demo_data`: it works only in demo mode
    (`organisation.auth.DemoAwareModelBackend`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_account"
    )

    class Meta:
        verbose_name = _("demo login")
        verbose_name_plural = _("demo logins")

    def __str__(self) -> str:
        return str(self.user)


class MandateKind(models.TextChoices):
    """What a body may do (the strategy's "Ansvar och roller i organisationen")."""

    DECIDE = "decide", _("Decide")
    PREPARE = "prepare", _("Prepare")
    ADVISE = "advise", _("Advise")
    INITIATE = "initiate", _("Initiate")
    FOLLOW_UP = "follow_up", _("Follow up")
    IMPLEMENT = "implement", _("Implement")
    COORDINATE = "coordinate", _("Coordinate")
    APPOINT = "appoint", _("Appoint")


class MandateScope(models.TextChoices):
    """The kinds of objects a mandate covers. The first four are the document levels of
    the steering chain and use their codes."""

    BUDGET = "budget", _("Goals and budget")
    STRATEGY = "strategy", _("Strategy")
    PROGRAMME = "programme", _("Programme")
    ACTION_PLAN = "action_plan", _("Action plan")
    COUNCIL_GOAL = "council_goal", _("Council goals")
    COMMITTEE_GOAL = "committee_goal", _("Committee goals")
    ACTION = "action", _("Actions")
    ANALYSIS = "analysis", _("Status analyses")
    INDICATOR = "indicator", _("Indicators and follow-up")
    REPORT = "report", _("Sustainability report")
    GOAL_SET = "goal_set", _("Own goal sets and Swedish texts")
    WORKING_GROUP = "working_group", _("Working groups")
    COUNCIL_COMPOSITION = "council_composition", _("The sustainability council's composition")


class MandateArea(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation-wide")
    OWN = "own", _("Own area")


class Mandate(TenantModel):
    """One thing a body may do with one kind of object, organisation-wide or in its own
    area (objects that belong to the body itself)."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="mandates", verbose_name=_("body")
    )
    kind = models.CharField(_("mandate"), max_length=20, choices=MandateKind.choices)
    scope = models.CharField(_("for"), max_length=30, choices=MandateScope.choices)
    area = models.CharField(
        _("area"), max_length=20, choices=MandateArea.choices, default=MandateArea.ORGANISATION
    )
    note = models.TextField(
        _("basis"),
        blank=True,
        help_text=_("Where the mandate comes from, e.g. the strategy or a decision (§)."),
    )
    # The version an edit starts from: a save based on an older one is refused with
    # what changed meanwhile (hallbar.core.versions.check_version).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["body__name", "kind", "scope"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind", "scope"],
                name="mandate_unique_per_body_kind_scope",
                violation_error_message=_("The body already has this mandate."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=MandateKind.values),
                name="mandate_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=MandateScope.values),
                name="mandate_scope_known",
            ),
            models.CheckConstraint(
                condition=models.Q(area__in=MandateArea.values),
                name="mandate_area_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body_or_none or '?'}: {self.get_kind_display()} – {self.get_scope_display()}"

    @property
    def body_or_none(self) -> Body | None:
        return self.body if self.body_id else None

    def clean(self) -> None:
        body = self.body_or_none
        if body and self.organisation_id and body.organisation_id != self.organisation_id:
            raise ValidationError({"body": _("Choose one of your organisation's own bodies.")})


class OrganisationRoleKind(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Organisation administrator")


class OrganisationRole(TenantModel):
    """A role a user holds in the organisation as a whole, outside any body: today the
    administrator, who keeps the bodies' mandates."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_roles",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=OrganisationRoleKind.choices,
        default=OrganisationRoleKind.ADMINISTRATOR,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="organisation_role_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=OrganisationRoleKind.values),
                name="organisation_role_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

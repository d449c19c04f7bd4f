"""Staff admin for tenants, their bodies, memberships, mandates and administrators (with
change history). Organisation administrators keep mandates in the product itself
(`/o/<code>/mandates/`); this admin is for platform staff."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hallbar.organisation.models import (
    Body,
    Mandate,
    Membership,
    Organisation,
    OrganisationRole,
)
from hallbar.organisation.services import mandates_seed

User = get_user_model()


class BodyInline(admin.TabularInline):
    model = Body
    fields = ["name", "short_name", "kind", "parent", "is_active"]
    autocomplete_fields = ["parent"]
    extra = 0
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "county_name",
        "municipality_group_code",
        "is_example",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["kind", "is_example", "municipality_group_code", "county_name"]
    search_fields = ["code", "name", "county_name"]
    ordering = ["name"]
    inlines = [BodyInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "body", "role", "title"]
    autocomplete_fields = ["user", "body"]
    extra = 0


class MandateInline(admin.TabularInline):
    model = Mandate
    fields = ["kind", "scope", "area", "note"]
    extra = 0


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "organisation", "parent", "is_active"]
    list_filter = ["kind", "is_active", "organisation"]
    search_fields = ["name", "short_name", "organisation__name", "organisation__code"]
    list_select_related = ["organisation", "parent"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline, MandateInline]
    history_list_display = ["kind", "is_active"]

    def save_formset(self, request, form, formset, change):
        # Mandates entered on the body's page belong to the body's organisation.
        if formset.model is Mandate:
            for inline_form in formset.forms:
                inline_form.instance.organisation_id = form.instance.organisation_id
        super().save_formset(request, form, formset, change)

    def response_add(self, request, obj, post_url_continue=None):
        # A new body starts with the standard mandates of its kind unless some were
        # entered with it; they are edited like any other afterwards.
        mandates_seed(organisation=obj.organisation, bodies=[obj])
        return super().response_add(request, obj, post_url_continue)


@admin.register(Mandate)
class MandateAdmin(SimpleHistoryAdmin):
    list_display = ["body", "kind", "scope", "area", "organisation"]
    list_filter = ["kind", "scope", "area", "body__kind", "organisation"]
    search_fields = ["body__name", "body__short_name", "note", "organisation__code"]
    list_select_related = ["body", "organisation"]
    autocomplete_fields = ["body"]
    history_list_display = ["kind", "scope", "area"]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "body", "role", "title", "organisation"]
    list_filter = ["role", "body__kind", "body__organisation"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "title",
        "body__name",
        "body__short_name",
    ]
    list_select_related = ["user", "body__organisation"]
    autocomplete_fields = ["user", "body"]

    @admin.display(description=_("organisation"), ordering="body__organisation__name")
    def organisation(self, membership: Membership) -> Organisation:
        return membership.body.organisation


# People and their seats on one page: the user admin with the user's memberships.
class UserMembershipInline(MembershipInline):
    fields = ["body", "role", "title"]
    autocomplete_fields = ["body"]
    fk_name = "user"


class HallbarUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserMembershipInline]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, HallbarUserAdmin)

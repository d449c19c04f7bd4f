"""Staff admin for tenants, their bodies and memberships (with change history)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hallbar.organisation.models import Body, Membership, Organisation

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


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "organisation", "parent", "is_active"]
    list_filter = ["kind", "is_active", "organisation"]
    search_fields = ["name", "short_name", "organisation__name", "organisation__code"]
    list_select_related = ["organisation", "parent"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]
    history_list_display = ["kind", "is_active"]


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

from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from orgs.models import Enterprise, Industry, Membership, OrgUnit


@admin.register(Industry)
class IndustryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "gbt4754", "high_risk", "sort_order"]
    list_editable = ["high_risk", "sort_order"]


@admin.register(OrgUnit)
class OrgUnitAdmin(GuardedModelAdminMixin, TreeAdmin):
    form = movenodeform_factory(OrgUnit, exclude=["province", "city", "county", "township"])
    list_display = ["name", "division_code", "level", "kind"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "division_code"]
    filter_horizontal = ["industries"]
    raw_id_fields = ["jurisdiction"]


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "industry", "org_unit", "high_risk", "is_active"]
    list_filter = ["industry", "high_risk", "kind", "is_active"]
    search_fields = ["name", "credit_code", "principal_name"]
    raw_id_fields = ["org_unit"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "org_unit", "role", "enterprise", "created_at", "created_by"]
    list_filter = ["role"]
    search_fields = ["user__username", "org_unit__name"]
    raw_id_fields = ["user", "org_unit", "enterprise"]

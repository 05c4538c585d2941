from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from core.models import AuditEvent, Notification, User


class ReadOnlyMixin:
    """Shown, never changed: the domains' records change through their services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    # Inlines ignore list_select_related: the relations their rows show, joined once.
    select_related = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_readonly_fields(self, request, obj=None):
        # Shown, never edited: non-editable fields (uploaded_at, …) can then be listed too.
        return self.fields


class ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """A read-only admin with history.

    Foreign keys to big tables are raw ids even here: a historical record's page renders the
    model's form, and a select of every unit, enterprise or user would run to megabytes.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a historical record's form on POST ("revert") without asking
        # for the change permission (django-simple-history#1362): refused here.
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("联系方式", {"fields": ("full_name", "phone")}))
    list_display = ["username", "full_name", "phone", "is_active", "is_superuser", "last_login"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the application and edited by nobody."""

    list_display = ["created_at", "kind", "username", "ip_address", "org_path", "request_id"]
    list_filter = ["kind"]
    search_fields = ["username", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "recipient_name", "channel", "title", "read_at"]
    list_filter = ["channel"]
    raw_id_fields = ["recipient", "sender"]

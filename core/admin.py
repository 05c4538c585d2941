from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from core.models import AuditEvent, Notification, User


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

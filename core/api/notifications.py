"""/api/v1/notifications/: the caller's own in-app notifications (core.notifications).

Not a scoped model: every query is filtered on `recipient=request.user`, so another user's
notification is 404 like a missing one.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    sender_name = serializers.CharField(source="sender.__str__", read_only=True, default=None)

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "sender", "sender_name", "created_at", "read_at"]
        read_only_fields = fields


MARKED = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="只列出未读（count 即未读数）"
            )
        ]
    )
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's notifications, newest first; `read` marks one read, `read-all` all."""

    serializer_class = NotificationSerializer
    # The filter and ordering backends do not apply: the only filter is `unread`.
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return Notification.objects.none()
        own = Notification.objects.filter(recipient=self.request.user).select_related("sender")
        if self.action == "list" and self.request.query_params.get("unread") in ("1", "true"):
            own = own.filter(read_at__isnull=True)
        return own

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MARKED)
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        marked = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked})

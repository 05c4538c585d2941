"""Base classes every API viewset over a scoped model uses (NetBox's pattern)."""

from rest_framework import viewsets

# DRF action → the scoping action `restrict` is asked for.
SCOPE_ACTIONS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class ScopedViewSetMixin:
    """Restricts the queryset to the user's scope for the action being performed.

    Detail routes of an object out of scope answer 404, the same as a missing object.
    """

    def scope_action(self) -> str:
        return SCOPE_ACTIONS.get(self.action, getattr(self, "extra_scope_action", "view"))

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.scope_action())


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass

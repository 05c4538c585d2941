from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related field whose choices are the requesting user's scope for `scope_action`.

    An id out of scope is rejected exactly like an id that does not exist.
    """

    def __init__(self, scope_action="view", **kwargs):
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return queryset.restrict(user, self.scope_action)

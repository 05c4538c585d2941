"""REST API of the accident register: a thin viewset over accidents.services, scoped by
core.api.views (out of scope = 404). Accidents are edited, never deleted; edits may carry the
`version` read (409 when stale).
"""

from rest_framework import mixins, viewsets

from accidents import services
from accidents.api.serializers import AccidentSerializer
from accidents.filters import AccidentFilter
from accidents.models import Accident
from core.api.views import ScopedViewSetMixin


class AccidentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """生产安全事故: graded by the statute, flagged when reported late (`is_late`)."""

    queryset = Accident.objects.select_related("org_unit", "enterprise", "industry")
    serializer_class = AccidentSerializer
    filterset_class = AccidentFilter

    def get_queryset(self):
        return services.with_late(super().get_queryset())

    def _data(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return data

    def _respond_with(self, serializer, accident) -> None:
        serializer.instance = self.get_queryset().get(pk=accident.pk)

    def perform_create(self, serializer):
        accident = services.record_accident(self._data(serializer), user=self.request.user)
        self._respond_with(serializer, accident)

    def perform_update(self, serializer):
        accident = services.update_accident(
            serializer.instance,
            self._data(serializer),
            user=self.request.user,
            expected_version=serializer.validated_data.get("version"),
        )
        self._respond_with(serializer, accident)

"""REST API of 双随机 draws: make one, read them, verify, publish, redraw with a reason.

There is no edit and no delete: a draw stays as drawn (inspections.draws)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.views import ScopedViewSetMixin
from inspections import draws
from inspections.api import draw_serializers as s
from inspections.enforcement_filters import RandomDrawFilter
from inspections.models import RandomDraw


class RandomDrawViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """双随机抽查: POST draws and records; `verify` recomputes it from its seed and snapshots."""

    queryset = RandomDraw.objects.select_related("org_unit").prefetch_related("redraws")
    serializer_class = s.RandomDrawSerializer
    filterset_class = RandomDrawFilter
    ordering_fields = ["created_at"]

    def scope_action(self):
        return {"redraw": "add", "publish": "change"}.get(self.action) or super().scope_action()

    def _read(self, pk, status_code=status.HTTP_200_OK):
        draw = self.queryset.model.objects.prefetch_related("redraws").select_related("org_unit")
        return Response(
            s.RandomDrawSerializer(draw.get(pk=pk), context=self.get_serializer_context()).data,
            status=status_code,
        )

    @extend_schema(request=s.RandomDrawCreateSerializer, responses={201: s.RandomDrawSerializer})
    def create(self, request, *args, **kwargs):
        body = s.RandomDrawCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        draw = draws.make_draw(body.validated_data, user=request.user)
        return self._read(draw.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.RedrawSerializer, responses={201: s.RandomDrawSerializer})
    @action(detail=True, methods=["post"])
    def redraw(self, request, pk=None):
        """重新抽取: a new recorded draw replacing this one, with a reason."""
        body = s.RedrawSerializer(data=request.data)
        draw = self.get_object()
        body.is_valid(raise_exception=True)
        new = draws.redraw(draw, body.validated_data["reason"], user=request.user)
        return self._read(new.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.RandomDrawSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """公示 the result to the unit and the drawn inspectors (notification)."""
        draw = draws.publish(self.get_object(), user=request.user)
        return self._read(draw.pk)

    @extend_schema(responses={200: s.VerifySerializer})
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        """Recompute the draw from its stored seed, pool and roster."""
        return Response(s.VerifySerializer(draws.verify(self.get_object())).data)

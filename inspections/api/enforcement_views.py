"""REST API of enforcement actions and special campaigns: thin viewsets over
inspections.enforcement. Out of scope is 404 on every route; actions are never deleted."""

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.views import ScopedViewSetMixin
from inspections import enforcement
from inspections.api import enforcement_serializers as s
from inspections.enforcement_filters import EnforcementActionFilter, SpecialCampaignFilter
from inspections.models import EnforcementAction, SpecialCampaign


class ServiceViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Lists, reads, creates and edits through a service, never deletes; `version` in the
    body guards an edit (409)."""

    create_service = None
    update_service = None

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = type(self).create_service(data, user=self.request.user)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        serializer.instance = type(self).update_service(
            serializer.instance, data, user=self.request.user, expected_version=version
        )


class EnforcementActionViewSet(ServiceViewSet):
    """执法措施: 责令限期整改, 责令停产停业 (解除), 罚款 (一案双罚), 立案, 移送, and their
    督办函 / 警示函 as PDF."""

    queryset = EnforcementAction.objects.select_related("enterprise", "org_unit", "issuing_unit")
    serializer_class = s.EnforcementActionSerializer
    filterset_class = EnforcementActionFilter
    ordering_fields = ["decided_on", "created_at"]
    create_service = staticmethod(enforcement.record_action)
    update_service = staticmethod(enforcement.update_action)

    def scope_action(self):
        # Lifting a suspension and generating its letter change the action.
        return "change" if self.action in ("lift", "document") else super().scope_action()

    @extend_schema(request=s.LiftSerializer, responses={200: s.EnforcementActionSerializer})
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        """解除停产停业."""
        record = self.get_object()
        body = s.LiftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = enforcement.lift_suspension(
            record,
            body.validated_data["lifted_on"],
            user=request.user,
            expected_version=body.validated_data.get("version"),
        )
        return Response(self._read(record.pk))

    @extend_schema(
        methods=["POST"],
        request=s.DocumentRequestSerializer,
        responses={201: s.EnforcementActionSerializer},
        description="生成督办函或警示函（PDF）。",
    )
    @action(detail=True, methods=["post"])
    def document(self, request, pk=None):
        record = self.get_object()
        body = s.DocumentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = enforcement.generate_document(
            record, body.validated_data["document_kind"], user=request.user
        )
        return Response(self._read(record.pk), status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): bytes}, description="下载文书PDF。")
    @action(detail=True, methods=["get"], url_path="document/pdf")
    def document_pdf(self, request, pk=None):
        record = self.get_object()
        if not record.document_file:
            raise Http404
        return FileResponse(
            record.document_file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=enforcement.document_filename(record),
        )

    def _read(self, pk):
        record = EnforcementAction.objects.select_related(
            "enterprise", "org_unit", "issuing_unit"
        ).get(pk=pk)
        return s.EnforcementActionSerializer(record, context=self.get_serializer_context()).data


class SpecialCampaignViewSet(ServiceViewSet):
    """专项行动 (e.g. 护航"双节"): its dates and participating units; its figures are at
    /api/v1/inspections/stats/?special_campaign=<id>."""

    queryset = SpecialCampaign.objects.select_related("org_unit").prefetch_related(
        "participating_units"
    )
    serializer_class = s.SpecialCampaignSerializer
    filterset_class = SpecialCampaignFilter
    ordering_fields = ["start_date", "created_at"]
    create_service = staticmethod(enforcement.create_campaign)
    update_service = staticmethod(enforcement.update_campaign)

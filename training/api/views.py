"""REST API of training, licences, drills and awareness events: thin viewsets over
training.services, each through core.api.views' scoping base (out of scope = 404).

Rows are edited, never deleted. Edits may carry the `version` read (409 when stale).
"""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.views import ScopedViewSetMixin
from orgs.constants import Action
from orgs.models import Enterprise, OrgUnit
from training import services
from training.api import serializers as s
from training.constants import KEY_GROUPS
from training.filters import (
    AwarenessEventFilter,
    CertificateFilter,
    DrillFilter,
    PersonFilter,
    TrainingSessionFilter,
)
from training.importers import export_coverage
from training.models import AwarenessEvent, Certificate, Drill, DrillPhoto, Person, TrainingSession
from training.stats import (
    by_urgency,
    coverage,
    drill_compliance,
    flagged_enterprises,
    training_stats,
    with_certificate_status,
    with_training_status,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scoped_unit(request, pk) -> OrgUnit:
    """The org unit `pk` if the user may see it; 404 as for a missing one otherwise."""
    unit = OrgUnit.objects.restrict(request.user, Action.VIEW).filter(pk=pk).first()
    if unit is None:
        raise NotFound(_("该单位不存在或不在您的管辖范围内。"))
    return unit


class RecordViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Lists, reads and creates through the app's services (`create_service`)."""

    create_service = None
    # Detail routes that change their object: restricted to the `change` scope.
    changing_actions = frozenset({"roster", "renew"})

    def scope_action(self) -> str:
        return Action.CHANGE if self.action in self.changing_actions else super().scope_action()

    def service_data(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return data

    def respond_with(self, serializer, obj) -> None:
        # Answer with the row as GET shows it, with its computed annotations.
        serializer.instance = self.get_queryset().get(pk=obj.pk)

    def perform_create(self, serializer):
        created = type(self).create_service(self.service_data(serializer), user=self.request.user)
        self.respond_with(serializer, created)


class ServiceViewSet(mixins.UpdateModelMixin, RecordViewSet):
    """…and edits through `update_service`, with the version read."""

    update_service = None

    def perform_update(self, serializer):
        updated = type(self).update_service(
            serializer.instance,
            self.service_data(serializer),
            user=self.request.user,
            expected_version=serializer.validated_data.get("version"),
        )
        self.respond_with(serializer, updated)


class TrainingSessionViewSet(ServiceViewSet):
    """培训班: sessions with their rosters (`roster` to import one)."""

    queryset = TrainingSession.objects.select_related("org_unit", "enterprise").prefetch_related(
        "industries"
    )
    serializer_class = s.TrainingSessionSerializer
    filterset_class = TrainingSessionFilter
    create_service = services.record_session
    update_service = services.update_session

    @extend_schema(
        request={"multipart/form-data": s.RosterImportSerializer},
        responses={200: s.RosterImportResultSerializer, 400: s.RosterImportResultSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser],
    )
    def roster(self, request, pk=None):
        """Import the attendee roster (.xlsx/.csv): all rows, or nothing and every error."""
        session = self.get_object()
        upload = s.RosterImportSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        result = services.import_roster(session, upload.validated_data["file"], user=request.user)
        body = {
            "created": result.created,
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in result.errors
            ],
        }
        return Response(body, status=status.HTTP_200_OK if result.ok else 400)


class PersonViewSet(ServiceViewSet):
    """培训人员, each with their hours status today (computed in the list's one query)."""

    queryset = Person.objects.select_related("org_unit", "enterprise")
    serializer_class = s.PersonSerializer
    filterset_class = PersonFilter
    create_service = services.register_person
    update_service = services.update_person

    def get_queryset(self):
        queryset = super().get_queryset()
        return with_training_status(queryset, timezone.localdate())

    def _coverage(self, request):
        query = s.CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        unit = scoped_unit(request, data["within"])
        people = Person.objects.restrict(request.user, Action.VIEW).within(unit)
        people = people.filter(category__in=data.get("category") or KEY_GROUPS)
        if data.get("industry"):
            people = people.filter(industry_id=data["industry"])
        window = {"window_start": data["window_start"], "window_end": data["window_end"]}
        return coverage(people, **window), window

    @extend_schema(parameters=[s.CoverageQuerySerializer], responses=s.CoverageResponseSerializer)
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        """全覆盖: the share of a region's target group trained in the window, and the list
        of those not yet covered (paginated)."""
        result, _window = self._coverage(request)
        queryset = result.not_covered.select_related("enterprise", "org_unit").order_by("pk")
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(s.PersonBriefSerializer(page, many=True).data)
        # Decimals as strings, as every DecimalField of the API renders them.
        response.data.update(total=result.total, covered=result.covered, share=str(result.share))
        return response

    @extend_schema(
        parameters=[s.CoverageQuerySerializer], responses={(200, XLSX): OpenApiTypes.BINARY}
    )
    @action(detail=False, methods=["get"], url_path="coverage-export")
    def coverage_export(self, request):
        """The coverage report as .xlsx (ID numbers masked)."""
        result, window = self._coverage(request)
        content = export_coverage(result, **window)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, _("培训覆盖情况.xlsx"))
        return response

    @extend_schema(request=None, responses=s.RevealSerializer)
    @action(detail=True, methods=["post"], url_path="reveal-id-number")
    def reveal_id_number(self, request, pk=None):
        """The full ID number: only with the `training.view_id_number` permission; logged."""
        person = self.get_object()
        number = services.reveal_id_number(person, user=request.user, request=request)
        return Response({"id_number": number})


class CertificateViewSet(RecordViewSet):
    """证书 (特种作业操作证 …) with review and expiry dates; `renew` records 复审 or 换证."""

    queryset = Certificate.objects.select_related("holder", "enterprise")
    serializer_class = s.CertificateSerializer
    filterset_class = CertificateFilter
    create_service = services.record_certificate

    def get_queryset(self):
        # Valid / due for review / expired today, for the list's colours.
        return with_certificate_status(super().get_queryset(), timezone.localdate())

    @extend_schema(request=s.RenewCertificateSerializer, responses=s.CertificateSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        certificate = self.get_object()
        body = s.RenewCertificateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        renewed = services.renew_certificate(
            certificate, data, user=request.user, expected_version=version
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=renewed.pk)).data)

    @extend_schema(responses=s.FlaggedEnterpriseSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="flagged-enterprises")
    def flagged_enterprises(self, request):
        """Enterprises whose people hold expired certificates today (visible to the user),
        the most first: they must stop those people's licensed work."""
        rows = flagged_enterprises(
            Certificate.objects.restrict(request.user, Action.VIEW), timezone.localdate()
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.FlaggedEnterpriseSerializer(page, many=True).data)

    @extend_schema(request=None, responses=s.RevealCertificateNumberSerializer)
    @action(detail=True, methods=["post"], url_path="reveal-number")
    def reveal_number(self, request, pk=None):
        """The full number of a certificate numbered by its holder's ID number: only with
        the `training.view_id_number` permission; logged."""
        certificate = self.get_object()
        number = services.reveal_certificate_number(certificate, user=request.user, request=request)
        return Response({"number": number})


class DrillViewSet(ServiceViewSet):
    """应急演练 with photos (multipart `files`)."""

    queryset = Drill.objects.select_related("org_unit", "enterprise").prefetch_related(
        Prefetch("photos", queryset=DrillPhoto.objects.order_by("uploaded_at", "id"))
    )
    serializer_class = s.DrillSerializer
    filterset_class = DrillFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[s.ComplianceQuerySerializer], responses=s.DrillComplianceSerializer(many=True)
    )
    @action(detail=False, methods=["get"])
    def compliance(self, request):
        """Units in scope with their drill status today: overdue first, then due soon."""
        query = s.ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        enterprises = Enterprise.objects.restrict(request.user, Action.VIEW)
        if data.get("within"):
            unit = (
                OrgUnit.objects.restrict(request.user, Action.VIEW)
                .filter(pk=data["within"])
                .first()
            )
            if unit is None:
                raise NotFound(_("该单位不存在或不在您的管辖范围内。"))
            enterprises = enterprises.within(unit)
        rows = drill_compliance(enterprises, timezone.localdate()).select_related(
            "org_unit", "industry"
        )
        if data.get("status"):
            rows = rows.filter(drill_status=data["status"])
        rows = by_urgency(rows)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.DrillComplianceSerializer(page, many=True).data)

    def perform_create(self, serializer):
        data = self.service_data(serializer)
        files = data.pop("files", ())
        self.respond_with(
            serializer, services.record_drill(data, user=self.request.user, files=files)
        )

    def perform_update(self, serializer):
        data = self.service_data(serializer)
        files = data.pop("files", ())
        updated = services.update_drill(
            serializer.instance,
            data,
            user=self.request.user,
            expected_version=serializer.validated_data.get("version"),
            files=files,
        )
        self.respond_with(serializer, updated)


class AwarenessEventViewSet(RecordViewSet):
    """安全生产月、消防宣传月、安全宣传咨询日 and other awareness events."""

    queryset = AwarenessEvent.objects.select_related("org_unit", "enterprise")
    serializer_class = s.AwarenessEventSerializer
    filterset_class = AwarenessEventFilter
    create_service = services.record_awareness_event


class TrainingStatsViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Figures for an org unit and period: /training/stats/."""

    queryset = OrgUnit.objects.all()
    serializer_class = s.TrainingStatsSerializer

    @extend_schema(parameters=[s.TrainingStatsQuerySerializer], responses=s.TrainingStatsSerializer)
    def list(self, request):
        query = s.TrainingStatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        unit = self.get_queryset().filter(pk=data["within"]).first()
        if unit is None:
            raise NotFound(_("该单位不存在或不在您的管辖范围内。"))
        figures = training_stats(unit, data["period_start"], data["period_end"], user=request.user)
        return Response(s.TrainingStatsSerializer(figures).data)

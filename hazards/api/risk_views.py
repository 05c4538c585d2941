"""REST API of 风险分级管控: risk points and the four-colour map.

Thin over hazards.risk_services and hazards.risk_map. A risk out of scope is 404 on every
route; edits carry a version (`If-Match` → 412 when stale, or a `version` field → 409).
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import ScopedViewSetMixin
from core.exceptions import StaleVersionError
from hazards import risk_services
from hazards.api.risk_serializers import RetireSerializer, RiskMapSerializer, RiskSerializer
from hazards.api.views import (
    VERSION_PARAMETER,
    PreconditionFailed,
    PreconditionRequired,
    parse_if_match,
)
from hazards.models import Risk
from hazards.risk_constants import RiskAction
from hazards.risk_filters import RiskFilter
from hazards.risk_map import risk_map
from hazards.stats import default_stats_unit
from orgs.models import OrgUnit


def _version(request, body_version):
    """The version the client read: If-Match first (412 when stale), else the body's (409)."""
    header = parse_if_match(request)
    if header is None and body_version is None:
        raise PreconditionRequired
    return header if header is not None else body_version, header is not None


def _run(call, from_header):
    try:
        return call()
    except StaleVersionError as exc:
        if from_header:
            raise PreconditionFailed(exc.messages[0]) from exc
        raise


def _etag_response(risk, data):
    response = Response(data)
    response["ETag"] = f'"{risk.version}"'
    return response


class RiskViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """安全风险（风险点）. Risks are never deleted: `retire` them (撤销)."""

    queryset = Risk.objects.select_related("enterprise", "org_unit", "industry")
    serializer_class = RiskSerializer
    filterset_class = RiskFilter
    ordering_fields = ["score", "review_date", "identified_date", "updated_at"]

    def filter_queryset(self, queryset):
        # A detail route finds its risk whatever the list's filters say (a retired one too).
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def retrieve(self, request, *args, **kwargs):
        risk = self.get_object()
        return _etag_response(risk, self.get_serializer(risk).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = risk_services.create_risk(data, user=self.request.user)

    @extend_schema(parameters=[VERSION_PARAMETER])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        risk = self.get_object()
        serializer = self.get_serializer(risk, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        for fixed in ("enterprise", "org_unit"):
            if fixed in data and data.pop(fixed) != getattr(risk, fixed):
                raise ValidationError({fixed: _("风险的所属单位和地区创建后不能修改。")})
        version, from_header = _version(request, body_version)
        risk = _run(
            lambda: risk_services.update_risk(
                risk, data, user=request.user, expected_version=version
            ),
            from_header,
        )
        return _etag_response(risk, self.get_serializer(self._fresh(risk)).data)

    @extend_schema(parameters=[VERSION_PARAMETER])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def _fresh(self, risk):
        return self.get_queryset().get(pk=risk.pk)

    @extend_schema(
        request=RetireSerializer, responses={200: RiskSerializer}, description="撤销风险点。"
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        risk = self.get_object()
        serializer = RetireSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version, from_header = _version(request, serializer.validated_data.get("version"))
        risk = _run(
            lambda: risk_services.retire_risk(
                risk,
                user=request.user,
                reason=serializer.validated_data["reason"],
                expected_version=version,
            ),
            from_header,
        )
        return _etag_response(
            risk, RiskSerializer(self._fresh(risk), context=self.get_serializer_context()).data
        )


class RiskMapView(APIView):
    """安全风险四色分布图 of an org unit in scope: per child region the active risks by level
    and the highest level, the region × industry matrix, and a township's enterprises."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unit",
                OpenApiTypes.INT,
                description=_("组织机构id（默认：您的最高一级单位）"),
            )
        ],
        responses={200: RiskMapSerializer},
    )
    def get(self, request):
        user = request.user
        unit_id = request.query_params.get("unit")
        if unit_id:
            unit = (
                OrgUnit.objects.restrict(user, RiskAction.VIEW)
                .filter(pk=unit_id if unit_id.isdigit() else None)
                .first()
            )
            if unit is None:
                raise NotFound(_("未找到该组织机构。"))
        else:
            unit = default_stats_unit(user)
        data = risk_map(Risk.objects.restrict(user, RiskAction.VIEW), unit=unit)
        return Response(RiskMapSerializer(data).data)

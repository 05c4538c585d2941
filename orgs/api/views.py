from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import ScopedModelViewSet, ScopedReadOnlyViewSet
from core.audit import record_event
from core.models import AuditEvent
from core.security import lockout_response
from orgs import services
from orgs.api.serializers import (
    EnterpriseSerializer,
    IndustrySerializer,
    MeSerializer,
    OrgUnitSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from orgs.filters import EnterpriseFilter, OrgUnitFilter
from orgs.models import Enterprise, Industry, OrgUnit
from orgs.scoping import scope_for


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """行业领域: reference data, the same for every user."""

    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    search_fields = ["name", "code"]


class OrgUnitViewSet(ScopedReadOnlyViewSet):
    """组织机构 within the user's scope. `?within=<id>` selects a subtree."""

    queryset = OrgUnit.objects.prefetch_related("industries")
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    search_fields = ["name", "division_code"]
    ordering_fields = ["path", "name", "division_code"]


class EnterpriseViewSet(ScopedModelViewSet):
    """生产经营单位 within the user's scope (territorial, sectoral or own enterprise).

    DELETE 注销 the unit (is_active=false): its records stay in the ledgers.
    """

    queryset = Enterprise.objects.select_related("org_unit", "industry")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    search_fields = ["name", "credit_code", "principal_name"]
    ordering_fields = ["name", "credit_code", "org_path", "updated_at"]

    def perform_create(self, serializer):
        serializer.instance = services.save_enterprise(
            serializer.validated_data, user=self.request.user
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.save_enterprise(
            data,
            user=self.request.user,
            instance=serializer.instance,
            expected_version=data.pop("version", None),
        )

    def perform_destroy(self, instance):
        services.save_enterprise({"is_active": False}, user=self.request.user, instance=instance)


class MeView(generics.RetrieveAPIView):
    """The user, their memberships and what their scope covers."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user

    def get_serializer_context(self):
        context = super().get_serializer_context()
        grants = scope_for(self.request.user).grants
        paths = {g.subtree_path for g in grants if g.subtree_path} | {
            g.sectoral_path for g in grants if g.sectoral_path
        }
        names = dict(OrgUnit.objects.filter(path__in=paths).values_list("path", "name"))
        context["scope_summary"] = [
            {
                "role": g.role,
                "subtree": names.get(g.subtree_path),
                "sectoral_region": names.get(g.sectoral_path),
                "industries": sorted(g.industry_ids),
                "enterprise": g.enterprise_id,
            }
            for g in grants
        ]
        return context

    def get_queryset(self):  # pragma: no cover - get_object is overridden
        return None


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token …`).

    Failed attempts count towards the same lockout as the login page.
    """

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        if user is None or not user.is_active:
            return Response(
                {"detail": "用户名或密码错误。", "code": "invalid_credentials"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        with transaction.atomic():
            token, _created = Token.objects.get_or_create(user=user)
            record_event(
                AuditEvent.Kind.TOKEN_ISSUED,
                actor=user,
                request=django_request,
                org_path=services.primary_org_path(user),
            )
        return Response({"token": token.key})

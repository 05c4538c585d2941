"""REST API of supervision: groups, checklist templates and inspections — thin viewsets over
inspections.services, each through core.api.views' scoping base (out of scope = 404).

Rows are never deleted: a group's term is ended, an inspection stays as submitted. Edits may
carry the `version` read (409 when stale).
"""

from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api.views import ScopedViewSetMixin
from inspections import services
from inspections.api import serializers as s
from inspections.filters import ChecklistTemplateFilter, InspectionFilter, SupervisionGroupFilter
from inspections.models import (
    ChecklistPhoto,
    ChecklistResult,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Inspection,
    SupervisionAssignment,
    SupervisionGroup,
    SupervisionGroupMember,
)
from orgs.constants import Action


class ChecklistTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """检查表: reference data (as the 判定标准), the same for every user; edited in the admin."""

    queryset = ChecklistTemplate.objects.select_related("industry").prefetch_related(
        Prefetch("items", queryset=ChecklistTemplateItem.objects.select_related("criterion"))
    )
    serializer_class = s.ChecklistTemplateSerializer
    filterset_class = ChecklistTemplateFilter


class SupervisionGroupViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """挂点联系督导组: members, assigned counties and lead departments, term.

    Assigning a unit (`assign`) grants the members 督导 scope over it; `end-term` revokes
    every assignment and with it that scope.
    """

    queryset = SupervisionGroup.objects.select_related("org_unit").prefetch_related(
        Prefetch("memberships", queryset=SupervisionGroupMember.objects.select_related("user")),
        Prefetch(
            "assignments",
            queryset=SupervisionAssignment.objects.select_related("org_unit").filter(
                revoked_at__isnull=True
            ),
        ),
    )
    serializer_class = s.SupervisionGroupSerializer
    filterset_class = SupervisionGroupFilter
    changing_actions = frozenset({"assign", "add_member", "remove_member", "revoke", "end_term"})

    def scope_action(self) -> str:
        if self.action in self.changing_actions:
            return Action.CHANGE
        return super().scope_action()

    def _respond(self, group, code=status.HTTP_200_OK):
        # The group was found in scope (or created and checked) by the service.
        instance = self.queryset.get(pk=group.pk)
        return Response(s.SupervisionGroupSerializer(instance).data, status=code)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data["members"] = [
            (m["user"], m.get("role") or SupervisionGroupMember.Role.MEMBER, m.get("position", ""))
            for m in data.pop("memberships", ())
        ]
        data["assignments"] = [(a["org_unit"], a["kind"]) for a in data.pop("assignments", ())]
        serializer.instance = services.create_group(data, user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._respond(serializer.instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        group = self.get_object()
        serializer = self.get_serializer(
            group, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        data.pop("org_unit", None)
        group = services.update_group(group, data, user=request.user, expected_version=version)
        return self._respond(group)

    @extend_schema(request=s.AssignUnitSerializer, responses={200: s.SupervisionGroupSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """挂点: the group's members gain 督导 scope over the unit's subtree."""
        group = self.get_object()
        serializer = s.AssignUnitSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.assign_unit(group, data["org_unit"], kind=data["kind"], user=request.user)
        return self._respond(group)

    @extend_schema(
        request=s.AddSupervisionMemberSerializer, responses={200: s.SupervisionGroupSerializer}
    )
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        group = self.get_object()
        serializer = s.AddSupervisionMemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.add_member(
            group,
            data["user"],
            role=data.get("role") or SupervisionGroupMember.Role.MEMBER,
            position=data.get("position", ""),
            user=request.user,
        )
        return self._respond(group)

    @extend_schema(
        request=s.GroupMemberRefSerializer, responses={200: s.SupervisionGroupSerializer}
    )
    @action(detail=True, methods=["post"], url_path="remove-member")
    def remove_member(self, request, pk=None):
        """The member leaves the group and loses the scope its assignments gave."""
        group = self.get_object()
        serializer = s.GroupMemberRefSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.remove_member(group, serializer.validated_data["user"], user=request.user)
        return self._respond(group)

    @extend_schema(request=s.GroupUnitRefSerializer, responses={200: s.SupervisionGroupSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """撤销挂点: the members lose 督导 scope over the unit."""
        group = self.get_object()
        serializer = s.GroupUnitRefSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.revoke_assignment(group, serializer.validated_data["org_unit"], user=request.user)
        return self._respond(group)

    @extend_schema(request=None, responses={200: s.SupervisionGroupSerializer})
    @action(detail=True, methods=["post"], url_path="end-term")
    def end_term(self, request, pk=None):
        """任期结束: every assignment revoked, and with it the members' scope."""
        group = services.end_term(self.get_object(), user=request.user)
        return self._respond(group)


class InspectionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """检查: a visit with its targets and checklist.

    POST records it in one step with its results; each 不合格 item at an enterprise becomes a
    ledger hazard. Send a `submission_key` (a UUID made by the client): posting the same key
    again answers with the inspection it created and writes nothing.
    """

    queryset = (
        Inspection.objects.select_related("org_unit", "inspecting_unit")
        .prefetch_related("targets__enterprise", "targets__org_unit", "team")
        .annotate(findings=Count("results", filter=Q(results__hazard__isnull=False)))
        # A grouped query drops the model's default ordering.
        .order_by("-inspection_date", "-id")
    )
    filterset_class = InspectionFilter
    ordering_fields = ["inspection_date", "submitted_at"]
    # `submit` and `photos` change the inspection.
    extra_scope_action = Action.CHANGE

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.InspectionDetailSerializer
        if self.action in ("update", "partial_update"):
            return s.InspectionUpdateSerializer
        return s.InspectionSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        return self.with_checklist(queryset) if self.action == "retrieve" else queryset

    @staticmethod
    def with_checklist(queryset):
        return queryset.prefetch_related(
            Prefetch(
                "results",
                queryset=ChecklistResult.objects.select_related("item", "hazard").prefetch_related(
                    Prefetch("photos", queryset=ChecklistPhoto.objects.only("id", "result_id"))
                ),
            )
        )

    def _respond(self, inspection, code=status.HTTP_200_OK):
        # Found in scope (or recorded and checked) by the service.
        instance = self.with_checklist(self.queryset).get(pk=inspection.pk)
        serializer = s.InspectionDetailSerializer(instance, context=self.get_serializer_context())
        return Response(serializer.data, status=code)

    @extend_schema(request=s.InspectionSerializer, responses={201: s.InspectionDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        submit = data.pop("submit", True)
        data["results"] = [services.ResultInput(**entry) for entry in data.pop("results", ())]
        inspection = services.record_inspection(data, user=request.user, submit=submit)
        return self._respond(inspection, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.InspectionUpdateSerializer, responses={200: s.InspectionDetailSerializer}
    )
    def update(self, request, *args, **kwargs):
        inspection = self.get_object()
        serializer = self.get_serializer(
            inspection, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        inspection = services.update_inspection(
            inspection, data, user=request.user, expected_version=version
        )
        return self._respond(inspection)

    @extend_schema(
        request=s.InspectionUpdateSerializer, responses={200: s.InspectionDetailSerializer}
    )
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(
        request=s.InspectionVersionSerializer, responses={200: s.InspectionDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft: every item answered; its findings go into the ledger."""
        serializer = s.InspectionVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inspection = services.submit_inspection(
            self.get_object(),
            user=request.user,
            expected_version=serializer.validated_data.get("version"),
        )
        return self._respond(inspection)

    @extend_schema(
        request={"multipart/form-data": s.ChecklistPhotoUploadSerializer},
        responses={201: s.InspectionDetailSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        """Photos of one checklist item of a draft, before it is submitted."""
        inspection = self.get_object()
        serializer = s.ChecklistPhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.add_photos(
            inspection,
            serializer.validated_data["result"],
            serializer.validated_data["files"],
            user=request.user,
        )
        return self._respond(inspection, status.HTTP_201_CREATED)

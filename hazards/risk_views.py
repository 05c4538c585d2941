"""HTML pages of 风险分级管控: the risk list, form and page, the four-colour map, an
enterprise's 一图一牌三清单 PDF, and the public listing of major risks and 挂牌 hazards.

Every page over risks or enterprises is a core.views.ScopedViewMixin (out of scope is 404);
the public listing needs no login and shows only what is marked public.
"""

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)
from django.views.generic.detail import SingleObjectMixin

from core import history
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin
from hazards import risk_services
from hazards.models import Hazard, Risk
from hazards.risk_board import render_board
from hazards.risk_constants import RISK_LEVEL_COLOURS, RISK_LEVEL_ORDER, RiskAction, RiskLevel
from hazards.risk_filters import RiskFilter
from hazards.risk_forms import RiskCreateForm, RiskRetireForm, RiskUpdateForm
from hazards.risk_map import risk_map
from hazards.stats import default_stats_unit
from orgs.constants import Kind
from orgs.forms import label_blank_filter_choices
from orgs.models import Enterprise, OrgUnit
from orgs.views import ScopeRequiredMixin, scope_allows

# Fields of a risk's history that only follow from others (location copies, counters).
HISTORY_EXCLUDED = ("org_path", "province", "city", "county", "township", "version", "updated_at")


def level_legend():
    """[(value, label, colour name, hex)] from red to blue, for legends and tabs."""
    labels = dict(RiskLevel.choices)
    return [(str(level), labels[level], *RISK_LEVEL_COLOURS[level]) for level in RISK_LEVEL_ORDER]


class RiskMixin(ScopedViewMixin):
    model = Risk

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "org_unit", "industry")

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_add_risk=scope_allows(user, Risk, RiskAction.ADD),
            legend=level_legend(),
            **kwargs,
        )


class RiskListView(RiskMixin, ListView):
    """风险清单: the risks in scope, filtered, with their counts per level."""

    template_name = "hazards/risk_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.scoped = super().get_queryset()
        self.filterset = RiskFilter(self.request.GET, queryset=self.scoped, request=self.request)
        if not self.filterset.is_valid():
            return self.scoped.none()
        return self.filterset.qs.order_by("org_path", "-score", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = label_blank_filter_choices(self.filterset.form)
        valid = not form.errors
        counts = {}
        if valid:
            data = self.request.GET.copy()
            data.pop("level", None)
            others = RiskFilter(data, queryset=self.scoped, request=self.request).qs
            counts = dict(others.order_by().values_list("level").annotate(n=Count("pk")))
        context.update(
            filter_form=form,
            level_tabs=[
                (value, label, colour, hex_, counts.get(value, 0))
                for value, label, colour, hex_ in context["legend"]
            ],
            today=timezone.localdate(),
            enterprise_filter=form.cleaned_data.get("enterprise") if valid else None,
        )
        return context


class RiskDetailView(RiskMixin, DetailView):
    """One risk: its grading, measures, responsibility, and its history (level changes)."""

    template_name = "hazards/risk_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk, user = self.object, self.request.user
        records = history.with_previous(
            risk.history.select_related("history_user").order_by("-history_id")[:100]
        )
        allowed = {
            action
            for action in (RiskAction.CHANGE, RiskAction.RETIRE)
            if risk.status == Risk.Status.ACTIVE
            and Risk.objects.restrict(user, action).filter(pk=risk.pk).exists()
        }
        context.update(
            history=history.describe(records, excluded_fields=HISTORY_EXCLUDED),
            allowed=allowed,
            retire_form=RiskRetireForm(initial={"expected_version": risk.version}),
            colour=RISK_LEVEL_COLOURS[risk.level],
            today=timezone.localdate(),
        )
        return context


class RiskCreateView(ScopeRequiredMixin, UserFormMixin, ServiceFormMixin, RiskMixin, CreateView):
    """登记风险点: an enterprise's risk, or an area's."""

    scope_action = RiskAction.ADD
    form_class = RiskCreateForm
    template_name = "hazards/risk_form.html"

    def get_initial(self):
        enterprise = self.request.GET.get("enterprise", "")
        return {"enterprise": enterprise} if enterprise.isdigit() else {}

    def run(self, form):
        return risk_services.create_risk(form.service_data(), user=self.request.user)

    def get_success_message(self):
        return _("已登记风险点，评定为%(level)s。") % {"level": self.object.get_level_display()}


class RiskUpdateView(UserFormMixin, ServiceFormMixin, RiskMixin, UpdateView):
    """Edit and re-grade; a stale version is a conflict, never an overwrite."""

    scope_action = RiskAction.CHANGE
    form_class = RiskUpdateForm
    template_name = "hazards/risk_form.html"

    def run(self, form):
        return risk_services.update_risk(
            self.object,
            form.service_data(),
            user=self.request.user,
            expected_version=form.cleaned_data["expected_version"],
        )

    def get_success_message(self):
        return _("已保存，当前为%(level)s。") % {"level": self.object.get_level_display()}


class RiskRetireView(ServiceFormMixin, RiskMixin, SingleObjectMixin, FormView):
    """撤销 a risk that no longer exists."""

    scope_action = RiskAction.RETIRE
    form_class = RiskRetireForm
    template_name = "hazards/risk_retire.html"
    success_message = _lazy("已撤销该风险点。")

    def get_initial(self):
        return {"expected_version": self.object.version}

    def run(self, form):
        return risk_services.retire_risk(
            self.object,
            user=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["expected_version"],
        )


class RiskMapView(ScopedViewMixin, TemplateView):
    """安全风险四色分布图: the chosen unit's child regions placed by their coordinates and
    coloured by their highest level, with the table and region × industry matrix that are its
    accessible and printable form; a click drills down, a township lists its enterprises."""

    model = Risk
    template_name = "hazards/risk_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        unit_id = self.request.GET.get("unit", "")
        if unit_id:
            unit = get_object_or_404(
                OrgUnit.objects.restrict(user, RiskAction.VIEW),
                pk=unit_id if unit_id.isdigit() else None,
            )
        else:
            unit = default_stats_unit(user)
        data = risk_map(self.get_queryset(), unit=unit)
        regions = data["regions"]
        industries = data["industries"]
        cells = {(c["region_id"], c["industry_id"]): c for c in data["matrix"]}
        context.update(
            unit=unit,
            ancestors=OrgUnit.objects.ancestors_of(unit).restrict(user, RiskAction.VIEW)
            if unit
            else [],
            data=data,
            legend=level_legend(),
            matrix_rows=[
                {
                    "region": region,
                    "cells": [cells.get((region["id"], industry["id"])) for industry in industries],
                }
                for region in regions
            ],
            # Regions without coordinates are in the table only.
            chart_data={
                "colours": {value: hex_ for value, _label, _name, hex_ in level_legend()},
                "labels": dict(RiskLevel.choices),
                "points": [
                    {
                        "id": region["id"],
                        "name": region["name"],
                        "value": [region["longitude"], region["latitude"], region["total"]],
                        "highest": region["highest"],
                        "counts": region["counts"],
                        "drill": region["id"] != (unit.pk if unit else None),
                    }
                    for region in regions
                    if region["longitude"] is not None and region["latitude"] is not None
                ],
            },
        )
        return context


class RiskBoardView(ScopedViewMixin, SingleObjectMixin, View):
    """一图一牌三清单 of an enterprise in scope, as an A4 PDF."""

    model = Enterprise

    def get(self, request, pk):
        enterprise = self.object
        risks = (
            Risk.objects.restrict(request.user, RiskAction.VIEW)
            .filter(enterprise=enterprise, status=Risk.Status.ACTIVE)
            .select_related("industry")
        )
        response = HttpResponse(render_board(enterprise, risks), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            False, f"{enterprise.name}-一图一牌三清单.pdf"
        )
        return response


# --- Public listing (no login) ---------------------------------------------------------------

# Rows of each table on the public page; a larger area is narrowed by choosing a region.
PUBLIC_LIMIT = 200


class PublicRiskListView(TemplateView):
    """重大安全风险及挂牌督办重大事故隐患公示: per region, the major (red) risks marked
    public, with only their public fields, and the open 挂牌督办 major hazards."""

    template_name = "hazards/public_risks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        regions = OrgUnit.objects.filter(kind=Kind.REGION, is_active=True)
        region_id = self.request.GET.get("region", "")
        region = None
        if region_id:
            region = get_object_or_404(regions, pk=region_id if region_id.isdigit() else None)
        children = regions.filter(
            depth=region.depth + 1 if region else 1,
            **({"path__startswith": region.path} if region else {}),
        ).order_by("path")
        context.update(
            region=region,
            ancestors=OrgUnit.objects.ancestors_of(region).filter(kind=Kind.REGION)
            if region
            else [],
            children=list(children.values("pk", "name")),
        )
        if region is None:
            return context
        risks = (
            Risk.objects.filter(
                status=Risk.Status.ACTIVE,
                level=RiskLevel.MAJOR,
                is_public=True,
                org_path__startswith=region.path,
            )
            .select_related("enterprise", "org_unit", "industry")
            .order_by("org_path", "-score", "id")
        )
        hazards = (
            Hazard.objects.filter(
                is_void=False,
                grade=Hazard.Grade.MAJOR,
                listed_supervision=True,
                org_path__startswith=region.path,
            )
            .exclude(status=Hazard.Status.CLOSED)
            .select_related("enterprise", "org_unit", "listed_unit")
            .order_by("-listed_date", "-id")
        )
        context.update(
            risks=[PublicRisk(risk) for risk in risks[:PUBLIC_LIMIT]],
            hazards=list(hazards[:PUBLIC_LIMIT]),
            limit=PUBLIC_LIMIT,
            published_on=timezone.localdate(),
        )
        return context


class PublicRisk:
    """What the public page may show of a risk: the fields its owner marked public."""

    def __init__(self, risk: Risk):
        shown = set(risk.public_fields)
        self.name = risk.name
        self.enterprise = risk.enterprise.name if risk.enterprise_id else ""
        self.region = risk.org_unit.name
        self.industry = risk.industry.name
        self.level = risk.get_level_display()
        self.summary = risk.public_summary
        self.place = risk.place if "place" in shown else ""
        self.accident_types = (
            "、".join(risk.accident_type_labels) if "accident_types" in shown else ""
        )
        self.control_measures = risk.control_measures if "control_measures" in shown else ""
        self.emergency_actions = risk.emergency_actions if "emergency_actions" in shown else ""
        self.responsible = (
            " ".join(filter(None, [risk.responsible_unit, risk.responsible_person]))
            if "responsible" in shown
            else ""
        )

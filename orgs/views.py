"""HTML pages of the governance hierarchy, and the site pages that read it.

The dashboard, the membership switcher, password change and the audit pages are site-wide
(un-namespaced URL names, routed in config/urls.py) but live here because they read the org
tree, and core imports no app.

Every page over OrgUnit, Enterprise, Membership (and the users they give roles to) is a
core.views.ScopedViewMixin: its queryset is the user's scope, so out of scope is 404.
"""

from collections import defaultdict
from os.path import commonprefix
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Count, Prefetch, Q, Value
from django.db.models.functions import Substr
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
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
from core.audit import record_event
from core.forms import AuditEventFilterForm, add_validation_error
from core.models import AuditEvent
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin
from orgs import services
from orgs.constants import Action, Role
from orgs.filters import EnterpriseFilter
from orgs.forms import (
    AuditHistoryFilterForm,
    EnterpriseForm,
    EnterpriseImportForm,
    MembershipForm,
    UserCreateForm,
    label_blank_filter_choices,
)
from orgs.importers import EnterpriseImporter, export_enterprises
from orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from orgs.models import Enterprise, Membership, OrgUnit
from orgs.scoping import audit_q, scope_for

User = get_user_model()

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scope_allows(user, model, action) -> bool:
    """Whether the user holds any grant for `action` on `model`: may create, import, manage."""
    return user.is_superuser or scope_for(user).q_for(model, action) is not None


class ScopeRequiredMixin:
    """403 on a page that shows no single object (create, import, user management) unless the
    user holds some grant for the action; object pages answer 404 through their queryset."""

    scope_required_model = None

    def dispatch(self, request, *args, **kwargs):
        model = self.scope_required_model or self.model
        if request.user.is_authenticated and not scope_allows(
            request.user, model, self.scope_action
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def add_enterprise_counts(user, nodes) -> None:
    """Set `enterprise_count` on each node: active enterprises in scope within its subtree.

    One grouped query per distinct path length (the nodes of one list are normally all of
    one depth): enterprises are grouped by the prefix of their org_path as long as the nodes'
    paths, which is the node whose subtree they lie in.
    """
    by_length = defaultdict(dict)
    for node in nodes:
        by_length[len(node.path)][node.path] = node.pk
    enterprises = Enterprise.objects.restrict(user, Action.VIEW).filter(is_active=True)
    counts = {}
    for length, node_ids in by_length.items():
        rows = (
            # The paths' common prefix (character-wise, as materialised paths are) keeps the
            # scan on the org_path index.
            enterprises.filter(org_path__startswith=commonprefix(list(node_ids)))  # noqa: RUF071
            .annotate(prefix=Substr("org_path", 1, length))
            .filter(prefix__in=list(node_ids))
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            counts[node_ids[row["prefix"]]] = row["n"]
    for node in nodes:
        node.enterprise_count = counts.get(node.pk, 0)


# --- Site pages ----------------------------------------------------------------------------


class SwitchMembershipView(LoginRequiredMixin, View):
    """POST: narrow the session to one of the user's own memberships, or back to all."""

    def post(self, request):
        choice = request.POST.get("membership", "")
        if choice == "all":
            request.session.pop(ACTIVE_MEMBERSHIP_SESSION_KEY, None)
            messages.success(request, _("已切换为全部角色。"))
            return redirect("dashboard")
        membership = (
            Membership.objects.filter(user=request.user, pk=int(choice))
            .select_related("org_unit")
            .first()
            if choice.isdigit()
            else None
        )
        if membership is None:
            messages.error(request, _("无法切换到该角色。"))
        else:
            request.session[ACTIVE_MEMBERSHIP_SESSION_KEY] = membership.pk
            messages.success(request, _("已切换到：%(m)s") % {"m": membership})
        # The page the user came from may show what the new scope hides: start from the top.
        return redirect("dashboard")


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        record_event(
            AuditEvent.Kind.PASSWORD_CHANGED,
            actor=self.request.user,
            request=self.request,
            org_path=services.primary_org_path(self.request.user),
        )
        return response


# --- Org tree ------------------------------------------------------------------------------


class OrgUnitListView(ScopedViewMixin, ListView):
    """The top nodes of the user's scope, or the nodes matching a search."""

    model = OrgUnit
    template_name = "orgs/orgunit_list.html"
    paginate_by = 50

    def get_queryset(self):
        scoped = super().get_queryset()
        self.query = self.request.GET.get("q", "").strip()
        if self.query:
            matches = scoped.filter(
                Q(name__icontains=self.query) | Q(division_code__startswith=self.query)
            )
            return matches.select_related("city", "county", "township")
        # Top nodes: in scope, with a parent that is not (one query, no walk up the tree).
        return scoped.exclude(parent__in=scoped).select_related("city", "county", "township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        add_enterprise_counts(self.request.user, context["object_list"])
        return context


class OrgUnitDetailView(ScopedViewMixin, DetailView):
    model = OrgUnit
    template_name = "orgs/orgunit_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("jurisdiction").prefetch_related("industries")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, node = self.request.user, self.object
        children = list(OrgUnit.objects.restrict(user, Action.VIEW).filter(parent=node))
        context["ancestors"] = OrgUnit.objects.ancestors_of(node).restrict(user, Action.VIEW)
        context["children"] = children
        add_enterprise_counts(user, [node, *children])
        return context


# --- Enterprises ---------------------------------------------------------------------------


class EnterpriseFilterMixin(ScopedViewMixin):
    """The enterprise register in scope, narrowed by orgs.filters.EnterpriseFilter."""

    model = Enterprise

    def get_queryset(self):
        queryset = super().get_queryset().select_related("org_unit", "industry")
        self.filterset = EnterpriseFilter(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            # Show the form's errors over an empty list rather than ignore a bad filter.
            return queryset.none()
        return self.filterset.qs


MORE_FILTERS = ("within", "org_unit", "industry", "kind", "high_risk", "is_active")


class EnterpriseListView(EnterpriseFilterMixin, ListView):
    template_name = "orgs/enterprise_list.html"
    paginate_by = 50

    def get_template_names(self):
        # htmx re-renders only the results while the user types in the filter form.
        if self.request.headers.get("HX-Target") == "enterprise-results":
            return ["orgs/_enterprise_results.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = label_blank_filter_choices(self.filterset.form)
        context["filter_form"] = form
        # On phones the filters other than the search box fold away, unless one is in use.
        context["more_filters_open"] = bool(form.errors) or any(
            form.data.get(name) not in (None, "", "unknown") for name in MORE_FILTERS
        )
        context["can_add"] = scope_allows(self.request.user, Enterprise, Action.ADD)
        return context


class EnterpriseExportView(EnterpriseFilterMixin, View):
    """The filtered register as .xlsx."""

    def get(self, request):
        return xlsx_response(export_enterprises(self.get_queryset()), _("生产经营单位.xlsx"))


# Copies of the location and bookkeeping columns: not changes anyone made.
ENTERPRISE_DERIVED = ("org_path", "province", "city", "county", "township", "version", "updated_at")


class EnterpriseDetailView(ScopedViewMixin, DetailView):
    model = Enterprise
    template_name = "orgs/enterprise_detail.html"
    history_limit = 50

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit", "industry")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = history.with_previous(
            self.object.history.select_related("history_user").order_by("-history_id")
        )[: self.history_limit]
        context["history"] = history.describe(records, excluded_fields=ENTERPRISE_DERIVED)
        context["history_limit"] = self.history_limit
        context["can_change"] = (
            Enterprise.objects.restrict(self.request.user, Action.CHANGE)
            .filter(pk=self.object.pk)
            .exists()
        )
        return context


class EnterpriseFormMixin(UserFormMixin, ServiceFormMixin):
    """Create and edit go through orgs.services.save_enterprise; its errors land on the form."""

    model = Enterprise
    form_class = EnterpriseForm
    template_name = "orgs/enterprise_form.html"

    def run(self, form):
        return services.save_enterprise(
            form.service_data(),
            user=self.request.user,
            instance=self.object,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_message(self):
        return _("已保存“%(name)s”。") % {"name": self.object.name}


class EnterpriseCreateView(ScopeRequiredMixin, EnterpriseFormMixin, ScopedViewMixin, CreateView):
    scope_action = Action.ADD


class EnterpriseUpdateView(EnterpriseFormMixin, ScopedViewMixin, UpdateView):
    scope_action = Action.CHANGE


class EnterpriseDeactivateView(ScopedViewMixin, SingleObjectMixin, TemplateView):
    """注销: GET asks for confirmation, POST sets is_active=false through the service."""

    model = Enterprise
    scope_action = Action.CHANGE
    template_name = "orgs/enterprise_deactivate.html"

    def post(self, request, *args, **kwargs):
        enterprise = self.object
        if not enterprise.is_active:
            # A second click (or a stale page) must not write another version.
            return HttpResponseRedirect(enterprise.get_absolute_url())
        try:
            services.save_enterprise({"is_active": False}, user=request.user, instance=enterprise)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已注销“%(name)s”。") % {"name": enterprise.name})
        return HttpResponseRedirect(enterprise.get_absolute_url())


class EnterpriseImportView(ScopeRequiredMixin, ScopedViewMixin, FormView):
    """Upload a register: every row checked, all written or none, errors listed by row."""

    model = Enterprise
    scope_action = Action.ADD
    form_class = EnterpriseImportForm
    template_name = "orgs/enterprise_import.html"

    def form_valid(self, form):
        result = EnterpriseImporter(user=self.request.user).run(form.cleaned_data["file"])
        if not result.ok:
            return self.render_to_response(self.get_context_data(form=form, result=result))
        messages.success(
            self.request,
            _("导入完成：新增%(created)d家，更新%(updated)d家，未变化%(unchanged)d家。")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("orgs:enterprise_list")


class EnterpriseImportTemplateView(ScopeRequiredMixin, ScopedViewMixin, View):
    """The empty import workbook, for those who may import."""

    model = Enterprise
    scope_action = Action.ADD

    def get(self, request):
        return xlsx_response(EnterpriseImporter.template_workbook(), _("生产经营单位导入模板.xlsx"))


# --- Users and memberships -----------------------------------------------------------------


def managed_memberships(user):
    """Memberships at org units the user administers (manage_users)."""
    return Membership.objects.filter(
        org_unit__in=OrgUnit.objects.restrict(user, Action.MANAGE_USERS)
    )


class ManagedUsersMixin(ScopedViewMixin):
    """Users holding a role in the admin's area; Users are not located in the tree themselves,
    so their scope is that of their memberships."""

    model = User
    scope_action = Action.MANAGE_USERS

    def get_queryset(self):
        return User.objects.filter(pk__in=managed_memberships(self.request.user).values("user_id"))


class UserListView(ScopeRequiredMixin, ManagedUsersMixin, ListView):
    scope_required_model = OrgUnit
    template_name = "orgs/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()
        users = super().get_queryset()
        if self.query:
            users = users.filter(
                Q(username__icontains=self.query) | Q(full_name__icontains=self.query)
            )
        # Only the roles in the admin's area are shown: the others are none of their business.
        memberships = managed_memberships(self.request.user).select_related(
            "org_unit", "enterprise"
        )
        return users.prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="managed_memberships")
        ).order_by("username")

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


class UserCreateView(ScopeRequiredMixin, UserFormMixin, ManagedUsersMixin, FormView):
    scope_required_model = OrgUnit
    form_class = UserCreateForm
    template_name = "orgs/user_form.html"
    success_url = reverse_lazy("orgs:user_list")

    def form_valid(self, form):
        try:
            user = form.save(granted_by=self.request.user, request=self.request)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已创建用户“%(name)s”。") % {"name": user})
        return super().form_valid(form)


class MembershipAddView(UserFormMixin, ManagedUsersMixin, SingleObjectMixin, FormView):
    """A user's roles in the admin's area, and a form to grant one more."""

    form_class = MembershipForm
    template_name = "orgs/membership_form.html"
    context_object_name = "member"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            managed_memberships(self.request.user)
            .filter(user=self.object)
            .select_related("org_unit", "enterprise")
        )
        return context

    def form_valid(self, form):
        try:
            membership = form.add_to(
                self.object, granted_by=self.request.user, request=self.request
            )
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已授予角色：%(m)s") % {"m": membership})
        return HttpResponseRedirect(reverse("orgs:membership_add", args=[self.object.pk]))


class MembershipDeleteView(ScopedViewMixin, SingleObjectMixin, TemplateView):
    """撤销角色: GET asks for confirmation, POST removes it through the service (audited)."""

    model = Membership
    scope_action = Action.MANAGE_USERS
    template_name = "orgs/membership_delete.html"

    def get_queryset(self):
        return managed_memberships(self.request.user).select_related("user", "org_unit")

    def post(self, request, *args, **kwargs):
        membership = self.object
        member = membership.user
        services.remove_membership(membership, removed_by=request.user, request=request)
        messages.success(request, _("已撤销角色：%(m)s") % {"m": membership})
        if managed_memberships(request.user).filter(user=member).exists():
            return HttpResponseRedirect(reverse("orgs:membership_add", args=[member.pk]))
        return redirect("orgs:user_list")


# --- Audit ---------------------------------------------------------------------------------


class AuditorRequiredMixin(LoginRequiredMixin):
    """Auditors read the audit records of their subtree (orgs.scoping.audit_q); others 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and audit_q(request.user) is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


AUDIT_DETAIL_LABELS = {
    "user": _lazy("用户"),
    "org_unit": _lazy("机构"),
    "role": _lazy("角色"),
    "enterprise": _lazy("企业"),
    "target": _lazy("对象"),
    "permission": _lazy("权限"),
}


class AuditLogView(AuditorRequiredMixin, ListView):
    """安全审计日志: read only — nothing in the app edits or deletes it."""

    template_name = "orgs/audit_log.html"
    paginate_by = 50

    def get_queryset(self):
        events = AuditEvent.objects.filter(audit_q(self.request.user, "org_path"))
        self.filter_form = AuditEventFilterForm(self.request.GET or None)
        if self.filter_form.is_bound:
            if not self.filter_form.is_valid():
                return events.none()
            events = self.filter_form.filter(events)
        return events

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        roles = dict(Role.choices)
        for event in context["object_list"]:
            event.detail_items = [
                (
                    AUDIT_DETAIL_LABELS.get(key, key),
                    roles.get(value, value) if key == "role" else value,
                )
                for key, value in event.detail.items()
                if value not in ("", None)
            ]
        return context


class HistorySource(NamedTuple):
    model: type
    rows: object  # the historical rows the auditor may read
    derived: tuple[str, ...]  # fields copied from others: not listed as changes
    related: tuple[str, ...]  # what the page shows of each row besides its changes


def history_sources(user) -> dict[str, HistorySource]:
    """The audited tables, keyed as AuditHistoryFilterForm's `source` choices."""
    return {
        "enterprise": HistorySource(
            Enterprise,
            Enterprise.history.filter(audit_q(user, "org_path")),
            ENTERPRISE_DERIVED,
            ("history_user",),
        ),
        "orgunit": HistorySource(
            OrgUnit,
            OrgUnit.history.filter(audit_q(user, "path")),
            ("path", "depth", "province", "city", "county", "township"),
            ("history_user",),
        ),
        "membership": HistorySource(
            Membership,
            Membership.history.filter(
                org_unit_id__in=OrgUnit.objects.filter(audit_q(user, "path")).values("pk")
            ),
            (),
            ("history_user", "user", "org_unit"),
        ),
    }


class AuditHistoryView(AuditorRequiredMixin, ListView):
    """数据变更记录: history rows of enterprises, org units and memberships, newest first.

    The page of rows is one UNION query over the three history tables (only keys and dates);
    the rows of the page are then read per table with their previous versions, a fixed number
    of queries.
    """

    template_name = "orgs/audit_history.html"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = AuditHistoryFilterForm(self.request.GET or None)
        self.sources = history_sources(self.request.user)
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            return []
        data = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        parts = []
        for key, source in self.sources.items():
            if data.get("source") and data["source"] != key:
                continue
            rows = source.rows
            if data.get("username"):
                rows = rows.filter(history_user__username__icontains=data["username"].strip())
            if data.get("request_id"):
                rows = rows.filter(request_id=data["request_id"].strip())
            parts.append(
                rows.annotate(source=Value(key, output_field=CharField())).values(
                    "history_id", "history_date", "source"
                )
            )
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return union.order_by("-history_date", "-history_id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        page_rows = list(context["object_list"])
        wanted = defaultdict(list)
        for row in page_rows:
            wanted[row["source"]].append(row["history_id"])
        entries = {}
        for key, ids in wanted.items():
            source = self.sources[key]
            rows = source.rows.filter(history_id__in=ids).select_related(*source.related)
            for entry in history.describe(
                history.with_previous(rows), excluded_fields=source.derived
            ):
                entry.source = key
                entry.model_label = source.model._meta.verbose_name
                entries[key, entry.record.history_id] = entry
        context["entries"] = [entries[row["source"], row["history_id"]] for row in page_rows]
        return context

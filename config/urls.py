from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from orgs import views as orgs_views
from reports import views as reports_views

urlpatterns = [
    # First: patterns are tried in order, and every API call would otherwise be tried against
    # all the pages' patterns before its own.
    path("api/v1/", include("config.api_urls")),
    path("", include("core.urls")),
    # Site-wide pages that read the org tree: their views live in orgs (core imports no app).
    path("", reports_views.DashboardView.as_view(), name="dashboard"),
    path("switch/", orgs_views.SwitchMembershipView.as_view(), name="switch_membership"),
    path("password/", orgs_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("audit/", orgs_views.AuditLogView.as_view(), name="audit_log"),
    path("audit/history/", orgs_views.AuditHistoryView.as_view(), name="audit_history"),
    path("orgs/", include("orgs.urls")),
    path("hazards/", include("hazards.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("training/", include("training.urls")),
    path("inspections/", include("inspections.urls")),
    path("accidents/", include("accidents.urls")),
    path("reports/", include("reports.urls")),
    path("public/", include("hazards.public_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

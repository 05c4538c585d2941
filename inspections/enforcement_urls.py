"""Page routes of enforcement actions, special campaigns, 双随机 draws and the statistics,
included in inspections.urls (namespace "inspections")."""

from django.urls import path

from inspections import enforcement_views as views

urlpatterns = [
    path("enforcement/", views.EnforcementListView.as_view(), name="enforcement_list"),
    path(
        "<int:pk>/enforcement/new/",
        views.EnforcementCreateView.as_view(),
        name="enforcement_create",
    ),
    path("enforcement/<int:pk>/", views.EnforcementDetailView.as_view(), name="enforcement_detail"),
    path(
        "enforcement/<int:pk>/document/new/",
        views.EnforcementDocumentCreateView.as_view(),
        name="enforcement_document_create",
    ),
    path(
        "enforcement/<int:pk>/document/",
        views.EnforcementDocumentView.as_view(),
        name="enforcement_document",
    ),
    path(
        "enforcement/<int:pk>/lift/", views.EnforcementLiftView.as_view(), name="enforcement_lift"
    ),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.CampaignUpdateView.as_view(), name="campaign_update"),
    path("draws/", views.DrawListView.as_view(), name="draw_list"),
    path("draws/new/", views.DrawCreateView.as_view(), name="draw_create"),
    path("draws/<int:pk>/", views.DrawDetailView.as_view(), name="draw_detail"),
    path("draws/<int:pk>/publish/", views.DrawPublishView.as_view(), name="draw_publish"),
    path("draws/<int:pk>/redraw/", views.DrawRedrawView.as_view(), name="draw_redraw"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("stats/export/", views.StatsExportView.as_view(), name="stats_export"),
]

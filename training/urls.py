from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("sessions/<int:pk>/edit/", views.SessionUpdateView.as_view(), name="session_update"),
    path("sessions/<int:pk>/roster/", views.RosterImportView.as_view(), name="roster_import"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path("people/<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person_reveal"),
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/new/", views.CertificateCreateView.as_view(), name="certificate_create"),
    path(
        "certificates/<int:pk>/renew/",
        views.CertificateRenewView.as_view(),
        name="certificate_renew",
    ),
    path(
        "certificates/<int:pk>/reveal/",
        views.CertificateRevealView.as_view(),
        name="certificate_reveal",
    ),
    path("drills/", views.DrillComplianceView.as_view(), name="drill_compliance"),
    path("drills/calendar/", views.DrillCalendarView.as_view(), name="drill_calendar"),
    path("drills/new/", views.DrillCreateView.as_view(), name="drill_create"),
    path("drills/<int:pk>/", views.DrillDetailView.as_view(), name="drill_detail"),
    path("drills/photos/<int:pk>/", views.DrillPhotoView.as_view(), name="drill_photo"),
    path("awareness/", views.AwarenessEventListView.as_view(), name="awareness_list"),
    path("awareness/new/", views.AwarenessEventCreateView.as_view(), name="awareness_create"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("coverage/export/", views.CoverageExportView.as_view(), name="coverage_export"),
    path("stats/", views.TrainingStatsView.as_view(), name="stats"),
    path("stats/export/", views.TrainingStatsExportView.as_view(), name="stats_export"),
]

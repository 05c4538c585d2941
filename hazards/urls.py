from django.urls import path

from hazards import report_views, risk_views, views

app_name = "hazards"

urlpatterns = [
    path("", views.HazardListView.as_view(), name="hazard_list"),
    path("new/", views.HazardCreateView.as_view(), name="hazard_create"),
    path("new/enterprises/", views.EnterpriseOptionsView.as_view(), name="enterprise_options"),
    path("new/criteria/", views.CriterionOptionsView.as_view(), name="criterion_options"),
    path("export/", views.HazardExportView.as_view(), name="hazard_export"),
    path("import/", views.HazardImportView.as_view(), name="hazard_import"),
    path(
        "import/template/",
        views.HazardImportTemplateView.as_view(),
        name="hazard_import_template",
    ),
    path("verify/", views.VerifyQueueView.as_view(), name="verify_queue"),
    path("stats/", views.HazardStatsView.as_view(), name="hazard_stats"),
    path("<int:pk>/", views.HazardDetailView.as_view(), name="hazard_detail"),
    path("<int:pk>/edit/", views.HazardUpdateView.as_view(), name="hazard_update"),
    path("<int:pk>/files/", views.HazardAddFilesView.as_view(), name="hazard_add_files"),
    path("<int:pk>/confirm/", views.ConfirmView.as_view(), name="hazard_confirm"),
    path("<int:pk>/plan/", views.PlanView.as_view(), name="hazard_plan"),
    path("<int:pk>/start/", views.StartRectificationView.as_view(), name="hazard_start"),
    path(
        "<int:pk>/close-out/",
        views.RequestCloseOutView.as_view(),
        name="hazard_request_close_out",
    ),
    path("<int:pk>/close/", views.CloseView.as_view(), name="hazard_close"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="hazard_return"),
    path("<int:pk>/list/", views.ListForSupervisionView.as_view(), name="hazard_list_supervision"),
    path("<int:pk>/delist/", views.DelistView.as_view(), name="hazard_delist"),
    path("<int:pk>/void/", views.VoidView.as_view(), name="hazard_void"),
    path("<int:pk>/restore/", views.RestoreView.as_view(), name="hazard_restore"),
    path("files/<int:pk>/", views.HazardFileView.as_view(), name="file_download"),
    path("escalations/", views.EscalationListView.as_view(), name="escalation_list"),
    path(
        "escalations/<int:pk>/issue/",
        views.EscalationIssueView.as_view(),
        name="escalation_issue",
    ),
    path(
        "escalations/<int:pk>/dismiss/",
        views.EscalationDismissView.as_view(),
        name="escalation_dismiss",
    ),
    path("risks/", risk_views.RiskListView.as_view(), name="risk_list"),
    path("risks/new/", risk_views.RiskCreateView.as_view(), name="risk_create"),
    path("risks/map/", risk_views.RiskMapView.as_view(), name="risk_map"),
    path("risks/<int:pk>/", risk_views.RiskDetailView.as_view(), name="risk_detail"),
    path("risks/<int:pk>/edit/", risk_views.RiskUpdateView.as_view(), name="risk_update"),
    path("risks/<int:pk>/retire/", risk_views.RiskRetireView.as_view(), name="risk_retire"),
    path("risks/board/<int:pk>/", risk_views.RiskBoardView.as_view(), name="risk_board"),
    path("reports/", report_views.ReportListView.as_view(), name="report_list"),
    path("reports/stats/", report_views.ReportStatsView.as_view(), name="report_stats"),
    path("reports/<int:pk>/", report_views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/photo/", report_views.ReportPhotoView.as_view(), name="report_photo"),
    path(
        "reports/<int:pk>/reporter/",
        report_views.ReportRevealView.as_view(),
        name="report_reveal",
    ),
    path("reports/<int:pk>/assign/", report_views.AssignView.as_view(), name="report_assign"),
    path(
        "reports/<int:pk>/investigate/",
        report_views.InvestigateView.as_view(),
        name="report_investigate",
    ),
    path("reports/<int:pk>/verify/", report_views.VerifyView.as_view(), name="report_verify"),
    path(
        "reports/<int:pk>/unfounded/",
        report_views.UnfoundedView.as_view(),
        name="report_unfounded",
    ),
    path("reports/<int:pk>/reward/", report_views.RewardView.as_view(), name="report_reward"),
]

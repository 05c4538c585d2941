from django.urls import path

from hazards import views

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
]

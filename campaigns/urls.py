from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/derive/", views.PlanDeriveView.as_view(), name="plan_derive"),
    path("plans/import/", views.PlanImportView.as_view(), name="plan_import"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan_update"),
    path("plans/<int:pk>/issue/", views.PlanIssueView.as_view(), name="plan_issue"),
    path("plans/<int:pk>/file/", views.PlanFileView.as_view(), name="plan_file"),
    path("plans/<int:pk>/completion/", views.CompletionView.as_view(), name="completion"),
    path("plans/<int:pk>/tasks/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/edit/", views.TaskUpdateView.as_view(), name="task_update"),
    path("tasks/<int:pk>/assign/", views.TaskAssignView.as_view(), name="task_assign"),
    path(
        "tasks/<int:pk>/acknowledge/",
        views.TaskAcknowledgeView.as_view(),
        name="task_acknowledge",
    ),
    path("mine/", views.MyTasksView.as_view(), name="my_tasks"),
    path("slots/<int:pk>/report/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path(
        "attachments/<int:pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist_detail"),
    path(
        "checklist-items/<int:pk>/",
        views.ChecklistItemTickView.as_view(),
        name="checklist_item_tick",
    ),
    path(
        "checklist-items/<int:pk>/evidence/",
        views.ChecklistEvidenceView.as_view(),
        name="checklist_evidence",
    ),
]

from rest_framework.routers import DefaultRouter

from campaigns.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("slots", views.SlotViewSet, basename="slot")
router.register("progress-reports", views.ProgressReportViewSet, basename="progressreport")
router.register("checklists", views.ChecklistViewSet, basename="checklist")

urlpatterns = router.urls

"""Pages anyone may open without logging in: the citizens' report form and its status by
receipt code, and the public listing of major risks and 挂牌 major hazards."""

from django.urls import path

from hazards import report_views, risk_views

app_name = "public"

urlpatterns = [
    path("risks/", risk_views.PublicRiskListView.as_view(), name="risk_list"),
    path("report/", report_views.PublicReportCreateView.as_view(), name="report_create"),
    path("report/receipt/", report_views.PublicReportReceiptView.as_view(), name="report_receipt"),
    path("report/status/", report_views.PublicReportStatusView.as_view(), name="report_status"),
    path(
        "report/regions/",
        report_views.PublicRegionOptionsView.as_view(),
        name="report_region_options",
    ),
]

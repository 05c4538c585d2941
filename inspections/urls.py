from django.urls import path

from inspections import enforcement_urls, views

app_name = "inspections"

urlpatterns = [
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("new/", views.InspectionCreateView.as_view(), name="inspection_create"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("photos/<int:pk>/", views.ChecklistPhotoView.as_view(), name="photo"),
    path("groups/", views.GroupListView.as_view(), name="group_list"),
    path("groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group_detail"),
    path("groups/<int:pk>/end-term/", views.GroupEndTermView.as_view(), name="group_end_term"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("schedules/new/", views.ScheduleCreateView.as_view(), name="schedule_create"),
    *enforcement_urls.urlpatterns,
]

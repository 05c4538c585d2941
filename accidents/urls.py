from django.urls import path

from accidents import views

app_name = "accidents"

urlpatterns = [
    path("", views.AccidentListView.as_view(), name="accident_list"),
    path("new/", views.AccidentCreateView.as_view(), name="accident_create"),
    path("export/", views.AccidentExportView.as_view(), name="accident_export"),
    path("<int:pk>/", views.AccidentDetailView.as_view(), name="accident_detail"),
    path("<int:pk>/edit/", views.AccidentUpdateView.as_view(), name="accident_update"),
]

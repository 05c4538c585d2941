from django.contrib.auth import views as auth_views
from django.urls import path

from core import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notifications_read"),
]

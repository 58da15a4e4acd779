from django.contrib.auth import views as auth_views
from django.urls import path

from alur.front import views

app_name = "front"

urlpatterns = [
    path("", views.home, name="home"),
    path("sehat/", views.alive, name="alive"),
]

auth_urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]

from django.contrib.auth import views as auth_views
from django.urls import path

from alur.front import search, views
from alur.front.login import LoginView

app_name = "front"

urlpatterns = [
    path("", views.home, name="home"),
    path("sehat/", views.alive, name="alive"),
    path("cari/", search.search_page, name="search"),
]

auth_urlpatterns = [
    path("masuk/", LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]

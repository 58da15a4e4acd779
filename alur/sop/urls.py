from django.urls import path

from alur.sop import views

app_name = "sop"

urlpatterns = [
    path("", views.sop_list, name="list"),
    path("<str:code>/", views.sop_detail, name="detail"),
    path("<str:code>/r<int:revision>/", views.sop_detail, name="revision"),
    path("<str:code>/r<int:revision>.pdf", views.sop_pdf, name="pdf"),
]

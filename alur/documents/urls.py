from django.urls import path

from alur.documents import views, views_identity, views_siak

app_name = "documents"

urlpatterns = [
    path("register/", views.register_book, name="register"),
    path("perkara/<str:reference>/tandatangani/", views.sign, name="sign"),
    path("perkara/<str:reference>/lampiran-siak/", views_siak.siak_attach, name="siak_attach"),
    path("perkara/<str:reference>/koreksi/", views.correct, name="correct"),
    path(
        "perkara/<str:reference>/cek-identitas/",
        views_identity.identity_check_view,
        name="identity_check",
    ),
    path("<int:pk>/konsep/", views.draft_pdf, name="draft"),
    path("<int:pk>/berkas/", views.signed_pdf, name="signed"),
]

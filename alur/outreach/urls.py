from django.urls import path

from alur.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("rujuk/", views.public_form, name="public_form"),
    path("rujuk/terkirim/", views.public_sent, name="public_sent"),
    path("mitra/", views.partner_list, name="partner_list"),
    path("mitra/baru/", views.partner_form, name="partner_form"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/teruskan/", views.forward, name="forward"),
    path("<int:pk>/surat/<str:kind>/terima/", views.letter_receive, name="letter_receive"),
    path("<int:pk>/surat/<str:kind>/kirim/", views.letter_send, name="letter_send"),
    path("<int:pk>/surat/<str:kind>/berkas/", views.letter_file, name="letter_file"),
    path("<int:pk>/surat/minta/", views.letters_chase, name="letters_chase"),
    path("<int:pk>/verifikasi/", views.verify, name="verify"),
    path("<int:pk>/tutup/", views.close, name="close"),
    path("<int:pk>/kunjungan/", views.visit_schedule, name="visit_schedule"),
    path("kunjungan/<int:pk>/hasil/", views.visit_record, name="visit_record"),
]

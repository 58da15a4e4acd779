from django.urls import path

from alur.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.public_form, name="public_form"),
    path("terkirim/", views.public_sent, name="public_sent"),
    path("lacak/", views.tracking, name="tracking"),
    path("loket/", views.counter, name="counter"),
    path("register/", views.register, name="register"),
    path("rekap/", views.stats, name="stats"),
    path("<int:pk>/catat/", views.register_step, name="register_step"),
    path("<int:pk>/tolak/", views.reject, name="reject"),
    path("<int:pk>/jawab/", views.answer, name="answer"),
    path("<int:pk>/teruskan/", views.escalate, name="escalate"),
    path("<int:pk>/pendapat/", views.opinion, name="opinion"),
    path("<int:pk>/solusi/", views.resolve, name="resolve"),
    path("<int:pk>/putuskan/", views.decide, name="decide"),
    path("<int:pk>/cetak/", views.answer_sheet, name="answer_sheet"),
]

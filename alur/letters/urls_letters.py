from django.urls import path

from alur.letters import views_letters as views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="list"),
    path("baru/", views.letter_new, name="new"),
    path("agenda/", views.agenda_book, name="agenda"),
    path("<int:pk>/", views.letter_detail, name="detail"),
    path("<int:pk>/ubah/", views.letter_edit, name="edit"),
    path("<int:pk>/konsep.pdf", views.letter_preview, name="preview"),
    path("<int:pk>/terbit.pdf", views.letter_document, name="document"),
    path("<int:pk>/ajukan/", views.letter_submit, name="submit"),
    path("<int:pk>/paraf/", views.letter_paraf, name="paraf"),
    path("<int:pk>/kembalikan/", views.letter_return, name="return"),
    path("<int:pk>/batal/", views.letter_cancel, name="cancel"),
    path("<int:pk>/tandatangani/", views.letter_sign, name="sign"),
    path("<int:pk>/tandatangani-kedua/", views.letter_cosign, name="cosign"),
    path("<int:pk>/kirim/", views.letter_deliver, name="deliver"),
    path("<int:pk>/penerima/", views.recipient_add, name="recipient_add"),
]

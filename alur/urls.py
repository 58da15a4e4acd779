from django.contrib import admin
from django.urls import include, path

from alur.front.login import admin_login
from alur.front.urls import auth_urlpatterns

admin.site.site_header = "Alur — administrasi data referensi"
admin.site.site_title = "Alur"

urlpatterns = [
    *auth_urlpatterns,
    path("", include("alur.front.urls")),
    path("", include("alur.workflow.urls")),
    path("kantor/", include("alur.org.urls")),
    path("kantor/", include("alur.worktime.urls")),
    path("kantor/", include("alur.whatsapp_cloud.urls")),
    path("sop/", include("alur.sop.urls")),
    path("kotak-keluar/", include("alur.outbox.urls")),
    path("whatsapp/", include("alur.whatsapp.urls")),
    path("loket/", include("alur.intake.urls_staff")),
    path("lacak/", include("alur.intake.urls_public")),
    path("verifikasi/", include("alur.tte.urls_public")),
    path("pengaduan/", include("alur.complaints.urls")),
    path("percakapan/", include("alur.chat.urls")),
    path("arsip/", include("alur.tte.urls_archive")),
    path("logistik/", include("alur.logistics.urls")),
    path("laporan/", include("alur.reports.urls")),
    path("dokumen/", include("alur.documents.urls")),
    path("siaga/", include("alur.outreach.urls")),
    path("survei/", include("alur.survey.urls")),
    path("naskah/sertifikat/", include("alur.tte.urls_certificates")),
    path("naskah/", include("alur.letters.urls_letters")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

# Error pages in Bahasa Indonesia inside the staff shell (alur/front/errors.py).
handler400 = "alur.front.errors.bad_request"
handler403 = "alur.front.errors.permission_denied"
handler404 = "alur.front.errors.page_not_found"
handler500 = "alur.front.errors.server_error"

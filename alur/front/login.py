"""The login page: Django's, with a limit on attempts per client address.

django-axes locks one username from one address after repeated failures; this limit bounds
the attempts one address makes over all usernames (guessing one password for many accounts).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from alur.core.ratelimit import over_limit

LOGIN_LIMIT = 50  # login attempts per client address and window, over all usernames
LOGIN_WINDOW = 10 * 60  # seconds
TOO_MANY = (
    "Terlalu banyak percobaan masuk dari perangkat ini. Silakan coba lagi sekitar 10 menit lagi."
)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if over_limit(request, "login", LOGIN_LIMIT, LOGIN_WINDOW):
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username", "")[:150]}
            )
            context = self.get_context_data(form=form, limited=TOO_MANY)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin's sign-in, sent to ours: one page, one limit per address, one audit.

    A signed-in person whom the admin does not admit is refused here: sending them to our
    sign-in page would send them back to the admin, and round again."""
    if request.user.is_authenticated:
        raise PermissionDenied("Akun Anda tidak berhak membuka halaman administrasi data.")
    return redirect_to_login(request.GET.get("next") or "/admin/", login_url=reverse("login"))

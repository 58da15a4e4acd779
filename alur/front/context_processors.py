from django.http import HttpRequest

from alur.front.nav import items_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"nav_items": items_for(user) if user is not None else []}

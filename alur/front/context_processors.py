from django.http import HttpRequest

from alur.front.nav import items_for
from alur.workflow.selectors import unread_count


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    return {"nav_items": items_for(user), "unread_notifications": unread_count(user)}

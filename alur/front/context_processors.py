from django.http import HttpRequest

from alur.front.nav import items_for
from alur.front.search import may_search
from alur.sop.selectors import can_read_sops
from alur.workflow.selectors import unread_count


def navigation(request: HttpRequest) -> dict:
    """The menu, the unread count, and whether links to the SOP documents may be shown (a
    partner may not open them: a link would lead to a refusal)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "nav_items": [],
            "unread_notifications": 0,
            "may_read_sops": False,
            "may_search": False,
        }
    return {
        "nav_items": items_for(user),
        "unread_notifications": unread_count(user),
        "may_read_sops": can_read_sops(user),
        "may_search": may_search(user),
    }

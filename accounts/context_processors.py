from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles

# (label, URL name, who may use it). Entries whose page does not exist yet are left out.
NAVIGATION = [
    (_("Dashboard"), "dashboard", lambda user: True),
    (_("Clients"), "outreach:client_list", roles.can_see_clients),
    (_("Incidents"), "incidents:incident_list", roles.can_log_incidents),
    (_("Mediations"), "incidents:mediation_list", roles.can_log_incidents),
    (_("Response cases"), "incidents:response_case_list", roles.can_see_all_clients),
    (_("Response tasks"), "incidents:response_task_list", roles.is_peacekeeper),
    # Conflicts and groups: the program roles only (analysts see them only as counts).
    (_("Conflicts"), "incidents:conflict_list", roles.can_see_clients),
    (_("Groups"), "incidents:group_list", roles.can_see_clients),
    (_("Reports"), "reports:index", roles.can_see_reports),
    (_("Access log"), "access_log", roles.can_see_all_clients),
    (_("Admin"), "admin:index", roles.is_admin),
]


def session(request: HttpRequest) -> dict:
    """How long an idle session lasts, for the warning a minute before it ends (static/js/session.js)."""
    return {"session_seconds": settings.SESSION_COOKIE_AGE}


def navigation(request: HttpRequest) -> dict:
    """The navigation entries the signed-in user may use (a courtesy: views check again)."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, allowed in NAVIGATION:
        if not allowed(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return {"nav_items": items}

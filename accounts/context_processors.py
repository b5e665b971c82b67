"""Navigation that fits the user's role: each role sees only the sections it works in."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import may, role_of
from .roles import Role

# (url name, label, the action of accounts.permissions that shows it). Later issues add their sections here.
SECTIONS = (
    ("home", _("Home"), None),
    ("elections:overview", _("Overview"), "nav.overview"),
    ("elections:list", _("Village elections"), "nav.elections"),
    ("lifecycle:board", _("Progress board"), "nav.progress_board"),
    ("lifecycle:approvals", _("Workflow approvals"), "lifecycle.decide_exception"),
    ("voters:search", _("Find a person"), "nav.voters_search"),
    ("voters:conflicts", _("Roll conflicts"), "nav.voters_conflicts"),
    ("candidates:approvals", _("Candidate approvals"), "candidates.approvals"),
    ("candidates:inbox", _("Review requests"), "candidates.review"),
    ("audits:list", _("Outgoing audits"), "nav.audits"),
    ("risk:dashboard", _("Risk map"), "risk.read"),
    ("risk:assessment", _("Weekly assessment"), "nav.risk_assessment"),
)


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    role = role_of(user)
    items = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for name, label, action in SECTIONS
        if action is None or may(user, action)
    ]
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "active": False})
    return {"nav_items": items, "user_role_label": Role(role).label}

"""Navigation that fits the user's role: each role sees only the sections it works in."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role

# (url name, label, roles that see it). Later issues add their sections here.
SECTIONS = (
    ("home", _("Home"), None),
    ("elections:overview", _("Overview"), {Role.CITY, Role.COUNTY, Role.ADMIN}),
    ("elections:list", _("Village elections"), {Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.ADMIN}),
    ("lifecycle:board", _("Progress board"), {Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.ADMIN}),
    ("lifecycle:approvals", _("Workflow approvals"), {Role.COUNTY}),
    ("voters:search", _("Find a person"), {Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.ADMIN}),
    ("voters:conflicts", _("Roll conflicts"), {Role.COUNTY, Role.TOWNSHIP, Role.ADMIN}),
    ("candidates:approvals", _("Candidate approvals"), {Role.CITY, Role.COUNTY, Role.ADMIN}),
    ("candidates:inbox", _("Review requests"), {Role.DEPARTMENT}),
    ("audits:list", _("Outgoing audits"), {Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.CLERK, Role.ADMIN}),
    ("risk:dashboard", _("Risk map"), {Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.ADMIN}),
    ("risk:assessment", _("Weekly assessment"), {Role.TOWNSHIP}),
)


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    role = Role.ADMIN if user.is_superuser else user.role
    items = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for name, label, roles in SECTIONS
        if roles is None or role in roles
    ]
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "active": False})
    return {"nav_items": items, "user_role_label": Role(role).label}

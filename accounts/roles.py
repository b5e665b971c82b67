"""The roles of DOMAIN.md "Who uses the system", in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY = "city", _("City organization department")
    COUNTY = "county", _("County organization department")
    TOWNSHIP = "township", _("Township election office")
    CLERK = "clerk", _("Village election committee clerk")
    DEPARTMENT = "department", _("Joint-review department")
    ADMIN = "admin", _("Administrator")


# The region level each role's jurisdiction must be anchored at (None: any level, or none at all).
REGION_LEVEL_FOR_ROLE = {
    Role.CITY: "city",
    Role.COUNTY: "county",
    Role.TOWNSHIP: "township",
    Role.CLERK: "village",
    Role.DEPARTMENT: None,
    Role.ADMIN: None,
}
# Who may do what is accounts.permissions (one table of roles × actions), not a set of roles here.

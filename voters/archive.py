"""The voter roll's part of a village's election archive (lifecycle.archive), registered by LifecycleConfig."""

from __future__ import annotations

from django.utils.translation import gettext as _

from elections.spreadsheets import workbook_bytes
from voters import selectors


def roll_archive_part(election, user):
    """The roll as the user may export it (ID numbers masked unless the role sees them in full)."""
    rows = (
        (
            r.group,
            r.resident.name,
            selectors.shown_id(user, r.resident.id_number),
            r.resident.get_sex_display(),
            r.resident.birth_date,
            r.get_category_display(),
            r.get_status_display(),
        )
        for r in selectors.registrations_in_order(user=user, election=election)
    )
    headers = [
        _("Village group"),
        _("Name"),
        _("ID number"),
        _("Sex"),
        _("Birth date"),
        _("Category"),
        _("Status"),
    ]
    yield _("voter roll") + ".xlsx", workbook_bytes(title=_("Voter roll"), headers=headers, rows=rows)

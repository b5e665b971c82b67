"""The audits' records on the candidates' negative list (issue 15, part 5), registered at ready().

- A term evaluation of 不称职 made within the cycle's window (evaluation_window_years, 3 by default) up to
  the vetting day answers item 4 ("近3年有考核不称职").
- A finding of serious or major severity against the person answers item 6 ("有严重危害集体利益…").

The text is stored with the nominee's answer, so it is written in the site's language whoever reads it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from candidates.evidence import Evidence
from elections.models import VillageElection

from .models import AuditFinding, Severity
from .selectors import id_chunks, incompetent_evaluations

SERIOUS = (Severity.SERIOUS, Severity.MAJOR)


def _day(day: date) -> str:
    return date_format(day, "Y-m-d")


def term_evaluations(resident_ids: Collection[int], *, on_date: date, settings) -> dict[int, list[Evidence]]:
    """Evaluations of 不称职 within the window, with a link to the village's audit page."""
    rows = incompetent_evaluations(resident_ids, years=settings.evaluation_window_years, on_date=on_date)
    elections = dict(
        VillageElection.objects.filter(
            cycle_id=settings.cycle_id, division_code__in={r.division_code for r in rows}
        ).values_list("division_code", "pk")
    )
    found: dict[int, list[Evidence]] = {}
    with translation.override(django_settings.LANGUAGE_CODE):
        for row in rows:
            election = elections.get(row.division_code)
            text = gettext("%(year)s term evaluation as %(position)s: incompetent (by %(by)s, %(on)s)") % {
                "year": row.year,
                "position": row.get_position_display(),
                "by": row.evaluated_by,
                "on": _day(row.evaluated_on),
            }
            url = reverse("audits:election", args=[election]) + "#evaluations" if election else ""
            found.setdefault(row.resident_id, []).append(
                Evidence(source="term_evaluation", text=text, on=row.evaluated_on, url=url)
            )
    return found


def audit_findings(resident_ids: Collection[int], *, on_date: date, settings) -> dict[int, list[Evidence]]:
    """Serious or major findings against the person, of an audit made on or before the vetting day."""
    rows = []
    for chunk in id_chunks(resident_ids):
        rows += (
            AuditFinding.objects.filter(person_id__in=chunk, severity__in=SERIOUS)
            .filter(created_at__date__lte=on_date)
            .select_related("audit")
            .order_by("created_at", "id")
        )
    found: dict[int, list[Evidence]] = {}
    with translation.override(django_settings.LANGUAGE_CODE):
        for row in rows:
            text = gettext("Audit finding (%(severity)s): %(description)s, %(amount)s yuan; %(state)s") % {
                "severity": row.get_severity_display(),
                "description": row.description,
                "amount": f"{row.amount:,.2f}",
                "state": row.get_rectification_display(),
            }
            found.setdefault(row.person_id, []).append(
                Evidence(
                    source="audit_finding",
                    text=text,
                    on=row.created_at.date(),
                    url=reverse("audits:election", args=[row.audit.election_id]) + "#findings",
                )
            )
    return found

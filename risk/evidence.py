"""Substantiated discipline reports on the candidates' negative list (issue 15, part 5).

A vote-buying, obstruction or other election-discipline report substantiated within the cycle's window
(discipline_window_years, 5 by default: "被查处未满5年") answers item 10 of the negative list for the
person it names. Registered at ready(); the text is stored with the answer, so it is written in the site's
language.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from audits.selectors import id_chunks, years_before
from candidates.evidence import Evidence

from .models import DisciplineReport, ReportOutcome


def report_text(report: DisciplineReport) -> str:
    with translation.override(django_settings.LANGUAGE_CODE):
        return gettext("%(kind)s report of %(received)s substantiated on %(resolved)s: %(summary)s") % {
            "kind": report.get_kind_display(),
            "received": report.received_on.isoformat(),
            "resolved": report.resolved_on.isoformat() if report.resolved_on else "",
            "summary": report.summary,
        }


def report_reason(report: DisciplineReport) -> str:
    with translation.override(django_settings.LANGUAGE_CODE):
        return gettext("Elected, then found to have breached election discipline: %(summary)s") % {
            "summary": report.summary
        }


def report_url(report: DisciplineReport) -> str:
    return reverse("risk:village", args=[report.election_id]) + "#reports"


def substantiated_reports(
    resident_ids: Collection[int], *, on_date: date, settings
) -> dict[int, list[Evidence]]:
    since = years_before(on_date, settings.discipline_window_years)
    found: dict[int, list[Evidence]] = {}
    for chunk in id_chunks(resident_ids):
        for report in DisciplineReport.objects.filter(
            accused_id__in=chunk,
            outcome=ReportOutcome.SUBSTANTIATED,
            resolved_on__gte=since,
            resolved_on__lte=on_date,
        ).order_by("resolved_on", "id"):
            found.setdefault(report.accused_id, []).append(
                Evidence(
                    source="discipline_report",
                    text=report_text(report),
                    on=report.resolved_on,
                    url=report_url(report),
                )
            )
    return found

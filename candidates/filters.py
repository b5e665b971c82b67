"""The department's inbox filters (django-filter): status, township, village, due date, name or ID tail.

A department sees its unit's requests only (accounts.scoping, `department_field`), and no region through
the scope; the township and village choices are the places inside its own jurisdiction, so a code from
elsewhere fails validation and filters nothing.
"""

from __future__ import annotations

import datetime
import re

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elections.forms import DateInput
from elections.models import Region
from voters.selectors import sees_full_id_numbers

from .choices import Verdict
from .models import QualificationReview
from .selectors import ReviewWindows

OPEN, ANSWERED, ALL = "open", "answered", "all"
STATUSES = [(OPEN, _("Open")), (ANSWERED, _("Answered")), (ALL, _("All"))]
OVERDUE, SOON = "overdue", "soon"
SOON_DAYS = 3
ID_TAIL = re.compile(r"^[0-9]{3,5}[0-9X]$")
FULL_ID = re.compile(r"^[0-9]{17}[0-9X]$")


class ReviewInboxFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUSES, method="filter_status", empty_label=None
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township"),
        queryset=Region.objects.none(),
        method="filter_place",
        to_field_name="code",
        empty_label=_("All"),
    )
    village = django_filters.ModelChoiceFilter(
        label=_("Village"),
        queryset=Region.objects.none(),
        method="filter_place",
        to_field_name="code",
        empty_label=_("All"),
    )
    due = django_filters.ChoiceFilter(
        label=_("Due"),
        choices=[(OVERDUE, _("Overdue")), (SOON, _("Due within 3 days"))],
        method="filter_due",
        empty_label=_("Any time"),
    )
    due_by = django_filters.DateFilter(label=_("Due by"), method="filter_due_by", widget=DateInput)
    q = django_filters.CharFilter(
        label=_("Name or ID number (last 4–6 digits)"), method="filter_q", max_length=30
    )

    class Meta:
        model = QualificationReview
        fields = ["status", "township", "village", "due", "due_by", "q"]

    def __init__(self, data, *args, user, windows: ReviewWindows, **kwargs):
        data = data.copy()
        if not data.get("status"):
            data["status"] = OPEN
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.windows = windows
        prefix = user.region.prefix if user.region_id else None
        places = Region.objects.filter(code__startswith=prefix) if prefix else Region.objects.none()
        self.filters["township"].queryset = places.filter(level="township").order_by("code")
        # A village is chosen inside the chosen township: a county's few hundred villages in one list
        # would not help anyone.
        township = data.get("township", "")
        self.filters["village"].queryset = (
            places.filter(level="village", code__startswith=township[:9]).order_by("code")
            if re.fullmatch(r"[0-9]{12}", township) and township.startswith(prefix or "-")
            else Region.objects.none()
        )

    @property
    def status_value(self) -> str:
        return (self.form.cleaned_data.get("status") if self.form.is_valid() else None) or OPEN

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(verdict=Verdict.PENDING)
        if value == ANSWERED:
            return queryset.filter(decided_at__isnull=False).exclude(verdict=Verdict.PENDING)
        return queryset

    def filter_place(self, queryset, name, value):
        return queryset.filter(division_code__startswith=value.prefix)

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        pending = queryset.filter(verdict=Verdict.PENDING)
        if value == OVERDUE:
            return pending.filter(self.windows.due_before(today))
        soon = today + datetime.timedelta(days=SOON_DAYS)
        return pending.filter(self.windows.due_before(soon)).exclude(self.windows.due_before(today))

    def filter_due_by(self, queryset, name, value):
        return queryset.filter(self.windows.due_before(value + datetime.timedelta(days=1)))

    def filter_q(self, queryset, name, value):
        """A name (or part of one), or the last 4 to 6 characters of the ID number; the whole number for
        the roles that see whole numbers (`ID_NUMBER_FULL_ROLES`), as they read it on the page."""
        text = value.strip().upper()
        if not text:
            return queryset
        if ID_TAIL.match(text):
            return queryset.filter(nomination__resident__id_number__endswith=text)
        if FULL_ID.match(text) and sees_full_id_numbers(self.user):
            return queryset.filter(nomination__resident__id_number=text)
        return queryset.filter(nomination__resident__name__contains=value.strip())

import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import get_visible_or_404
from elections.models import VillageElection
from elections.spreadsheets import xlsx_response

from . import selectors

PAGE_SIZE = 50
EXPORT_CHUNK = 500  # entries presented (their records looked up) together in the Excel export


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def election_trail(request, pk):
    """The activity trail of one village election's village, as a ledger: filtered by kind of record
    (?model=, ?object= for one record), kind of change (?action=), person (?actor=) and days (?from=,
    ?to=, inclusive); ?export=xlsx gives exactly the filtered entries as Excel."""
    election = get_visible_or_404(
        VillageElection.objects.select_related("village", "village__parent", "cycle"), request.user, pk=pk
    )
    filters = {
        "model_label": request.GET.get("model", "").strip(),
        "object_pk": request.GET.get("object", "").strip(),
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "date_from": _day(request.GET.get("from", "")),
        "date_to": _day(request.GET.get("to", "")),
    }
    entries = selectors.village_trail(user=request.user, division_code=election.division_code, **filters)
    if request.GET.get("export") == "xlsx":
        return _export(election, entries)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trail/election.html",
        {
            "election": election,
            "village": election.village,
            "page": page,
            "rows": selectors.present_all(page),
            "model_choices": selectors.model_choices(),
            "action_choices": selectors.action_choices(),
            "actor_choices": selectors.actor_choices(user=request.user, division_code=election.division_code),
            "filtered": any(filters.values()),
            "query": query.urlencode(),
            **filters,
        },
    )


def _export(election: VillageElection, entries):
    def rows():
        batch = []
        for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
            batch.append(entry)
            if len(batch) == EXPORT_CHUNK:
                yield from _rows(batch)
                batch = []
        yield from _rows(batch)

    today = timezone.localdate()
    return xlsx_response(
        filename=f"{election.village.name}-{_('Activity trail')}-{today:%Y%m%d}.xlsx",
        title=_("Activity trail"),
        headers=[
            _("No."),
            _("Time (Beijing)"),
            _("By"),
            _("Role"),
            _("Action"),
            _("Kind of record"),
            _("Record"),
            _("What changed"),
            _("Hash"),
        ],
        rows=rows(),
    )


def _rows(batch):
    for view in selectors.present_all(batch):
        e = view.entry
        yield [
            e.seq,
            f"{view.local_at:%Y-%m-%d %H:%M:%S}",
            view.actor,
            view.role,
            str(e.get_action_display()),
            view.kind,
            e.object_repr,
            "\n".join(view.summary_lines()),
            e.hash,
        ]

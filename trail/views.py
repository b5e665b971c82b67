import datetime

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.scoping import get_visible_or_404
from elections import exports
from elections.models import VillageElection

from . import selectors

PAGE_SIZE = 50


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
        return _export(request, election, filters)
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


def _export(request, election: VillageElection, filters: dict):
    """Exactly the filtered entries as Excel (`trail.exports.village`); a worker writes a long trail."""
    days = {k: v.isoformat() for k, v in filters.items() if isinstance(v, datetime.date)}
    return exports.respond(request, "trail.village", election_id=election.pk, **{**filters, **days})

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.scoping import get_visible_or_404

from . import selectors
from .filters import VillageElectionFilter
from .models import Stage, VillageElection
from .spreadsheets import xlsx_response

PAGE_SIZE = 50


def overview(request, code=None):
    """The reviewer's overview: the sub-regions of a region with elections per stage."""
    region = selectors.region_for_overview(user=request.user, code=code)
    cycle = selectors.current_cycle(user=request.user)
    rows = selectors.stage_counts_by_child(user=request.user, region=region, cycle=cycle)
    totals = [sum(r["stages"][i] for r in rows) for i in range(len(Stage.values))]
    breadcrumbs = [
        r
        for r in region.ancestors()
        if request.user.sees_everything or r.code.startswith(request.user.scope_prefix or "")
    ]
    return render(
        request,
        "elections/overview.html",
        {
            "region": region,
            "cycle": cycle,
            "rows": rows,
            "stages": Stage.choices,
            "stage_totals": [
                (value, label, n) for (value, label), n in zip(Stage.choices, totals, strict=True)
            ],
            "grand_total": sum(totals),
            "breadcrumbs": breadcrumbs,
        },
    )


def _filtered(request):
    cycle = selectors.current_cycle(user=request.user)
    base = selectors.village_elections(user=request.user, cycle=cycle)
    return cycle, VillageElectionFilter(request.GET or None, queryset=base, user=request.user)


def election_list(request):
    cycle, filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "elections/_list_table.html" if request.htmx else "elections/list.html"
    return render(
        request,
        template,
        {"cycle": cycle, "filter": filterset, "page": page, "query": query.urlencode()},
    )


def election_export(request):
    cycle, filterset = _filtered(request)
    headers = [
        _("Division code"),
        _("Township"),
        _("Village"),
        _("Stage"),
        _("Election day"),
        _("Party committee seats"),
        _("Villagers' committee seats"),
    ]
    rows = (
        (
            e.division_code,
            e.village.parent.name,
            e.village.name,
            e.get_stage_display(),
            e.election_day,
            e.party_seats,
            e.committee_seats,
        )
        for e in filterset.qs.iterator(chunk_size=2000)
    )
    return xlsx_response(
        filename=_("village elections") + ".xlsx", title=_("Village elections"), headers=headers, rows=rows
    )


def election_detail(request, pk):
    election = get_visible_or_404(
        VillageElection.objects.select_related("village", "village__parent", "cycle"), request.user, pk=pk
    )
    return render(request, "elections/detail.html", {"election": election, "village": election.village})

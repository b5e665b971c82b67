from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scoping import get_visible_or_404

from . import selectors
from .filters import VillageElectionFilter
from .models import VillageElection
from .spreadsheets import xlsx_response

PAGE_SIZE = 50


def overview(request, code=None):
    """The reviewer's overview moved to the progress board of the workflow (lifecycle.views.progress_board):
    reading progress the way a county does (villages per stage, the gates holding them, the next deadlines)
    needs the floors above this one, which the ground floor may not import. The overview's addresses, the
    reviewers' landing page among them, lead there by URL name, region and query kept."""
    target = reverse("lifecycle:board_region", args=[code]) if code else reverse("lifecycle:board")
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


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

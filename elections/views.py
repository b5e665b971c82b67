from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.scoping import get_visible_or_404

from . import exports, selectors
from .filters import VillageElectionFilter
from .models import ExportJob, VillageElection
from .spreadsheets import XLSX_CONTENT_TYPE, content_disposition

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
    """The list's village elections as Excel (`elections.exports.village_elections`), same filters."""
    return exports.respond(request, "elections.villages", query=request.GET.urlencode())


def election_detail(request, pk):
    election = get_visible_or_404(
        VillageElection.objects.select_related("village", "village__parent", "cycle"), request.user, pk=pk
    )
    return render(request, "elections/detail.html", {"election": election, "village": election.village})


def export_job(request, pk):
    """A big export being written by a worker: its progress, then the download (its requester only)."""
    job = exports.visible_job(user=request.user, pk=pk)
    context = {
        "job": job,
        "running": job.state in ExportJob.RUNNING_STATES and not job.is_stale,
        "failure": exports.failure_message(job),
        "stale": job.is_stale,
    }
    template = "elections/_export_job_status.html" if request.htmx else "elections/export_job.html"
    return render(request, template, context)


def export_download(request, pk):
    """The finished export's file, for the person who asked for it inside their jurisdiction (404 else)."""
    job = exports.downloadable(user=request.user, pk=pk)
    response = FileResponse(job.file.open("rb"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(job.filename)
    return response

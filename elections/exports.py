"""The one door of every big Excel export: at once when small, as a worker's job when large.

An app registers the builder of each of its exports under a dotted name whose first part is the app:

    from elections import exports

    @exports.register("voters.roll")
    def roll(*, user, election_id: int) -> exports.Sheet: ...

and its view answers with `exports.respond(request, "voters.roll", election_id=pk)`. The builder scopes
its rows to `user` (it is called again, with the same user, by the worker) and returns a `Sheet` whose
`rows` are not read until the file is written. A sheet of more than EXPORT_BACKGROUND_ROWS rows becomes
an `ExportJob` written by a Celery task (`elections.tasks.write_export`), with a progress page and a
download for the person who asked; a smaller one is the response itself.

The ground floor cannot import the apps above it, so the worker finds a builder by its name: a name not
registered yet imports its app's `exports` module (`voters.roll` → `voters.exports`), which registers it.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import codes
from .models import ExportJob
from .spreadsheets import write_workbook, xlsx_response

logger = logging.getLogger(__name__)

# A finished export's file is kept this long for its requester, then deleted (`purge_export_jobs`).
KEEP_FOR = datetime.timedelta(days=1)


@dataclass
class Sheet:
    """What an export writes: the file and sheet names, the header row, the rows (an iterable read once,
    lazily), how many rows it will have (read before the rows, to choose the door: an upper bound where
    only reading the rows tells, as for the progress board's list) and the division code of the
    jurisdiction the rows belong to (a job is visible there only; by default the requester's region)."""

    filename: str
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    count: int
    division_code: str = ""


Builder = Callable[..., Sheet]
_builders: dict[str, Builder] = {}


def register(name: str) -> Callable[[Builder], Builder]:
    """Register the builder of the export `name` ("<app>.<export>"); used as a decorator."""
    if name.count(".") != 1:
        raise ValueError(f"{name!r}: an export is named <app>.<export>")

    def decorate(builder: Builder) -> Builder:
        _builders[name] = builder
        return builder

    return decorate


def builder(name: str) -> Builder:
    """The builder registered as `name`, importing `<app>.exports` first if it is not registered yet."""
    if name not in _builders:
        app = name.partition(".")[0]
        if app in {entry.split(".")[0] for entry in settings.INSTALLED_APPS}:
            import_module(f"{app}.exports")
    try:
        return _builders[name]
    except KeyError:
        raise LookupError(f"no export is registered as {name!r}") from None


def build(name: str, *, user, **params) -> Sheet:
    return builder(name)(user=user, **params)


def respond(request, name: str, **params) -> HttpResponse:
    """The export `name` for the signed-in user: the file itself; past EXPORT_BACKGROUND_ROWS rows, a page
    that says so with a button, whose POST starts the job and leads to its progress page (a GET never
    writes: a prefetched or crawled link starts nothing)."""
    sheet = build(name, user=request.user, **params)
    if sheet.count <= settings.EXPORT_BACKGROUND_ROWS:
        return xlsx_response(
            filename=sheet.filename, title=sheet.title, headers=sheet.headers, rows=sheet.rows
        )
    if request.method != "POST":
        context = {"sheet": sheet, "action": request.get_full_path()}
        return render(request, "elections/export_start.html", context)
    job = start_export_job(name=name, params=params, sheet=sheet, by=request.user)
    return redirect("elections:export_job", pk=job.pk)


def start_export_job(*, name: str, params: dict, sheet: Sheet, by) -> ExportJob:
    """Record the export `name` asked for by `by` and send it to the workers. If even that fails (the
    broker is down), the job ends failed with its message rather than waiting for ever."""
    from .tasks import write_export

    job = ExportJob.objects.create(
        name=name,
        params=params,
        filename=sheet.filename,
        division_code=sheet.division_code or (by.region.code if by.region_id else ""),
        requested_by=by,
        rows=sheet.count,
    )
    try:
        write_export.delay(job.pk)
    except Exception:
        logger.exception("export job %s could not be queued", job.pk)
        _fail(job.pk, codes.EXPORT_NOT_QUEUED)
    job.refresh_from_db()
    return job


def write_export_job(*, job_id: int) -> None:
    """The worker's step: build the job's sheet as its requester (scoped to them, as the page would be),
    write it to a file in the configured storage and mark the job done. Safe to run twice: a finished job
    is left alone, an interrupted one is written again from the start (an export changes nothing)."""
    job = ExportJob.objects.select_related("requested_by__region").filter(pk=job_id).first()
    if job is None or job.state in (ExportJob.State.DONE, ExportJob.State.FAILED):
        return
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, written=0)
    try:
        sheet = build(job.name, user=job.requested_by, **job.params)
        ExportJob.objects.filter(pk=job.pk).update(rows=sheet.count)
        with tempfile.TemporaryFile(suffix=".xlsx") as handle:
            written = write_workbook(
                handle,
                title=sheet.title,
                headers=sheet.headers,
                rows=sheet.rows,
                progress=lambda n: ExportJob.objects.filter(pk=job.pk).update(written=n),
            )
            handle.seek(0)
            job.file.save(f"export-{job.pk}.xlsx", File(handle), save=False)
    except (Http404, PermissionDenied):
        _fail(job.pk, codes.EXPORT_NOT_VISIBLE)
        return
    except Exception:
        logger.exception("export job %s failed", job.pk)
        _fail(job.pk, codes.EXPORT_FAILED)
        return
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, file=job.file.name, written=written, finished_at=timezone.now()
    )
    purge_export_jobs()


def _fail(job_id: int, code: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.FAILED, failure=code, finished_at=timezone.now()
    )


def failure_message(job: ExportJob) -> str:
    """Why the job ended without its file, in the user's language ("" while it may still finish)."""
    if job.is_stale:
        return str(codes.MESSAGES[codes.EXPORT_STALE])
    if job.state != ExportJob.State.FAILED:
        return ""
    return str(codes.MESSAGES.get(job.failure, codes.MESSAGES[codes.EXPORT_FAILED]))


def downloadable(*, user, pk: int) -> ExportJob:
    """The finished job `pk` of `user`, inside their jurisdiction; 404 for anyone else's."""
    job = (
        ExportJob.objects.visible_to(user)
        .filter(pk=pk, requested_by=user, state=ExportJob.State.DONE)
        .exclude(file="")
        .first()
    )
    if job is None:
        raise Http404
    return job


def visible_job(*, user, pk: int) -> ExportJob:
    """The job `pk` as its requester sees it (any state); 404 for anyone else."""
    job = ExportJob.objects.visible_to(user).filter(pk=pk, requested_by=user).first()
    if job is None:
        raise Http404
    return job


def purge_export_jobs(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs older than KEEP_FOR and their files (they may hold full ID numbers)."""
    old = ExportJob.objects.filter(created_at__lt=(now or timezone.now()) - KEEP_FOR)
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


@register("elections.villages")
def village_elections(*, user, query: str = "") -> Sheet:
    """The village elections of the list page (same filters, `query` its query string) in the user's
    current cycle: a province's list is tens of thousands of rows."""
    from django.http import QueryDict

    from . import selectors
    from .filters import VillageElectionFilter
    from .models import Stage

    cycle = selectors.current_cycle(user=user)
    base = selectors.village_elections(user=user, cycle=cycle)
    found = VillageElectionFilter(QueryDict(query) or None, queryset=base, user=user).qs
    stages = {value: str(label) for value, label in Stage.choices}
    columns = ("division_code", "village__parent__name", "village__name", "stage", "election_day")
    columns += ("party_seats", "committee_seats")

    def rows():
        for code, township, village, stage, day, party, committee in found.values_list(*columns).iterator(
            chunk_size=2000
        ):
            yield (code, township, village, stages.get(stage, stage), day, party, committee)

    return Sheet(
        filename=_("village elections") + ".xlsx",
        title=_("Village elections"),
        headers=[
            _("Division code"),
            _("Township"),
            _("Village"),
            _("Stage"),
            _("Election day"),
            _("Party committee seats"),
            _("Villagers' committee seats"),
        ],
        rows=rows(),
        count=found.count(),
    )

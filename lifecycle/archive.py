"""The archive of a village's election (选举工作档案, DOMAIN.md "Handover"): one ZIP per village.

It holds every document attached to the steps, a workbook of the checklist (with deadlines and who did
what), the stage changes and exceptions, the handover list, and what the apps above contribute (the
voter roll from voters). The lifecycle stands above those apps, so LifecycleConfig.ready registers each
app's contributor:

    register(roll_archive_part)   # (election, user) -> iterable of (file name, bytes)
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from accounts.models import User
from elections.models import VillageElection
from elections.spreadsheets import workbook_bytes

from . import progress
from .models import GateException, Handover, StageChange, StepDocument

Part = tuple[str, bytes]
Contributor = Callable[[VillageElection, User], Iterable[Part]]
_contributors: list[Contributor] = []


def register(contributor: Contributor) -> None:
    """Add a contributor of files to every village's archive (idempotent)."""
    if contributor not in _contributors:
        _contributors.append(contributor)


def _d(day) -> str:
    return day.strftime("%Y-%m-%d") if day else ""


def checklist_workbook(election: VillageElection) -> bytes:
    checklist = progress.village_checklist(election=election)
    rows = (
        (
            item.step.get_stage_display(),
            item.step.title,
            str(progress.STATE_LABELS[item.state]),
            _d(item.evaluation.due_on),
            _d(item.done_on),
            item.evaluation.days or "",
            (item.record or {}).get("done_by__display_name") or "",
            (item.record or {}).get("note") or "",
        )
        for item in checklist.steps
    )
    headers = [
        _("Stage"),
        _("Step"),
        _("State"),
        _("Due on"),
        _("Done on"),
        _("Days late"),
        _("Recorded by"),
        _("Note"),
    ]
    return workbook_bytes(title=_("Steps"), headers=headers, rows=rows)


def history_workbook(election: VillageElection) -> bytes:
    rows = [
        (c.at.strftime("%Y-%m-%d %H:%M"), _("Stage change"), str(c), str(c.by or ""), c.note)
        for c in StageChange.objects.filter(election=election).select_related("by")
    ]
    rows += [
        (
            e.requested_at.strftime("%Y-%m-%d %H:%M"),
            e.get_kind_display(),
            e.get_status_display(),
            f"{e.requested_by} / {e.decided_by or ''}",
            e.reason,
        )
        for e in GateException.objects.filter(election=election).select_related("requested_by", "decided_by")
    ]
    headers = [_("When"), _("What"), _("Outcome"), _("Who"), _("Reason or note")]
    return workbook_bytes(title=_("Stage changes and exceptions"), headers=headers, rows=sorted(rows))


def handover_workbook(handover: Handover) -> bytes:
    rows = [
        (i.get_category_display(), i.description, i.unit, i.quantity_listed, i.quantity_received)
        for i in handover.items.all()
    ]
    rows += [
        (_("Problem"), p.description, "", p.resolution, _d(p.resolved_on)) for p in handover.problems.all()
    ]
    rows.append(
        (
            _("Signed"),
            _d(handover.handed_over_on),
            "",
            handover.outgoing_signatory,
            handover.incoming_signatory,
        )
    )
    headers = [
        _("Kind of item"),
        _("Item handed over"),
        _("Unit"),
        _("Listed by the outgoing team"),
        _("Received"),
    ]
    return workbook_bytes(title=_("Handover"), headers=headers, rows=rows)


def build_archive(*, election: VillageElection, user: User):
    """The ZIP of one village's election file, spooled to disk past 50 MB; returns an open file at 0."""
    spool = tempfile.SpooledTemporaryFile(max_size=50 * 1024 * 1024)  # noqa: SIM115  the caller streams and closes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_("steps") + ".xlsx", checklist_workbook(election))
        archive.writestr(_("stage changes and exceptions") + ".xlsx", history_workbook(election))
        handover = Handover.objects.filter(election=election).first()
        if handover is not None:
            archive.writestr(_("handover list") + ".xlsx", handover_workbook(handover))
        for contributor in _contributors:
            for name, data in contributor(election, user):
                archive.writestr(name, data)
        seen: set[str] = set()
        documents_folder = _("documents")
        for document in StepDocument.objects.filter(record__election=election).select_related("record__step"):
            folder = f"{document.record.step.order:03d}-{document.record.step.title}"
            name = f"{documents_folder}/{folder}/{document.original_name}"
            if name in seen:
                name = f"{documents_folder}/{folder}/{document.pk}-{document.original_name}"
            seen.add(name)
            with document.file.open("rb") as handle:
                archive.writestr(name, handle.read())
    spool.seek(0)
    return spool

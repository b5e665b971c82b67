import json
import logging

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from elections.models import VillageElection
from voters import codes
from voters.services import import_roll, kinship_after_write

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Import a village's voter roll from Excel: writes the accepted rows, reports the rejected ones."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--election", type=int, required=True, help="village election id")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--reason", default="", help="reason for the changes (required once published)")

    def handle(self, *args, file, election, dry_run, json: bool, reason, **options):
        try:
            village_election = VillageElection.objects.select_related("cycle", "village").get(pk=election)
        except VillageElection.DoesNotExist as exc:
            raise CommandError(_("No village election has the id %(id)s.") % {"id": election}) from exc
        try:
            with open(file, "rb") as handle:
                report = import_roll(
                    election=village_election, file=handle, by=None, dry_run=dry_run, reason=reason
                )
        except OSError as exc:
            raise CommandError(
                _("The file cannot be opened: %(error)s") % {"error": exc.strerror or exc}
            ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except Exception as exc:  # the same message as the web's, the details in the log
            logger.exception("import_voters %s failed", file)
            raise CommandError(str(codes.MESSAGES[codes.IMPORT_FAILED])) from exc
        if not dry_run:  # the household links, as after the web import (voters.services.kinship_after_write)
            kinship_after_write(election=village_election, report=report)
        if report.file_error:
            if json:
                self.stdout.write(_dumps({**report.as_dict(), "file_error": report.file_error}))
            raise CommandError(report.file_error["message"])
        if json:
            self.stdout.write(_dumps(report.as_dict()))
            return
        counts = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
        }
        if dry_run:
            summary = _(
                "Would add %(created)s, update %(updated)s; %(unchanged)s unchanged, %(rejected)s rejected"
            )
        else:
            summary = _(
                "Added %(created)s, updated %(updated)s; %(unchanged)s unchanged, %(rejected)s rejected"
            )
        self.stdout.write(summary % counts)
        for error in report.errors:
            self.stdout.write("  " + _("row %(row)s, %(column)s: %(message)s") % error)
        for warning in report.warnings:
            self.stdout.write("  " + _("row %(row)s, %(column)s: %(message)s (warning)") % warning)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)

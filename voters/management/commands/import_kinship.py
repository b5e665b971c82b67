import json
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from elections.models import VillageElection
from voters import codes
from voters.services import import_kinship

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Import close relatives across households from Excel (two ID numbers, the relationship, the basis): "
        "all rows or none, as the township user named."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--election", type=int, required=True, help="village election id (its cycle)")
        parser.add_argument("--user", required=True, help="username of the township user recording them")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, file, election, user, dry_run, json: bool, **options):
        try:
            village_election = VillageElection.objects.select_related("cycle", "village").get(pk=election)
        except VillageElection.DoesNotExist as exc:
            raise CommandError(_("No village election has the id %(id)s.") % {"id": election}) from exc
        by = get_user_model().objects.filter(username=user, is_active=True).first()
        if by is None:
            raise CommandError(_("No active user has the username %(name)s.") % {"name": user})
        try:
            # The check first, whose rows' problems are printed; the write only for a file without any.
            report = self._run(village_election, file, by, dry_run=True)
            if not dry_run and not report.errors and not report.file_error:
                report = self._run(village_election, file, by, dry_run=False)
        except OSError as exc:
            raise CommandError(
                _("The file cannot be opened: %(error)s") % {"error": exc.strerror or exc}
            ) from exc
        except PermissionDenied as exc:
            raise CommandError(_("This user may not record close relatives.")) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except Exception as exc:
            logger.exception("import_kinship %s failed", file)
            raise CommandError(str(codes.MESSAGES[codes.IMPORT_FAILED])) from exc
        if report.file_error:
            raise CommandError(report.file_error["message"])
        if json:
            self.stdout.write(
                _dumps({"created": report.created, "rejected": report.rejected, "errors": report.errors})
            )
            if report.errors and not dry_run:
                raise CommandError(str(codes.MESSAGES[codes.KINSHIP_FILE_HAS_ERRORS]))
            return
        if dry_run or report.errors:
            summary = _("Would record %(created)s relationships; %(rejected)s rows rejected")
        else:
            summary = _("Recorded %(created)s relationships")
        self.stdout.write(summary % {"created": report.created, "rejected": report.rejected})
        for error in report.errors:
            self.stdout.write("  " + _("row %(row)s, %(column)s: %(message)s") % error)
        if report.errors and not dry_run:
            raise CommandError(str(codes.MESSAGES[codes.KINSHIP_FILE_HAS_ERRORS]))

    def _run(self, election, file, by, *, dry_run):
        with open(file, "rb") as handle:
            return import_kinship(election=election, file=handle, by=by, dry_run=dry_run)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)

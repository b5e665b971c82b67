import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from elections.models import VillageElection
from voters.services import import_roll


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
            raise CommandError(f"no village election with id {election}") from exc
        try:
            with open(file, "rb") as handle:
                report = import_roll(
                    election=village_election, file=handle, by=None, dry_run=dry_run, reason=reason
                )
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if report.file_error:
            if json:
                self.stdout.write(_dumps({**report.as_dict(), "file_error": report.file_error}))
            raise CommandError(report.file_error["message"])
        if json:
            self.stdout.write(_dumps(report.as_dict()))
            return
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{verb} {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"rejected {report.rejected}"
        )
        for error in report.errors:
            self.stdout.write(f"  row {error['row']} {error['column']}: {error['message']} [{error['code']}]")
        for warning in report.warnings:
            self.stdout.write(f"  row {warning['row']} {warning['column']}: {warning['message']} (warning)")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from elections.models import Stage, VillageElection
from lifecycle import workflow


class Command(BaseCommand):
    help = (
        "Move a village election to the next stage (the same gates as the steps page), or with --catch-up "
        "through every stage its records have passed. Acts as --user (a township or county account)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--election", type=int, required=True, help="village election id")
        parser.add_argument("--user", required=True, help="username of the township or county user acting")
        parser.add_argument("--to", choices=[s.value for s in Stage], help="the stage to move to")
        parser.add_argument("--catch-up", action="store_true", help="every stage the records have passed")
        parser.add_argument("--note", default="")

    def handle(self, *args, election, user, to, catch_up, note, **options):
        try:
            village_election = VillageElection.objects.select_related("cycle", "village").get(pk=election)
        except VillageElection.DoesNotExist as exc:
            raise CommandError(_("No village election has the id %(id)s.") % {"id": election}) from exc
        try:
            by = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(_("No active user is called %(name)s.") % {"name": user}) from exc
        if bool(to) == bool(catch_up):
            raise CommandError(_("Give either --to or --catch-up."))
        try:
            if catch_up:
                changes = workflow.catch_up(election=village_election, by=by)
            else:
                changes = [workflow.advance_stage(election=village_election, to=to, by=by, note=note)]
        except ValidationError as exc:
            # The codes ride along so that a script can tell the gates apart.
            codes = sorted({e.code for e in exc.error_list if e.code})
            raise CommandError(" ".join(exc.messages) + f" [{', '.join(codes)}]") from exc
        for change in changes:
            self.stdout.write(
                _("The election moved to “%(stage)s”.") % {"stage": change.get_to_stage_display()}
            )

"""`python manage.py anchor_trail`: write the chain head to the anchor file now (and mail it)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from trail.services import record_anchor


class Command(BaseCommand):
    help = (
        "Append the activity trail's chain head (entry number, hash, short code) to TRAIL_ANCHOR_FILE and "
        "mail it to TRAIL_ANCHOR_EMAILS. The nightly beat does this already; run it by hand before and "
        "after maintenance of the database. A head already anchored is not written again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reason", default="manual", help="why the anchor is taken (default: manual)")

    def handle(self, *args, reason, **options):
        try:
            recorded = record_anchor(reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except OSError as exc:
            raise CommandError(f"cannot write the anchor file {settings.TRAIL_ANCHOR_FILE}: {exc}") from exc
        if recorded is None:
            self.stdout.write("The trail is empty: nothing to anchor.")
            return
        anchor = recorded.anchor
        if not recorded.written:
            self.stdout.write(f"Already anchored: {anchor.code} ({anchor.seq}:{anchor.digest}).")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Anchored {anchor.code} ({anchor.seq}:{anchor.digest}) in {settings.TRAIL_ANCHOR_FILE}."
            )
        )
        if recorded.mailed:
            self.stdout.write(f"Mailed to {', '.join(settings.TRAIL_ANCHOR_EMAILS)}.")

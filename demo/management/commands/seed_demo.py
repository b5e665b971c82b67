"""Build the demo province: one builder per app, in floor order, the lifecycle last."""

import time
from datetime import date
from random import Random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from demo import audits, base, candidates, lifecycle, risk, voters
from demo.base import DEMO_PASSWORD, DemoContext
from elections.models import Region

#: The builders in floor order: each reads what the ones before it made.
BUILDERS = (
    ("elections", base),
    ("voters", voters),
    ("candidates", candidates),
    ("audits", audits),
    ("risk", risk),
    ("workflow", lifecycle),
)


class Command(BaseCommand):
    help = "Load demo data: a realistic county (300 villages) or, with --scale, many more; prints the logins."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=300, help="number of villages (default 300)")
        parser.add_argument("--seed", type=int, default=20261124, help="random seed (fixed by default)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when regions already exist")

    def handle(self, *args, scale, seed, if_empty, **options):
        if Region.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                self._print_logins()
                return
            self.stderr.write("The database already holds regions; seed_demo fills an empty database only.")
            raise SystemExit(1)
        ctx = DemoContext(rng=Random(seed), villages=scale, today=date.today())
        with transaction.atomic():
            for label, builder in BUILDERS:
                started = time.perf_counter()
                builder.seed(ctx)
                self.stdout.write(f"{label}: {time.perf_counter() - started:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {scale} villages."))
        self._print_logins()

    def _print_logins(self):
        from accounts.models import User

        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for user in (
            User.objects.filter(
                username__in=[
                    "admin",
                    "city_reviewer",
                    "county_reviewer",
                    "township_office",
                    "village_clerk",
                    "department_reviewer",
                ]
            )
            .select_related("region")
            .order_by("id")
        ):
            where = user.region.name if user.region else "—"
            self.stdout.write(f"  {user.username:<20} {user.get_role_display()} · {where}")
        if settings.DEBUG:
            self.stdout.write("Open http://127.0.0.1:8000/")

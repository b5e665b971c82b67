"""Build the demo: one builder per app, in floor order, the lifecycle last."""

import time
from datetime import date
from random import Random
from types import SimpleNamespace

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from demo import audits, ballots, base, candidates, lifecycle, risk, rolls, voters
from demo.base import DEFAULT_COUNTIES, DEMO_PASSWORD, DemoContext
from elections.models import Region, VillageElection

#: The builders in floor order: each reads what the ones before it made.
BUILDERS = (
    ("elections", base),
    ("voters (first part of the rolls)", voters),
    ("audits", audits),
    ("risk (past weeks)", SimpleNamespace(seed=risk.seed_history)),
    ("candidates", candidates),
    ("ballots", ballots),
    ("workflow", lifecycle),
    ("risk (this week)", SimpleNamespace(seed=risk.rate_this_week)),
)
LOGINS = (
    "admin",
    "city_reviewer",
    "county_reviewer",
    "township_office",
    "village_clerk",
    "department_reviewer",
)


class Command(BaseCommand):
    # No system checks of its own (make test and manage.py check run them): they cost a first start most
    # of a second, and make run's runserver skips them too.
    requires_system_checks = []
    help = (
        "Load demo data on the real places of Jinhua (by default 婺城区 and 金东区: 797 villages and "
        "communities), every village's records consistent with its stage; prints the logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--counties",
            nargs="+",
            default=list(DEFAULT_COUNTIES),
            help="6-digit codes of the Jinhua counties to build (default: 330702 330703)",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=None,
            help="build this many villages instead, spread over the townships of the counties "
            "(beyond Jinhua's 3,300, generated places: for benchmarks)",
        )
        parser.add_argument("--seed", type=int, default=20261124, help="random seed (fixed by default)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when regions already exist")
        parser.add_argument(
            "--rolls-later",
            action="store_true",
            help="load the rest of the voter rolls in the background (demo.rolls) and return at once; "
            "make run uses it, so the pages answer while the rolls load",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="apply the migrations first, in the same process (make run: one start of Django fewer)",
        )
        parser.add_argument(
            "--rolls-only",
            action="store_true",
            help="only complete the voter rolls a seed left to load (resumes a load stopped halfway)",
        )

    def handle(self, *args, counties, scale, seed, if_empty, rolls_later, rolls_only, migrate, **options):
        if migrate:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        if rolls_only:
            self._rest_of_the_rolls(later=False, verbosity=options["verbosity"])
            return
        if Region.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                self._rest_of_the_rolls(later=rolls_later)  # a load stopped halfway resumes
                self._print_logins()
                return
            self.stderr.write("The database already holds regions; seed_demo fills an empty database only.")
            raise SystemExit(1)
        known = {code[:6] for code, _name in base.real_places() if code[6:] == "000000" and code[4:6] != "00"}
        unknown = sorted(set(counties) - known)
        if unknown:
            raise CommandError(
                f"Unknown county codes: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        ctx = DemoContext(rng=Random(seed), villages=scale, today=date.today(), counties=tuple(counties))
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # the indexes of a few hundred thousand rows in memory
                cursor.execute("PRAGMA cache_size = -65536")
        with transaction.atomic():
            for label, builder in BUILDERS:
                started = time.perf_counter()
                builder.seed(ctx)
                self.stdout.write(f"{label}: {time.perf_counter() - started:.1f}s")
        self._rest_of_the_rolls(later=rolls_later)
        stages = lifecycle.stage_counts(ctx)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: {ctx.villages} villages.")
            + " "
            + ", ".join(f"{stage} {stages[stage]}" for stage in lifecycle.STAGE_LABELS if stages[stage])
        )
        self._print_election_night(ctx)
        self._print_logins()

    def _rest_of_the_rolls(self, *, later: bool, verbosity: int = 1) -> None:
        """The rolls' residents the seed left (demo.rolls): here and now, or in the background."""
        if rolls.pending() is None:
            return
        if later:
            where = rolls.start_background()
            self.stdout.write(f"The rest of the voter rolls is loading in the background ({where}).")
            return
        started = time.perf_counter()
        state = rolls.load_pending(out=self.stdout if verbosity > 1 else None)
        self.stdout.write(
            f"rolls (the rest): {time.perf_counter() - started:.1f}s, {state.villages} villages"
        )

    def _print_election_night(self, ctx):
        """The villages at each point of the election night (demo.ballots.STATES), the first three by name."""
        night = ballots.states(ctx)
        shown = [pk for ids in night.values() for pk in ids[:3]]
        names = dict(VillageElection.objects.filter(pk__in=shown).values_list("pk", "village__name"))
        parts = [
            f"{label} {len(ids)} ({'、'.join(names[pk] for pk in ids[:3])}{'…' if len(ids) > 3 else ''})"
            for key, label in ballots.STATES
            if (ids := night.get(key))
        ]
        if parts:
            self.stdout.write("Election night: " + "; ".join(parts))

    def _print_logins(self):
        from accounts.models import User

        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        users = User.objects.filter(username__in=LOGINS).select_related("region").order_by("id")
        for user in users:
            where = user.region.name if user.region else "—"
            self.stdout.write(f"  {user.username:<20} {user.get_role_display()} · {where}")
        departments = User.objects.filter(username__startswith="dept_").exclude(username__regex=r"_\d{6}$")
        names = ", ".join(departments.order_by("username").values_list("username", flat=True))
        if names:
            self.stdout.write(f"  joint-review departments: {names}")
        if settings.DEBUG:
            self.stdout.write("Open http://127.0.0.1:8000/")

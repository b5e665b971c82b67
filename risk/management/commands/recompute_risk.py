"""Recompute the weekly three-colour rating now, in this process (or, with --queue, on the workers)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from risk import recompute, tasks
from risk.services import ensure_default_weights
from risk.weeks import week_of


class Command(BaseCommand):
    help = "Recompute the three-colour risk rating of a week for every county of the current cycles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--week", help="any day of the week to recompute, YYYY-MM-DD (default: this week)"
        )
        parser.add_argument("--county", help="only this county (12-digit division code)")
        parser.add_argument(
            "--queue", action="store_true", help="send one Celery task per county instead of working here"
        )

    def handle(self, *args, week, county, queue, **options):
        try:
            day = date.fromisoformat(week) if week else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--week must be a date YYYY-MM-DD, not {week!r}") from exc
        monday = week_of(day)
        if queue:
            sent = tasks.recompute_week.delay(monday.isoformat()).get()
            self.stdout.write(f"Sent {sent} county tasks for the week of {monday}.")
            return
        cycles = recompute.current_cycles()
        if not cycles:
            raise CommandError("There is no current election cycle.")
        total = 0
        for cycle in cycles:
            ensure_default_weights(cycle=cycle)
            counties = recompute.counties_of(cycle)
            if county:
                counties = [c for c in counties if c == county]
            for code in counties:
                result = recompute.recompute_county(cycle=cycle, county_code=code, week=monday)
                total += result.villages
                self.stdout.write(
                    f"{code} {monday}: {result.villages} villages, {result.red} red, {result.orange} orange, "
                    f"{result.green} green, {result.stuck} stuck, {result.suspect} suspect "
                    f"({result.seconds:.2f}s)"
                )
        self.stdout.write(self.style.SUCCESS(f"Recomputed {total} villages for the week of {monday}."))

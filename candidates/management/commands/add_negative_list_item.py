"""Add a county's own item to the negative list ("十不选"; up to 15 items in all for its villages)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from candidates import services
from elections.models import ElectionCycle, Region


class Command(BaseCommand):
    help = (
        "Add a county's own negative-list item for a cycle (the list a village sees holds at most 15 items)."
    )

    def add_arguments(self, parser):
        parser.add_argument("cycle", type=int, help="election cycle id")
        parser.add_argument("county", help="the county's 12-digit division code")
        parser.add_argument("text", help="the item, as the county's document words it")

    def handle(self, *args, cycle, county, text, **options):
        try:
            cycle_obj = ElectionCycle.objects.get(pk=cycle)
            region = Region.objects.get(code=county, level="county")
        except (ElectionCycle.DoesNotExist, Region.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        try:
            item = services.add_negative_list_item(cycle=cycle_obj, region=region, text=text, by=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{item.number}. {item.text}")

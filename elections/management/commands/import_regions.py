import json

from django.core.management.base import BaseCommand, CommandError

from elections.importing import read_region_file
from elections.services import import_regions


class Command(BaseCommand):
    help = "Import a region list (CSV or Excel with 区划代码, 名称, 人口, 户数 … columns); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            rows = read_region_file(file)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        result = import_regions(rows=rows)
        if result.errors:
            for error in result.errors:
                self.stderr.write(json.dumps(error, ensure_ascii=False))
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported")
        self.stdout.write(f"created {result.created}, updated {result.updated}")

import hashlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from python_calamine import CalamineError

from elections.importing import read_region_file
from elections.services import import_regions


class Command(BaseCommand):
    help = (
        "Import a region list (CSV or Excel: 统计用区划代码, 名称, 城乡分类代码, 人口, 户数 … as the statistics "
        "bureau publishes it); all or nothing, and a re-import changes only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and count only, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
            rows = read_region_file(path)
            result = import_regions(rows=rows, source=path.name, sha256=sha256, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(
                _("The file cannot be opened: %(error)s") % {"error": exc.strerror or exc}
            ) from exc
        except (ValueError, CalamineError) as exc:  # not UTF-8 or GB18030 text, not a spreadsheet
            raise CommandError(_("The file cannot be read: %(error)s") % {"error": exc}) from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(json.dumps(error, ensure_ascii=False))
            message = _("%(count)s error(s); nothing was imported.") % {"count": result.error_count}
            if result.error_count > len(result.errors):
                message += " " + _("The first %(shown)s are listed.") % {"shown": len(result.errors)}
            raise CommandError(message)
        counts = f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        self.stdout.write(counts + (" (dry run: nothing was written)" if dry_run else ""))

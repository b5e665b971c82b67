"""`python manage.py verify_trail`: prove that no trail entry was altered, removed or inserted, and that
the chain still holds every anchor recorded outside the database."""

from django.core.management.base import BaseCommand, CommandError

from trail.anchors import Anchor, parse_code, short_code
from trail.services import pending_count, read_anchor_file, seal_pending, verify_chain


def _anchor(text: str) -> Anchor:
    try:
        seq, digest = parse_code(text)
    except ValueError:
        raise CommandError(
            f"an anchor is NUMBER:SHA256 as printed by verify_trail, or a code from a paper such as "
            f"#12345·3F9A-C21B, not {text!r}"
        ) from None
    return Anchor(seq=seq, digest=digest, source="given with --anchor")


class Command(BaseCommand):
    help = (
        "Check the hash chain of the activity trail, and check it against every anchor in "
        "TRAIL_ANCHOR_FILE (the chain heads written down outside the database each night and at each "
        "milestone). Prints the number of entries checked and the head, or every problem with the entry "
        "it concerns, and then exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="NUMBER:SHA256 or CODE",
            help="a head printed by an earlier run, or the short code of a paper (#12345·3F9A-C21B); the "
            "entry with that number must still have that hash",
        )
        parser.add_argument(
            "--anchor-file",
            metavar="PATH",
            help="check against this copy of the anchor file (e.g. the county's) instead of "
            "TRAIL_ANCHOR_FILE",
        )

    def handle(self, *args, anchor, anchor_file, **options):
        given = [_anchor(a) for a in anchor]
        recorded = read_anchor_file(anchor_file)
        # Every committed change is checked: what still waits for its seal is chained first.
        sealed = seal_pending()
        if sealed:
            self.stdout.write(f"Sealed {sealed} pending entries first.")
        waiting, oldest = pending_count()
        if waiting:
            # Written while this ran (or the sealer fails: then the problems below say why).
            self.stdout.write(
                self.style.WARNING(
                    f"{waiting} entries still wait for their seal (oldest {oldest:%Y-%m-%d %H:%M:%S})."
                )
            )
        result = verify_chain(anchors=[*recorded.anchors, *given])
        for number, why in recorded.unreadable:
            self.stderr.write(f"anchor file {recorded.path}, line {number}: unreadable: {why}")
        if result.ok and not recorded.unreadable:
            self.stdout.write(
                self.style.SUCCESS(f"OK: {result.checked} entries checked, the chain is intact.")
            )
            self.stdout.write(f"Head: {result.head_seq}:{result.head_hash}")
            if result.head_seq:
                self.stdout.write(f"Code: {short_code(result.head_seq, result.head_hash)}")
            if recorded.exists:
                self.stdout.write(f"Anchors: {len(recorded.anchors)} checked from {recorded.path}.")
            else:
                self.stdout.write(
                    self.style.WARNING(
                        f"No anchor file at {recorded.path}: only the chain's own consistency was checked, "
                        "and a chain rewritten or emptied as a whole would pass."
                    )
                )
            return
        for problem in result.problems:
            self.stderr.write(f"entry {problem.seq}: {problem.kind}: {problem.detail}")
        count = len(result.problems) + len(recorded.unreadable)
        raise CommandError(f"{count} problem(s) in the trail after checking {result.checked} entries.")

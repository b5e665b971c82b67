"""`python manage.py verify_trail`: prove that no trail entry was altered, removed or inserted."""

from django.core.management.base import BaseCommand, CommandError

from trail.services import verify_chain


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"an anchor is NUMBER:SHA256 as printed by verify_trail, not {text!r}")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = (
        "Check the hash chain of the activity trail. Prints the number of entries checked and the head "
        "(write it down elsewhere and pass it back with --anchor to prove the chain was not rewritten), "
        "or every problem with the entry it concerns, and then exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="NUMBER:SHA256",
            help="a head printed by an earlier run; the entry with that number must still have that hash",
        )

    def handle(self, *args, anchor, **options):
        result = verify_chain(anchors=[_anchor(a) for a in anchor])
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(f"OK: {result.checked} entries checked, the chain is intact.")
            )
            self.stdout.write(f"Head: {result.head_seq}:{result.head_hash}")
            return
        for problem in result.problems:
            self.stderr.write(f"entry {problem.seq}: {problem.kind}: {problem.detail}")
        raise CommandError(
            f"{len(result.problems)} problem(s) in the trail after checking {result.checked} entries."
        )

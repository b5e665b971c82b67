"""The roll's Excel export, registered with the ground floor's export door (`elections.exports`).

One query reads the roll's columns as tuples (no model instances, no query per row); the roll order
(`selectors.roll_order_key`, computed once per distinct group and name) and the displayed words are
applied in Python, the words from tables translated once per export: a quarter of the CPU of reading
model instances and their `get_*_display` (tests/benchmarks/test_exports.py), most of what is left being
the stroke-order keys."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from accounts.scoping import get_visible_or_404
from elections import exports
from elections.models import VillageElection
from elections.ordering import stroke_order_key
from voters import selectors
from voters.groups import group_order_key
from voters.models import Category, Sex, Status
from voters.rules import mask_id_number

COLUMNS = (
    "id",
    "group",
    "resident__name",
    "resident__id_number",
    "resident__sex",
    "resident__birth_date",
    "category",
    "status",
    "resident__phone",
)


@exports.register("voters.roll")
def roll(*, user, election_id: int) -> exports.Sheet:
    """The whole roll of one village's election in roll order, ID numbers as `user` may see them."""
    election = get_visible_or_404(VillageElection.objects.select_related("village"), user, pk=election_id)
    registrations = selectors.registrations(user=user, election=election)
    return exports.Sheet(
        filename=f"{election.village.name}选民名单.xlsx",
        title=_("Voter roll"),
        headers=[
            _("Village group"),
            _("Name"),
            _("ID number"),
            _("Sex"),
            _("Birth date"),
            _("Category"),
            _("Status"),
            _("Phone"),
        ],
        rows=roll_rows(user=user, election=election),
        count=registrations.count(),
        division_code=election.division_code,
    )


def roll_rows(*, user, election: VillageElection) -> Iterator[tuple]:
    """The roll's rows as the export writes them (read when the first row is asked for)."""
    found = list(selectors.registrations(user=user, election=election).values_list(*COLUMNS))
    in_roll_order(found)
    full_ids = selectors.sees_full_id_numbers(user)
    sexes = {value: str(label) for value, label in Sex.choices}
    categories = {value: str(label) for value, label in Category.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    for _pk, group, name, id_number, sex, birth, category, status, phone in found:
        yield (
            group,
            name,
            id_number if full_ids else mask_id_number(id_number),
            sexes.get(sex, sex),
            birth,
            categories.get(category, category),
            statuses.get(status, status),
            phone,
        )


def in_roll_order(rows: list[tuple]) -> None:
    """Sort (id, group, name, ...) rows in place in the order of `selectors.roll_order_key`, then id.

    The same order, cheaper: each distinct group and name is keyed once (a roll repeats its groups on
    every row, and many of its names), and the rows are then compared as small integers (the rank of
    their keys among the distinct keys) rather than as nested stroke tuples."""
    group_keys = {group: group_order_key(group) for group in {row[1] for row in rows}}
    name_keys = {name: stroke_order_key(name) for name in {row[2] for row in rows}}
    group_rank = _ranks(group_keys)
    name_rank = _ranks(name_keys)
    rows.sort(key=lambda row: (group_rank[row[1]], name_rank[row[2]], row[0]))


def _ranks(keys: dict[str, tuple]) -> dict[str, int]:
    """Each text's rank among the distinct keys (texts with equal keys share a rank)."""
    rank = {key: i for i, key in enumerate(sorted(set(keys.values())))}
    return {text: rank[key] for text, key in keys.items()}

"""Close relatives read from household registers (与户主关系), for the avoidance rules (近亲属回避).

Pure: from the members of one household (resident id, relationship to the head) to kinship links in the
canonical direction of `voters.models.Kinship` — (person, relative, kind) means "person is the relative's
kind". Assumptions a clerk should know (DOMAIN.md "Households"): the head's spouse is taken as the parent
of the head's children and the grandparent of the head's grandchildren; a son- or daughter-in-law is not
linked (the register does not say to which child). Links the register cannot give are entered by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

Link = tuple[int, int, str]


def household_links(members: Iterable[tuple[int, str]]) -> set[Link]:
    """Kinship links implied by one household's relationships to its head."""
    by_relation: dict[str, list[int]] = defaultdict(list)
    for resident_id, relation in members:
        by_relation[relation or "other"].append(resident_id)
    heads = by_relation["head"][:1]
    if not heads:
        return set()
    head = heads[0]
    spouses = by_relation["spouse"][:1]
    couple = [head, *spouses]
    children, parents = by_relation["child"], by_relation["parent"]
    grandchildren, grandparents = by_relation["grandchild"], by_relation["grandparent"]
    siblings = by_relation["sibling"]
    links: set[Link] = set()
    for spouse in spouses:
        links.add((min(head, spouse), max(head, spouse), "spouse"))
    for parent in couple:
        links.update((parent, child, "parent") for child in children)
        links.update((parent, grandchild, "grandparent") for grandchild in grandchildren)
    for parent in parents:
        links.add((parent, head, "parent"))
        links.update((parent, sibling, "parent") for sibling in siblings)
        links.update((parent, child, "grandparent") for child in children)
    for grandparent in grandparents:
        links.add((grandparent, head, "grandparent"))
    for in_law in by_relation["parent_in_law"]:
        links.update((in_law, spouse, "parent") for spouse in spouses)
    for group in (children, [head, *siblings]):
        links.update((min(a, b), max(a, b), "sibling") for a, b in combinations(group, 2))
    return links

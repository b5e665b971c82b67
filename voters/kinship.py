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


# The relations a township records, as people say them ("甲 is 乙's …"): the six close relatives of
# DOMAIN.md "Close-relative avoidance". The values are `voters.models.Kinship.Kind`'s and their inverses.
SAID = ("spouse", "parent", "child", "sibling", "grandparent", "grandchild")
# Each said relation stored the other way round: a child is the parent's link reversed.
_REVERSED = {"child": "parent", "grandchild": "grandparent"}
_SYMMETRIC = frozenset({"spouse", "sibling"})
# The elder of a stored link: (person, relative, kind) with the person as the parent or grandparent.
ELDER_KINDS = frozenset({"parent", "grandparent"})

# Words written in a relationship sheet's 关系 column (甲方是乙方的…) → a said relation.
SAID_WORDS = {
    "spouse": ("配偶", "夫妻", "丈夫", "妻子", "夫", "妻"),
    "parent": ("父母", "父亲", "母亲", "父", "母", "爸爸", "妈妈"),
    "child": ("子女", "儿子", "女儿", "子", "女"),
    "sibling": (
        "兄弟姐妹",
        "兄弟",
        "姐妹",
        "兄妹",
        "姐弟",
        "兄",
        "弟",
        "姐",
        "妹",
        "哥哥",
        "弟弟",
        "姐姐",
        "妹妹",
    ),
    "grandparent": (
        "祖父母/外祖父母",
        "祖父母",
        "外祖父母",
        "祖父",
        "祖母",
        "外祖父",
        "外祖母",
        "爷爷",
        "奶奶",
        "外公",
        "外婆",
    ),
    "grandchild": (
        "孙子女/外孙子女",
        "孙子女",
        "外孙子女",
        "孙子",
        "孙女",
        "外孙",
        "外孙女",
    ),
}
SAID_BY_WORD = {word: said for said, words in SAID_WORDS.items() for word in (*words, said)}


def canonical_link(person: int, relative: int, said: str) -> Link:
    """The stored form of "person is `said` of relative": (person, relative, kind) where the person is the
    relative's kind; a child or grandchild is the parent's or grandparent's link reversed, and a spouse or
    sibling link is stored once per pair, the lower id first (as `household_links` stores them)."""
    if said not in SAID:
        raise ValueError(f"not a close relation: {said!r}")
    if said in _REVERSED:
        return (relative, person, _REVERSED[said])
    if said in _SYMMETRIC:
        return (min(person, relative), max(person, relative), said)
    return (person, relative, said)


def birth_order_contradicts(kind: str, person_born, relative_born) -> bool:
    """Whether the birth dates make a stored link impossible: a parent or grandparent (the person) not
    born before the child or grandchild. Only the obvious case: no minimum age gap is assumed."""
    if kind not in ELDER_KINDS or person_born is None or relative_born is None:
        return False
    return person_born >= relative_born

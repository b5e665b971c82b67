"""Pure rules of the statistical division code (统计用区划代码), DOMAIN.md "Geography".

A code has 12 digits: 2 province, 2 city, 2 county, 3 township, 3 village. A unit's own digits are
followed by zeros, so the non-zero head of the code (its prefix) is shared by everything under it.
"""

import re

LEVELS = ("province", "city", "county", "township", "village")
PREFIX_LENGTH = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
PARENT_LEVEL = {"city": "province", "county": "city", "township": "county", "village": "township"}
CODE_RE = re.compile(r"^\d{12}$")


def level_of(code: str) -> str:
    """The level of a 12-digit code, read from where its trailing zeros start."""
    if not CODE_RE.match(code):
        raise ValueError(f"not a 12-digit division code: {code!r}")
    if code[9:] != "000":
        return "village"
    if code[6:9] != "000":
        return "township"
    if code[4:6] != "00":
        return "county"
    if code[2:4] != "00":
        return "city"
    return "province"


def prefix_of(code: str, level: str | None = None) -> str:
    """The prefix that every code under this unit starts with."""
    return code[: PREFIX_LENGTH[level or level_of(code)]]


def parent_code(code: str, level: str | None = None) -> str | None:
    """The code of the unit directly above (None for a province); `level`: the code's, if known."""
    level = level or level_of(code)
    if level == "province":
        return None
    keep = PREFIX_LENGTH[PARENT_LEVEL[level]]
    return code[:keep].ljust(12, "0")


def ancestor_codes(code: str) -> list[str]:
    """The codes of every unit above this one, nearest first."""
    chain = []
    parent = parent_code(code)
    while parent is not None:
        chain.append(parent)
        parent = parent_code(parent)
    return chain


# A unit above a village may be given by its own digits only (33, 3307, 330702, 330702001): the
# administrative code tables and many county lists write them so.
SHORT_CODE_LENGTHS = frozenset(PREFIX_LENGTH.values())


def full_code(raw: str) -> str | None:
    """The 12-digit code of `raw` (12 digits, or a unit's own 2, 4, 6 or 9), None when it is not one."""
    if len(raw) in SHORT_CODE_LENGTHS and raw.isascii() and raw.isdigit():
        return raw.ljust(12, "0")
    return None


# The statistics bureau lists a village-level unit under the name of its committee: 傅山村民委员会,
# 蟠龙村委会, 桃园社区居委会, 柳城居委会. Each suffix gives the short form the papers print and whether
# the unit is a villagers' committee (村) or a residents' committee (社区). Longest suffixes first.
_VILLAGE_SUFFIXES = {
    "社区居民委员会": ("社区", True),
    "社区居委会": ("社区", True),
    "居民委员会": ("社区", True),
    "居委会": ("社区", True),
    "村民委员会": ("村", False),
    "村委会": ("村", False),
}
_SUFFIX_LENGTHS = sorted({len(s) for s in _VILLAGE_SUFFIXES}, reverse=True)  # the longest suffix first
_TOWNSHIP_SUFFIXES = {"街道办事处": "街道"}


def short_name(official: str, level: str) -> tuple[str, bool | None]:
    """(The short name, whether a community) of a unit listed as `official`; None: the name does not say.

    傅山村民委员会 → (傅山村, False); 仓里村村民委员会 → (仓里村, False); 桃园社区居委会 → (桃园社区, True);
    柳城居委会 → (柳城社区, True); 仙舟社区 → (仙舟社区, True); 东兴生活区 → (东兴生活区, None);
    城东街道办事处 → (城东街道, None). Units above a township keep their name.
    """
    if level == "village":
        for length in _SUFFIX_LENGTHS:
            found = _VILLAGE_SUFFIXES.get(official[-length:]) if len(official) > length else None
            if found is not None:
                kind, community = found
                head = official[:-length]
                return (head if head.endswith(kind) else head + kind), community
        return official, True if official.endswith("社区") else None
    if level == "township":
        for suffix, kind in _TOWNSHIP_SUFFIXES.items():
            if official.endswith(suffix) and len(official) > len(suffix):
                return official[: -len(suffix)] + kind, None
    return official, None


def common_unit(common_prefix: str) -> str:
    """The 12-digit code of the smallest unit whose prefix `common_prefix` (of a set of codes) starts with;
    000000000000 (the whole country) when the codes span more than one province."""
    for length in sorted(SHORT_CODE_LENGTHS, reverse=True):
        if len(common_prefix) >= length:
            return common_prefix[:length].ljust(12, "0")
    return "0" * 12

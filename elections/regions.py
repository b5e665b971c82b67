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


def parent_code(code: str) -> str | None:
    """The code of the unit directly above (None for a province)."""
    level = level_of(code)
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

"""Village groups (村民小组): one canonical name per group, and the numeric order of groups.

Clerks write the same group many ways: 一组, 1组, 01组, 第一组, 第1组, 第一小组, 第一村民小组, 一队, or just
1. All of them are the group numbered 1, stored and printed as ``第一村民小组`` (the canonical form: the
name the law gives the unit, with the number in Chinese numerals, as the roll posted on the notice board
writes it). A group whose name carries no number (东山组, 老街) is kept as typed, after the numbered ones.

Pure (no Django): used by the roll reader and the form (one cleaner, ``reading._CLEANERS["group"]``), the
data migration that normalised the stored groups, and every ordering of the roll (screen, print, Excel).
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = "零一二三四五六七八九"
_CHINESE_DIGITS = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_NUMBER = r"[0-9]+|[零〇一二两三四五六七八九十百]+"
# 第? number (组 | 小组 | 村民小组 | 村民组 | 队 | 生产队)? — the whole text, nothing else.
_GROUP = re.compile(rf"第?({_NUMBER})(?:村民小组|村民组|小组|组|生产队|队)?")
CANONICAL = "第{}村民小组"
MAX_GROUP = 999


def chinese_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十一 → 11, 二十 → 20, 一百零五 → 105, also digit by digit (一〇 → 10); else None."""
    if not text or any(c not in _CHINESE_DIGITS and c not in "十百" for c in text):
        return None
    if "十" not in text and "百" not in text:
        value = 0
        for char in text:
            value = value * 10 + _CHINESE_DIGITS[char]
        return value
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CHINESE_DIGITS[char]
    return total + current


def to_chinese(number: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (1 ≤ number ≤ 999)."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    text = ""
    if hundreds:
        text += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            text += "零"
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if units:
        text += _DIGITS[units]
    return text


def group_number(group: str) -> int | None:
    """The number of a group written in any of the usual ways, or None for a group without one."""
    text = "".join(unicodedata.normalize("NFKC", group or "").split())
    match = _GROUP.fullmatch(text)
    if match is None:
        return None
    digits = match.group(1)
    number = int(digits) if digits.isdigit() else chinese_number(digits)
    if number is None or not 1 <= number <= MAX_GROUP:
        return None
    return number


def normalise_group(group: str | None) -> str:
    """The canonical name of a group (一组, 1组, 第一村民小组 … → 第一村民小组); a name without a number as
    typed (spaces collapsed); "" for no group."""
    text = " ".join(unicodedata.normalize("NFKC", group or "").split())
    number = group_number(text)
    if number is None:
        return text
    return CANONICAL.format(to_chinese(number))


def group_order_key(group: str | None) -> tuple:
    """Groups in the order the roll lists them: numbered groups by number (1, 2, …, 10, 11), then the
    named ones by their text, then people without a group."""
    if not group:
        return (2, 0, "")
    number = group_number(group)
    if number is not None:
        return (0, number, "")
    return (1, 0, group)

"""Surname stroke order (姓氏笔画顺序) for notices, roll prints and exports.

The stroke data (``data/strokes.txt``) holds, for about 6,900 mainland standard simplified characters,
their strokes in writing order reduced to the five classes 1 横, 2 竖, 3 撇, 4 点, 5 折. It is generated
from the MIT-licensed ``cnchar-order`` package by ``data/build_stroke_data.py``; see ``data/README.md``.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar, cast

T = TypeVar("T")

# One character's key: (0, stroke count, stroke classes, code point) for characters in the data and
# (1, 0, (), code point) for any other character, so unknown characters sort after every known one
# at the same position, among themselves by code point.
CharKey = tuple[int, int, tuple[int, ...], int]
# A name's key: (surname characters, given-name characters).
NameKey = tuple[tuple[CharKey, ...], tuple[CharKey, ...]]

DATA_FILE = Path(__file__).with_name("data") / "strokes.txt"

# Common two-character surnames (复姓). A name starting with one of these and longer than it is split
# after the compound; see stroke_order_key for the only case where that changes the order.
# fmt: off
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "令狐", "夏侯", "轩辕", "端木", "南宫", "西门", "呼延", "澹台",
    "申屠", "淳于", "独孤", "司空", "闻人", "钟离", "万俟", "赫连", "拓跋", "百里",
})
# fmt: on

# Separators in transliterated names (阿依古丽·买买提). They take part in the key like any other
# unknown character but are expected, so unknown_characters does not report them.
NAME_SEPARATORS = frozenset("\u00b7\u2022\u2027\u30fb")


@functools.cache
def _stroke_table() -> dict[str, tuple[int, ...]]:
    table = {}
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            char, classes = line.split("\t")
            table[char] = tuple(int(digit) for digit in classes)
    return table


def _normalise(name: str) -> str:
    """NFKC (full-width to half-width, compatibility ideographs to unified ones), whitespace removed."""
    return "".join(char for char in unicodedata.normalize("NFKC", name) if not char.isspace())


def stroke_sequence(char: str) -> tuple[int, ...] | None:
    """Stroke classes of one character in writing order (1 横 2 竖 3 撇 4 点 5 折), or None if unknown.

    Its length is the stroke count (mainland standard forms: 邓 4, 陈 7, 黄 11).
    """
    return _stroke_table().get(char)


def _char_key(char: str) -> CharKey:
    sequence = stroke_sequence(char)
    if sequence is None:
        return (1, 0, (), ord(char))
    return (0, len(sequence), sequence, ord(char))


def stroke_order_key(name: str) -> NameKey:
    """Sort key putting names in surname stroke order (DOMAIN.md "Surname stroke order").

    Names are compared by the surname first, then by the given name, each character by character:
    fewer strokes first; at equal count, the strokes in writing order compared one by one in the
    classes 横 < 竖 < 撇 < 点 < 折 (提 counts as 横, 竖钩 as 竖, 捺 as 点, any other turning or hooked
    stroke as 折), using the mainland standard simplified forms (艹 is 3 strokes, 阝 is 2). So 王 (横)
    < 方 (点) < 孔 (折) at 4 strokes, 李 (…折竖横) < 杨 (…折撇撇) at 7, and a name that is a prefix
    of another comes first (王一 < 王一二).

    Compound surnames (复姓, COMPOUND_SURNAMES) rank by their first character like any surname and
    then continue character by character, which is what comparing the full name character by
    character does anyway. The split only matters when a one-character surname is the start of a
    compound one: all 欧 names come before all 欧阳 names (欧燕 < 欧阳修 although 燕 has more strokes
    than 阳), keeping each surname together. A name is only split after a compound surname if it
    has more characters than the compound, so the two-character name 司马 is surname 司, given name 马.

    Whitespace is ignored and the name is NFKC-normalised first (full-width Ａ is A). Characters not in
    the stroke data (rare characters, traditional forms, Latin letters, digits, middle dots) are kept
    and sort after every known character at the same position, among themselves by code point;
    known characters with identical strokes (己 已 巳) are also told apart by code point, so two
    names have equal keys only if they are the same after normalisation.
    """
    normalised = _normalise(name)
    surname_length = 2 if len(normalised) > 2 and normalised[:2] in COMPOUND_SURNAMES else 1
    return (
        tuple(_char_key(char) for char in normalised[:surname_length]),
        tuple(_char_key(char) for char in normalised[surname_length:]),
    )


def sort_by_stroke_order(items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """Return items sorted in surname stroke order of key(item) (the item itself when key is None)."""
    name_of = key if key is not None else (lambda item: cast(str, item))
    return sorted(items, key=lambda item: stroke_order_key(name_of(item)))


def unknown_characters(name: str) -> list[str]:
    """Characters of name (after normalisation) missing from the stroke data, each once, in order.

    They still sort deterministically (see stroke_order_key), but a clerk should check them: a typo,
    a traditional form (陳 for 陈) or a character outside the data all land here. Whitespace and the
    middle dots of transliterated names are not reported.
    """
    table = _stroke_table()
    unknown = [char for char in _normalise(name) if char not in table and char not in NAME_SEPARATORS]
    return list(dict.fromkeys(unknown))

"""Build ``strokes.txt`` (stroke classes per character) from the npm package ``cnchar-order``.

The package (MIT, https://github.com/theajack/cnchar) ships its data inside the minified bundle
``cnchar.order.min.js`` as two ``JSON.parse('...')`` literals: a dictionary ``character -> letters``
(one letter per stroke, in writing order, mainland simplified forms) and a stroke table
``letter -> {name, type, shape, ...}``. This script reads both straight from the file, so no Node
runtime is needed to run it (only ``npm`` to fetch the package).

Every fine stroke is mapped to the five classes used for surname stroke order (笔形):
1 横 (提 included), 2 竖 (竖钩 included), 3 撇, 4 点 (捺 included), 5 折 (every other stroke
with a turn or hook). A handful of upstream entries that contradict the package's own spelling of
the same component elsewhere are corrected in ``OVERRIDES`` below.

Re-run (from the repository root)::

    mkdir -p /tmp/cnchar && cd /tmp/cnchar && npm install cnchar-order@3.2.6 && cd -
    .venv/bin/python elections/data/build_stroke_data.py /tmp/cnchar/node_modules/cnchar-order

It rewrites ``elections/data/strokes.txt``; if the package version changes, update
``LICENSE-cnchar.txt`` and ``README.md`` beside it as well.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

BUNDLE = "cnchar.order.min.js"
OUTPUT = Path(__file__).with_name("strokes.txt")
JSON_LITERAL = re.compile(r"JSON\.parse\('(.*?)'\)", re.DOTALL)

# Straight (non-turning) strokes by their name in the package's stroke table; everything else the
# table marks as 折笔 (turning stroke) is class 5. "点2" is the package's second dot shape (the
# first dot of 宀 and 心).
STRAIGHT_STROKE_CLASSES = {
    "横": 1,
    "提": 1,
    "竖": 2,
    "竖钩": 2,
    "撇": 3,
    "点": 4,
    "点2": 4,
    "捺": 4,
}
TURNING_STROKE_TYPE = "折笔"
TURNING_CLASS = 5

# Corrections, in the package's own stroke letters. Each one re-spells the character with the
# letters the package itself uses for the same component in its sibling characters.
OVERRIDES = {
    "德": "ssfjffcffjjdykk",  # upstream writes the 十 as 横撇 ("js"); 十 is 横竖 ("jf")
    "锺": "sjjjhsjfcjjfjj",  # upstream's 重 has 横 for its second 竖; 重 as in 重/董/懂
    "炽": "dsskfcjsk",  # upstream ends 只 with 点点; 只 is "fcjsk" (… 撇点) as in 识/积/帜
    "膝": "srjjjfskslgkisk",  # upstream writes the 撇 of 氺 as a dot; 桼 as in 漆
    "黏": "sjfskslgkiskfjfcj",  # same 氺 slip; 黍 as in the entry for 黍 itself, then 占
    "媾": "msjjjffjfrfjj",  # upstream's 冓 swaps 竖/横 at the end; 冓 as in 篝/遘/觏/鞲
    "撅": "jgijsksjbfssesl",  # upstream's 厥 has 横 for 竖; 厥 as in 厥/蕨/橛/獗/噘/蹶
    "鲺": "sefcjfjiosfcjfjk",  # upstream's 虱 has 横 for 撇; 虱 as in the entry for 虱 itself
    "皙": "jfskssjfsfcjj",  # upstream drops the first stroke (撇) of 白: 13 strokes, not 12
}


def read_bundle(package_dir: Path) -> tuple[dict[str, str], dict[str, dict[str, str]], str]:
    """Return (character -> letters, letter -> stroke description, package version)."""
    package = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if package.get("name") != "cnchar-order" or package.get("license") != "MIT":
        raise SystemExit(f"{package_dir} is not the MIT-licensed cnchar-order package")
    bundle = (package_dir / BUNDLE).read_text(encoding="utf-8")
    literals = [json.loads(text) for text in JSON_LITERAL.findall(bundle)]
    orders = [data for data in literals if all(isinstance(value, str) for value in data.values())]
    tables = [data for data in literals if all(isinstance(value, dict) for value in data.values())]
    if len(orders) != 1 or len(tables) != 1:
        raise SystemExit(f"unexpected layout of {BUNDLE}: found {len(literals)} JSON literals")
    return orders[0], tables[0], package["version"]


def stroke_classes(table: dict[str, dict[str, str]]) -> dict[str, int]:
    """Map each stroke letter of the package to one of the five classes."""
    classes = {}
    for letter, stroke in table.items():
        names = stroke["name"].split("|")
        straight = {STRAIGHT_STROKE_CLASSES[name] for name in names if name in STRAIGHT_STROKE_CLASSES}
        if len(straight) == 1 and len(names) == 1:
            classes[letter] = straight.pop()
        elif not straight and stroke["type"] == TURNING_STROKE_TYPE:
            classes[letter] = TURNING_CLASS
        else:
            raise SystemExit(f"cannot classify stroke {letter!r}: {stroke}")
    return classes


def build(package_dir: Path) -> str:
    orders, table, version = read_bundle(package_dir)
    for char, letters in OVERRIDES.items():
        if orders.get(char) == letters:
            raise SystemExit(f"upstream now agrees with the override for {char}; remove it")
        orders[char] = letters
    classes = stroke_classes(table)
    lines = [
        f"# Stroke classes in writing order (1 横 2 竖 3 撇 4 点 5 折), from cnchar-order {version}",
        "# (MIT, see LICENSE-cnchar.txt), with the corrections listed in build_stroke_data.py.",
        "# Generated by build_stroke_data.py; do not edit by hand.",
    ]
    for char in sorted(orders):
        if len(char) != 1:
            raise SystemExit(f"unexpected multi-character key {char!r}")
        lines.append(char + "\t" + "".join(str(classes[letter]) for letter in orders[char]))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path, help="path to node_modules/cnchar-order")
    args = parser.parse_args()
    OUTPUT.write_text(build(args.package_dir), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

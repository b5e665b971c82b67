"""Reading the outgoing team pasted from Excel: pure, no ORM.

Clerks keep the sitting committees in a sheet; they copy the rows and paste them. Each line holds, in this
order and separated by tabs (Excel's copy), commas or spaces: name, ID number, Party committee post,
villagers' committee post, education, Party member. A header line is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voters.rules import birth_date_from_id, sex_from_id, validate_id_number

from . import codes
from .choices import Position

PARTY_POSTS = {"书记": Position.SECRETARY, "副书记": Position.DEPUTY_SECRETARY, "委员": Position.PARTY_MEMBER}
COMMITTEE_POSTS = {"主任": Position.CHAIR, "副主任": Position.VICE_CHAIR, "委员": Position.COMMITTEE_MEMBER}
EDUCATION = {
    "小学": "primary",
    "初中": "junior",
    "高中": "senior",
    "中专": "senior",
    "职高": "senior",
    "大专": "college",
    "专科": "college",
    "本科": "bachelor",
    "大学": "bachelor",
    "研究生": "postgraduate",
    "硕士": "postgraduate",
    "博士": "postgraduate",
}
EMPTY = {"", "-", "—", "无", "/"}
YES = {"是", "党员", "中共党员", "yes", "y", "1", "√"}
_COMMAS = re.compile(r"[,，]")


@dataclass(frozen=True)
class PreviousMemberRow:
    line: int
    name: str
    id_number: str
    sex: str
    birth_date: object
    party_position: str
    committee_position: str
    education: str
    party_member: bool


def parse_previous_term(text: str) -> tuple[list[PreviousMemberRow], list[dict]]:
    """The rows of the pasted text and the problems found, as {"row", "code", "message"} dictionaries."""
    rows, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        cells = _cells(raw)
        if not cells or cells[0] in ("姓名", "name"):
            continue
        cells += [""] * (6 - len(cells))
        name, id_raw, party, committee, education, member = cells[:6]
        number_id, issues = validate_id_number(id_raw)
        unknown_post = (party not in EMPTY and party not in PARTY_POSTS) or (
            committee not in EMPTY and committee not in COMMITTEE_POSTS
        )
        if not name or issues or unknown_post or (party in EMPTY and committee in EMPTY):
            errors.append(
                {
                    "row": number,
                    "code": codes.PREVIOUS_TERM_ROW_INVALID,
                    "message": codes.message(
                        codes.PREVIOUS_TERM_ROW_INVALID, {"line": number, "reason": raw.strip()}
                    ),
                }
            )
            continue
        rows.append(
            PreviousMemberRow(
                line=number,
                name=name,
                id_number=number_id,
                sex=sex_from_id(number_id),
                birth_date=birth_date_from_id(number_id),
                party_position=PARTY_POSTS.get(party, ""),
                committee_position=COMMITTEE_POSTS.get(committee, ""),
                education=EDUCATION.get(education, ""),
                party_member=member.lower() in YES or party not in EMPTY,
            )
        )
    return rows, errors


def _cells(line: str) -> list[str]:
    line = line.strip()
    if not line:
        return []
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    if _COMMAS.search(line):
        return [c.strip() for c in _COMMAS.split(line)]
    return line.split()

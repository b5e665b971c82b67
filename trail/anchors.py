"""Anchors of the activity trail, as pure functions (no ORM, no files): the chain head written down outside
the database, its short code for papers, and the lines of the anchor file.

A hash chain without a secret proves only that it is consistent: whoever can write the table can re-hash
every entry, or empty it and start again, and the new chain verifies. An anchor is the number and hash of
the chain head copied somewhere that person cannot reach (the anchor file on another machine's storage, a
mail to the county, a signed paper); the entry with that number must keep that hash for ever.

The anchor file has one anchor per line, fields separated by one space, the free-text reason last:

    2027-01-09T00:15:00+08:00 12345 3f9ac21b…(64 hex) #12345·3F9A-C21B daily

Lines starting with "#" are comments (the file opens with one naming the fields).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

FILE_HEADER = (
    "# huanjie activity trail anchors: time, entry number, SHA-256 of that entry, short code, reason\n"
)
REASON_MAX = 200
SHORT_DIGITS = 8  # hex characters of the hash a short code carries (32 bits)

_HEX = re.compile(r"^[0-9a-f]+$")
# NUMBER:SHA256 as verify_trail prints it, or a short code copied from a paper by hand: "#12345·3F9A-C21B",
# "12345 3f9ac21b", "12345.3F9A C21B"… Between the number and the hex digits: one separator (a middle dot
# as printed, or whatever a keyboard gives for it, a colon, a dash, a full stop, a space).
_CODE = re.compile(r"^#?\s*([0-9]+)\s*[·•・.:：\-\s]\s*([0-9A-Fa-f][0-9A-Fa-f\s\-]*)$")


@dataclass(frozen=True)
class Anchor:
    """The chain head as recorded once: entry `seq` had a hash starting with `digest`.

    `digest` is the whole hash (64 hex characters) in the anchor file, or its first 8 in a short code
    typed from a paper. `source` says where the anchor came from, for the messages of verify_trail.
    """

    seq: int
    digest: str
    at: datetime | None = None
    reason: str = ""
    source: str = ""

    def matches(self, entry_hash: str) -> bool:
        return entry_hash.startswith(self.digest)

    @property
    def code(self) -> str:
        return short_code(self.seq, self.digest)

    def describe(self) -> str:
        """How verify_trail names this anchor: "the anchor of 2027-01-09 00:15 (daily, line 3 of …)"."""
        details = ", ".join(part for part in (self.reason, self.source) if part)
        when = f" of {self.at:%Y-%m-%d %H:%M}" if self.at else ""
        return f"the anchor {self.code}{when}" + (f" ({details})" if details else "")


def short_code(seq: int, entry_hash: str) -> str:
    """The chain head as a person copies it from a paper: "#12345·3F9A-C21B".

    The entry number and the first 8 hex characters of its hash, in two groups of four. 32 bits catch any
    rewrite that was not aimed at this one printed code; a forger who knew it could grind about 2³²
    re-hashes to match it, so the anchor file keeps the whole hash.
    """
    head = entry_hash[:SHORT_DIGITS].upper()
    return f"#{seq}·{head[:4]}-{head[4:]}"


def parse_code(text: str) -> tuple[int, str]:
    """(entry number, lowercase hex digest) of an anchor typed by hand; ValueError when it is not one.

    The digest is the whole hash (NUMBER:SHA256) or the 8 characters of a short code.
    """
    match = _CODE.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise ValueError(text)
    digest = re.sub(r"[\s\-]", "", match.group(2)).lower()
    if len(digest) not in (SHORT_DIGITS, 64) or not _HEX.match(digest):
        raise ValueError(text)
    return int(match.group(1)), digest


def clean_reason(reason: str) -> str:
    """A reason as one line of the file: control characters and runs of whitespace become one space."""
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(reason))
    return " ".join(text.split())[:REASON_MAX]


def format_line(anchor: Anchor) -> str:
    """One line of the anchor file (with its newline); the anchor must carry the whole hash and a time."""
    if len(anchor.digest) != 64 or anchor.at is None:
        raise ValueError("an anchor line needs the whole hash and the time it was taken")
    fields = [anchor.at.isoformat(timespec="seconds"), str(anchor.seq), anchor.digest, anchor.code]
    reason = clean_reason(anchor.reason)
    return " ".join([*fields, reason] if reason else fields) + "\n"


def parse_line(line: str, *, source: str = "") -> Anchor | None:
    """The anchor on one line of the file, None for a blank or comment line, ValueError when unreadable.

    The short code must agree with the number and hash beside it, so a line damaged by hand or by a torn
    write is reported rather than half trusted.
    """
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    parts = text.split(maxsplit=4)
    if len(parts) < 4:
        raise ValueError("fewer than four fields")
    at_text, seq_text, digest, code = parts[:4]
    at = datetime.fromisoformat(at_text)
    if not seq_text.isdigit() or int(seq_text) < 1:
        raise ValueError(f"{seq_text!r} is not an entry number")
    if len(digest) != 64 or not _HEX.match(digest):
        raise ValueError(f"{digest!r} is not a SHA-256 in lowercase hex")
    if code != short_code(int(seq_text), digest):
        raise ValueError(f"the code {code!r} does not match entry {seq_text} and its hash")
    reason = parts[4] if len(parts) == 5 else ""
    return Anchor(seq=int(seq_text), digest=digest, at=at, reason=reason, source=source)


@dataclass
class AnchorFile:
    """What an anchor file holds: its anchors, and the lines that could not be read (number, why)."""

    path: str
    exists: bool
    anchors: list[Anchor]
    unreadable: list[tuple[int, str]]


def parse_lines(lines: Iterable[str], *, path: str) -> AnchorFile:
    anchors: list[Anchor] = []
    unreadable: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        try:
            anchor = parse_line(line, source=f"line {number} of {path}")
        except ValueError as exc:
            unreadable.append((number, str(exc)))
            continue
        if anchor is not None:
            anchors.append(anchor)
    return AnchorFile(path=path, exists=True, anchors=anchors, unreadable=unreadable)

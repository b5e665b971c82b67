"""Pure rules of voter registration (选民登记): no ORM, no request.

DOMAIN.md "Voter registration": the resident identity number (居民身份证号码, GB 11643) has 18 characters
ending in a check character and gives the birth date and sex; voters must be at least 18 on election day;
the ID number is sensitive and is shown masked; clerks keep the roll in Excel.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.utils.functional import Promise
from stdnum import numdb
from stdnum.cn import ric

from voters import codes

# Organic Law of Villagers' Committees, art. 13: national law, not a provincial setting.
VOTING_AGE = 18
NAME_MAX_LENGTH = 30
# Excel keeps 15 significant digits of a number; an 18-digit ID typed into a General cell loses the rest.
EXCEL_SIGNIFICANT_DIGITS = 15
# GB 11643 numbers are issued to people born from 1900 on.
EARLIEST_BIRTH_YEAR = 1900

Sex = Literal["M", "F"]


def _stdnum_province_codes() -> frozenset[str]:
    regions = numdb.get("cn/loc")
    candidates = (f"{code:02d}" for code in range(10, 100))
    return frozenset(code for code in candidates if "province" in regions.info(code)[0][1])


# Province codes (GB/T 2260) as python-stdnum knows them, plus 83: the residence permits issued since
# 2018 to Taiwan residents use 830000 as their region code (81 and 82 serve Hong Kong and Macao).
PROVINCE_CODES = _stdnum_province_codes() | {"83"}

_ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
# Spaces, quotes and invisible characters that copying from web pages, chat apps and Excel leaves behind.
_ID_NOISE = re.compile(r"[\s'\"`\u2018\u2019\u201c\u201d\u200b-\u200d\u2060\ufeff]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]+")
# Middle dots separating the parts of minority names (阿依古丽·买买提), as typed on various keyboards.
# Katakana middle dot, hyphenation point, bullet, bullet operator, dot operator.
_MIDDLE_DOT_VARIANTS = re.compile("[\u30fb\u2027\u2022\u2219\u22c5]")
# CJK scripts, private-use characters (household registers encode rare name characters there) and the
# middle dot: a space next to one of them is alignment padding (张　三), never part of the name.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ue000-\uf8ff\U00020000-\U0003ffff·"
_CJK_PADDING = re.compile(f" (?=[{_CJK}])|(?<=[{_CJK}]) ")
# U+3007 (ideographic zero) is a number character in Unicode but appears in given names.
_NAME_EXTRA_CHARACTERS = frozenset("· \u3007")

_PHONE_NOISE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
# Hyphens and dashes U+2010 to U+2015 and the minus sign U+2212, which NFKC leaves alone.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_AREA_CODE_IN_BRACKETS = re.compile(r"\((0[0-9]{2,3})\)")
_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9][0-9]{9})")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?")


@dataclass(frozen=True, slots=True)
class Issue:
    """One rule violation: a stable code, its message, the field it concerns and whether it blocks.

    The message is a lazy translation, left out of comparisons and repr so that neither renders it.
    """

    code: str
    message: str | Promise = field(compare=False, repr=False)
    column: str | None = None
    severity: codes.Severity = codes.Severity.ERROR

    @classmethod
    def of(cls, code: str, column: str | None = None) -> Issue:
        """The issue for ``code`` with the catalogue's message and severity."""
        return cls(code, codes.MESSAGES[code], column, codes.SEVERITY[code])


class IdStoredAsNumberError(ValueError):
    """An ID number arrived as a number of 16 or more digits, so Excel has already dropped its last digits.

    ``shown`` is what Excel displays for it: the first 15 digits followed by zeros.
    """

    code = codes.ID_STORED_AS_NUMBER

    def __init__(self, shown: str) -> None:
        super().__init__(shown)
        self.shown = shown


def normalise_id_number(raw: str | int | float | None) -> str:
    """The ID number as GB 11643 writes it: ASCII digits, an upper-case X, no spaces or quotes.

    Full-width digits become ASCII (NFKC). A number from an Excel cell is accepted when it still has all
    its digits; from 16 digits on Excel has rounded it, and ``IdStoredAsNumberError`` is raised.
    """
    if raw is None:
        return ""
    if isinstance(raw, int | float):
        return _id_from_number(raw)
    if raw.isascii():
        return _ID_NOISE.sub("", raw).upper()
    # Removing noise can bring characters together that NFKC composes, so repeat until nothing changes.
    cleaned = _clean_id_text(raw)
    while cleaned != raw:
        raw, cleaned = cleaned, _clean_id_text(cleaned)
    return cleaned


def _clean_id_text(text: str) -> str:
    return _ID_NOISE.sub("", unicodedata.normalize("NFKC", text)).upper()


def _id_from_number(number: int | float) -> str:
    if isinstance(number, float) and not number.is_integer():
        return repr(number)
    if abs(number) >= 10**EXCEL_SIGNIFICANT_DIGITS:
        shown = int(Decimal(f"{number:.{EXCEL_SIGNIFICANT_DIGITS}g}"))
        raise IdStoredAsNumberError(str(shown))
    return str(int(number))


def validate_id_number(raw: str | int | float | None) -> tuple[str, list[Issue]]:
    """Check an ID number against GB 11643: 18 characters, check character, birth date and province.

    Returns the normalised number and the issues found (none when valid). The check character
    (ISO 7064 MOD 11-2) and the date come from python-stdnum's ``stdnum.cn.ric``. Only the province part
    of the region code is checked: county codes are created and retired over the years while people keep
    their numbers, so a full region lookup would reject genuine IDs.
    """
    try:
        number = normalise_id_number(raw)
    except IdStoredAsNumberError as error:
        return error.shown, [Issue.of(codes.ID_STORED_AS_NUMBER, "id_number")]
    if not number:
        return number, [Issue.of(codes.REQUIRED, "id_number")]
    if len(number) != 18:
        return number, [Issue.of(codes.ID_LENGTH, "id_number")]
    if not _ID_PATTERN.fullmatch(number):
        return number, [Issue.of(codes.ID_FORMAT, "id_number")]
    issues = []
    if number[-1] != ric.calc_check_digit(number):
        issues.append(Issue.of(codes.ID_CHECKSUM, "id_number"))
    try:
        born = birth_date_from_id(number)
    except ValueError:
        issues.append(Issue.of(codes.ID_BIRTH_DATE, "id_number"))
    else:
        if born.year < EARLIEST_BIRTH_YEAR:
            issues.append(Issue.of(codes.ID_BIRTH_DATE, "id_number"))
    if number[:2] not in PROVINCE_CODES:
        issues.append(Issue.of(codes.ID_REGION, "id_number"))
    return number, issues


def birth_date_from_id(id_number: str) -> datetime.date:
    """The birth date written in a normalised ID number (characters 7-14, YYYYMMDD); ValueError if none.

    The same reading as ``stdnum.cn.ric.get_birth_date`` without its re-cleaning of the number, which
    dominated the cost of checking a 100,000-row roll.
    """
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex_from_id(id_number: str) -> Sex:
    """The sex given by a valid, normalised ID number: the 17th digit is odd for men, even for women."""
    return "M" if int(id_number[16]) % 2 else "F"


def age_on(birth_date: datetime.date, on_date: datetime.date) -> int:
    """Age in completed years on ``on_date``; a person turns N on their birthday itself.

    Someone born on 29 February turns a year older on 1 March in a non-leap year, never on 28 February:
    they are only counted 18 once 18 full years have certainly passed.
    """
    before_birthday = (on_date.month, on_date.day) < (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - before_birthday


def age_day(election) -> datetime.date:
    """The day a person's age is counted for a village election (Organic Law art. 13): its election day;
    before the township fixes it, the cycle's last day. The roll and the nominations count on this day."""
    return election.election_day or election.cycle.ends_on


def before_polling_day(today: datetime.date, election_day: datetime.date | None) -> bool:
    """Whether a written proxy may still be recorded or revoked (DOMAIN.md "voting": written proxies only,
    no on-the-spot proxies): strictly before election day; on the day itself or after, not. Before the
    township fixes the day, any day is before it."""
    return election_day is None or today < election_day


def objection_due_on(received_on: datetime.date, days: int) -> datetime.date:
    """The last day to answer an objection to the roll (DOMAIN.md "Voter registration": the election
    committee answers within 3 days, `ElectionCycle.objection_answer_days`): received + N, so one received
    on the 2nd is answered on the 5th at the latest."""
    return received_on + datetime.timedelta(days=days)


def answered_late(received_on: datetime.date, answered_on: datetime.date, days: int) -> bool:
    """An answer after `objection_due_on` (day N + 1 or later) is late: flagged, not refused."""
    return answered_on > objection_due_on(received_on, days)


def latest_birth_date(on_date: datetime.date, years: int) -> datetime.date:
    """The latest birth date of a person aged at least `years` on `on_date`, by age_on's rule: a query's
    bound (birth_date <= this) that agrees with age_on for every day, 29 February included."""
    try:
        return on_date.replace(year=on_date.year - years)
    except ValueError:  # on_date is 29 February: the year `years` back has none, 28 February is the last
        return on_date.replace(year=on_date.year - years, day=28)


def check_person(
    *,
    name: str,
    id_number: str | int | float | None,
    birth_date: datetime.date | None = None,
    sex: Sex | None = None,
    election_day: datetime.date,
) -> list[Issue]:
    """Check one person of the roll (DOMAIN.md "Voter registration").

    The name must be valid and the ID number valid; a birth date or sex given besides must agree with the
    ID number, which is authoritative; the person must be at least 18 on election day, so turning 18 on
    the day itself is enough (Organic Law art. 13).
    """
    issues = validate_name(name)[1]
    number, id_issues = validate_id_number(id_number)
    if id_issues:
        return issues + id_issues
    born = birth_date_from_id(number)
    if birth_date is not None and birth_date != born:
        issues.append(Issue.of(codes.BIRTH_DATE_MISMATCH, "birth_date"))
    if sex is not None and sex != sex_from_id(number):
        issues.append(Issue.of(codes.SEX_MISMATCH, "sex"))
    if age_on(born, election_day) < VOTING_AGE:
        issues.append(Issue.of(codes.UNDER_AGE, "id_number"))
    return issues


def normalise_name(raw: str) -> str:
    """A person's name with one spelling, so that the same person is found again.

    NFKC (full-width letters become ASCII), every middle dot of minority names becomes U+00B7 ·, runs of
    whitespace (including the ideographic space U+3000 and no-break space) become one space, and spaces
    padding Chinese names (张　三) or surrounding a middle dot are removed.
    """
    text = raw
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
        text = _MIDDLE_DOT_VARIANTS.sub("\u00b7", text)
    text = " ".join(text.split())
    return _CJK_PADDING.sub("", text) if " " in text else text


def validate_name(raw: str) -> tuple[str, list[Issue]]:
    """A name is required and has 1 to 30 characters: Chinese characters or letters, no digits or symbols.

    Middle dots and spaces may separate the parts of a name.
    """
    name = normalise_name(raw)
    if not name:
        return name, [Issue.of(codes.NAME_REQUIRED, "name")]
    valid = (
        len(name) <= NAME_MAX_LENGTH
        and any(character.isalpha() for character in name)
        and all(_is_name_character(character) for character in name)
    )
    return name, [] if valid else [Issue.of(codes.NAME_INVALID, "name")]


def _is_name_character(character: str) -> bool:
    return (
        character.isalpha() or character in _NAME_EXTRA_CHARACTERS or unicodedata.category(character) == "Co"
    )


def normalise_phone(raw: str | int | float | None) -> str:
    """A phone number without spaces: a mobile as its 11 digits, a landline as 0579-82123456.

    NFKC; a country code +86 before a mobile is dropped, the dashes of a mobile are removed and those
    of a landline kept, an area code in brackets is followed by a dash, and 转 before an extension becomes
    a dash. A number from an Excel cell is read as its digits.
    """
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = raw if isinstance(raw, str) else str(raw)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_DASHES).replace("转", "-")
    if not text.isdigit():
        text = _AREA_CODE_IN_BRACKETS.sub(r"\1-", _PHONE_NOISE.sub("", text))
    mobile = _MOBILE.fullmatch(text.replace("-", ""))
    return mobile.group(1) if mobile else text


def validate_phone(raw: str | int | float | None) -> tuple[str, list[Issue]]:
    """A phone number is optional; if given, a mainland mobile (1[3-9] and 9 more digits) or a landline
    with its area code (0xx-xxxxxxx(x)) and an optional extension."""
    phone = normalise_phone(raw)
    if not phone or _MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone):
        return phone, []
    return phone, [Issue.of(codes.PHONE_INVALID, "phone")]


def mask_id_number(id_number: str) -> str:
    """The ID number as shown to people who may not see it: the region (first 6) and last 4 characters
    kept, the birth date and the rest hidden (DOMAIN.md: the ID number is sensitive)."""
    number = normalise_id_number(id_number)
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]

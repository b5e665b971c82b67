"""Tests of the pure rules of voter registration (voters/rules.py) and their code catalogue."""

import datetime

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from elections.spreadsheets import neutralise_formula
from voters import codes
from voters.rules import (
    PROVINCE_CODES,
    IdStoredAsNumberError,
    Issue,
    age_on,
    birth_date_from_id,
    check_person,
    mask_id_number,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    sex_from_id,
    validate_id_number,
    validate_name,
    validate_phone,
)

if not settings.configured:
    # Run without pytest-django (-p no:django): the pure rules need no more than Django's defaults.
    settings.configure()

ELECTION_DAY = datetime.date(2026, 3, 1)


def check_character(first_17: str) -> str:
    """ISO 7064 MOD 11-2 as GB 11643 states it, independently of python-stdnum: weights 2^(i-1) mod 11
    for positions i = 18..2 counted from the right, check value (12 - sum mod 11) mod 11, 10 written X."""
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(first_17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(region: str = "330702", born: str = "19900101", sequence: str = "123") -> str:
    body = region + born + sequence
    return body + check_character(body)


def issue_codes(issues: list[Issue]) -> list[str]:
    return [issue.code for issue in issues]


def test_independent_check_character_agrees_with_the_gb11643_example():
    assert check_character("11010519491231002") == "X"


def test_valid_id_number_has_no_issues():
    assert validate_id_number(make_id()) == (make_id(), [])


def test_id_number_ending_in_x_is_valid():
    assert validate_id_number("11010519491231002X") == ("11010519491231002X", [])


def test_trailing_lower_case_x_is_upper_cased():
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"


def test_full_width_digits_become_ascii():
    full_width = make_id().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert normalise_id_number(full_width) == make_id()


def test_spaces_quotes_and_apostrophes_around_an_id_number_are_stripped():
    assert normalise_id_number(f" '{make_id()[:6]} {make_id()[6:]}\u3000") == make_id()
    assert normalise_id_number(f"\u201c{make_id()}\u201d\u200b") == make_id()


@pytest.mark.parametrize("raw", [make_id()[:-1], make_id() + "1", "330702"])
def test_id_number_not_of_18_characters_has_the_wrong_length(raw):
    assert issue_codes(validate_id_number(raw)[1]) == [codes.ID_LENGTH]


@pytest.mark.parametrize("raw", ["33070219900101A234", "X30702199001011234", "33070219900101123Y"])
def test_letters_other_than_a_final_x_are_the_wrong_format(raw):
    assert issue_codes(validate_id_number(raw)[1]) == [codes.ID_FORMAT]


def test_empty_id_number_is_required():
    assert issue_codes(validate_id_number("  ")[1]) == [codes.REQUIRED]


def test_wrong_check_character_is_reported():
    valid = make_id()
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    assert issue_codes(validate_id_number(wrong)[1]) == [codes.ID_CHECKSUM]


@pytest.mark.parametrize("born", ["19900230", "19901301", "20230229"])
def test_impossible_birth_date_in_id_number_is_reported(born):
    assert issue_codes(validate_id_number(make_id(born=born))[1]) == [codes.ID_BIRTH_DATE]


def test_birth_year_before_1900_is_reported_and_1900_is_accepted():
    assert issue_codes(validate_id_number(make_id(born="18991231"))[1]) == [codes.ID_BIRTH_DATE]
    assert validate_id_number(make_id(born="19000101"))[1] == []


@pytest.mark.parametrize("region", ["990702", "000000", "190702", "720000"])
def test_region_outside_any_province_is_reported(region):
    assert issue_codes(validate_id_number(make_id(region=region))[1]) == [codes.ID_REGION]


@pytest.mark.parametrize("region", ["110105", "650102", "810000", "820000", "830000"])
def test_mainland_and_hong_kong_macao_taiwan_regions_are_valid(region):
    assert validate_id_number(make_id(region=region))[1] == []


def test_province_codes_come_from_stdnum_plus_taiwan_residence_permits():
    assert {"11", "33", "65", "71", "81", "82", "83"} <= PROVINCE_CODES
    assert not {"10", "16", "20", "47", "55", "66", "99"} & PROVINCE_CODES


def test_id_number_excel_stored_as_a_number_has_lost_digits():
    number, issues = validate_id_number(3.30702199001011e17)
    assert issue_codes(issues) == [codes.ID_STORED_AS_NUMBER]
    assert number == "330702199001011000"


def test_exact_integer_id_number_of_16_digits_or_more_is_still_flagged():
    with pytest.raises(IdStoredAsNumberError) as error:
        normalise_id_number(330702199001011234)
    assert error.value.shown == "330702199001011000"
    assert error.value.code == codes.ID_STORED_AS_NUMBER
    with pytest.raises(IdStoredAsNumberError):
        normalise_id_number(1_000_000_000_000_000)


def test_number_of_15_digits_is_read_exactly():
    assert normalise_id_number(999_999_999_999_999.0) == "999999999999999"
    assert issue_codes(validate_id_number(330702900101123.0)[1]) == [codes.ID_LENGTH]


def test_birth_date_and_sex_come_from_the_id_number():
    assert birth_date_from_id(make_id(born="20010305")) == datetime.date(2001, 3, 5)
    assert sex_from_id(make_id(sequence="123")) == "M"
    assert sex_from_id(make_id(sequence="124")) == "F"


def test_age_counts_completed_years_and_the_birthday_itself():
    assert age_on(datetime.date(2008, 3, 1), datetime.date(2026, 3, 1)) == 18
    assert age_on(datetime.date(2008, 3, 1), datetime.date(2026, 2, 28)) == 17


def test_leap_day_birthday_falls_on_1_march_in_a_non_leap_year():
    born = datetime.date(2008, 2, 29)
    assert age_on(born, datetime.date(2026, 2, 28)) == 17
    assert age_on(born, datetime.date(2026, 3, 1)) == 18
    assert age_on(born, datetime.date(2028, 2, 28)) == 19
    assert age_on(born, datetime.date(2028, 2, 29)) == 20


def test_person_turning_18_on_election_day_is_eligible():
    assert check_person(name="张三", id_number=make_id(born="20080301"), election_day=ELECTION_DAY) == []


def test_person_turning_18_the_day_after_election_day_is_under_age():
    issues = check_person(name="张三", id_number=make_id(born="20080302"), election_day=ELECTION_DAY)
    assert issue_codes(issues) == [codes.UNDER_AGE]


def test_person_born_on_a_leap_day_is_not_18_on_28_february():
    id_number = make_id(born="20080229")
    assert issue_codes(
        check_person(name="张三", id_number=id_number, election_day=datetime.date(2026, 2, 28))
    ) == [codes.UNDER_AGE]
    assert check_person(name="张三", id_number=id_number, election_day=datetime.date(2026, 3, 1)) == []


def test_birth_date_and_sex_agreeing_with_the_id_number_pass():
    issues = check_person(
        name="张三",
        id_number=make_id(born="19900101", sequence="123"),
        birth_date=datetime.date(1990, 1, 1),
        sex="M",
        election_day=ELECTION_DAY,
    )
    assert issues == []


def test_birth_date_and_sex_disagreeing_with_the_id_number_are_warnings():
    issues = check_person(
        name="张三",
        id_number=make_id(born="19900101", sequence="123"),
        birth_date=datetime.date(1990, 1, 2),
        sex="F",
        election_day=ELECTION_DAY,
    )
    assert issue_codes(issues) == [codes.BIRTH_DATE_MISMATCH, codes.SEX_MISMATCH]
    assert {issue.severity for issue in issues} == {codes.Severity.WARNING}
    assert [issue.column for issue in issues] == ["birth_date", "sex"]


def test_invalid_id_number_is_reported_without_checks_that_depend_on_it():
    issues = check_person(
        name="",
        id_number="12345",
        birth_date=datetime.date(1990, 1, 2),
        sex="F",
        election_day=ELECTION_DAY,
    )
    assert issue_codes(issues) == [codes.NAME_REQUIRED, codes.ID_LENGTH]
    assert {issue.severity for issue in issues} == {codes.Severity.ERROR}


def test_issue_of_takes_message_and_severity_from_the_catalogue():
    issue = Issue.of(codes.PHONE_INVALID, "phone")
    assert issue.message is codes.MESSAGES[codes.PHONE_INVALID]
    assert (issue.column, issue.severity) == ("phone", codes.Severity.WARNING)


def test_every_code_has_a_message_and_a_severity():
    catalogue = {value for name, value in vars(codes).items() if name.isupper() and isinstance(value, str)}
    assert catalogue == set(codes.MESSAGES) == set(codes.SEVERITY)
    assert all(code.startswith("voter.") for code in catalogue)


def test_mask_keeps_the_region_and_the_last_four_characters():
    assert mask_id_number("330702199001011234") == "330702********1234"
    assert mask_id_number("11010519491231002x") == "110105********002X"


def test_mask_hides_short_values_entirely():
    assert mask_id_number("1234567890") == "**********"
    assert mask_id_number("") == ""


@pytest.mark.parametrize("value", ["=1+1", "+8613812345678", "-2", "@SUM(A1:A9)", "\tcmd", "\r=1"])
def test_text_starting_like_a_formula_gets_a_leading_apostrophe(value):
    assert neutralise_formula(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["张三", "13812345678", "", "a=b", 5, -3.5, None, datetime.date(2001, 3, 5)]
)
def test_other_values_are_not_neutralised(value):
    assert neutralise_formula(value) == value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张　三", "张三"),
        (" 李\u00a0 四 ", "李四"),
        ("阿依古丽 ・ 买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽‧买买提", "阿依古丽·买买提"),
        ("阿依古丽･买买提", "阿依古丽·买买提"),
        ("ＭＡＲＹ  Smith", "MARY Smith"),
        ("王\u200b五", "王五"),
    ],
)
def test_names_are_normalised(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize("raw", ["张三", "阿依古丽·买买提", "王〇", "Mary Smith", "张\ue000", "张" * 30])
def test_valid_names(raw):
    assert validate_name(raw)[1] == []


@pytest.mark.parametrize("raw", ["张三1", "张三２", "张三!", "·", "张" * 31, "@@"])
def test_invalid_names(raw):
    assert issue_codes(validate_name(raw)[1]) == [codes.NAME_INVALID]


def test_blank_name_is_required():
    assert issue_codes(validate_name(" \u3000 ")[1]) == [codes.NAME_REQUIRED]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678.0, "13812345678"),
        ("0579-82123456", "0579-82123456"),
        ("0579 8212 3456", "057982123456"),
        ("(0579)82123456", "0579-82123456"),
        ("010－12345678转801", "010-12345678-801"),
    ],
)
def test_phones_are_normalised_and_valid(raw, expected):
    assert validate_phone(raw) == (expected, [])


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "138123456789", "82123456", "0579-123456", "tel"]
)
def test_invalid_phones_are_warnings(raw):
    issues = validate_phone(raw)[1]
    assert issue_codes(issues) == [codes.PHONE_INVALID]
    assert issues[0].severity == codes.Severity.WARNING


def test_phone_is_optional():
    assert validate_phone("  ") == ("", [])
    assert normalise_phone(None) == ""


valid_ids = st.builds(
    lambda province, rest, born, sequence: make_id(province + rest, f"{born:%Y%m%d}", f"{sequence:03d}"),
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)),
    st.integers(0, 999),
)


@given(valid_ids)
def test_any_generated_valid_id_number_validates(id_number):
    assert validate_id_number(id_number) == (id_number, [])


@given(valid_ids)
def test_mask_keeps_length_18_and_never_reveals_characters_7_to_14(id_number):
    masked = mask_id_number(id_number)
    assert len(masked) == 18
    assert masked[6:14] == "********"
    assert masked[:6] + masked[14:] == id_number[:6] + id_number[14:]


@given(st.text() | st.text(alphabet="0123456789xX ０１２３４５６７８９ｘ'\"\u3000\u00a0\u200b“”"))
def test_normalise_id_number_is_idempotent(raw):
    once = normalise_id_number(raw)
    assert normalise_id_number(once) == once

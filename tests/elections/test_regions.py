import pytest
from hypothesis import given
from hypothesis import strategies as st

from elections.regions import (
    ancestor_codes,
    common_unit,
    full_code,
    level_of,
    parent_code,
    prefix_of,
    short_name,
)


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [
        ("330000000000", "province", "33"),
        ("330700000000", "city", "3307"),
        ("330702000000", "county", "330702"),
        ("330702001000", "township", "330702001"),
        ("330702001001", "village", "330702001001"),
        ("330702100200", "village", "330702100200"),
    ],
)
def test_level_and_prefix_are_read_from_the_code(code, level, prefix):
    assert level_of(code) == level
    assert prefix_of(code) == prefix


@pytest.mark.parametrize("bad", ["33070200100", "3307020010011", "33070200100a", ""])
def test_a_code_must_have_12_digits(bad):
    with pytest.raises(ValueError):
        level_of(bad)


def test_parent_of_a_village_is_its_township_and_so_on_up():
    assert parent_code("330702001001") == "330702001000"
    assert ancestor_codes("330702001001") == ["330702001000", "330702000000", "330700000000", "330000000000"]
    assert parent_code("330000000000") is None


codes = st.tuples(
    st.integers(11, 82), st.integers(1, 99), st.integers(1, 99), st.integers(1, 999), st.integers(1, 999)
).map(lambda t: f"{t[0]:02d}{t[1]:02d}{t[2]:02d}{t[3]:03d}{t[4]:03d}")


@given(codes)
def test_every_ancestor_prefix_is_a_prefix_of_the_code(code):
    for ancestor in ancestor_codes(code):
        assert code.startswith(prefix_of(ancestor))
        assert not ancestor.startswith(prefix_of(code))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("33", "330000000000"),
        ("3307", "330700000000"),
        ("330702", "330702000000"),
        ("330702001", "330702001000"),
        ("330702001001", "330702001001"),
        ("3", None),
        ("33070", None),
        ("3307020010", None),
        ("3307020010011", None),
        ("33070200100a", None),
        ("３３", None),  # full-width digits are digits to str.isdigit, not to a division code
    ],
)
def test_a_unit_above_a_village_may_be_given_by_its_own_digits(raw, code):
    assert full_code(raw) == code


@pytest.mark.parametrize(
    ("official", "level", "short", "community"),
    [
        ("傅山村民委员会", "village", "傅山村", False),
        ("仓里村村民委员会", "village", "仓里村", False),
        ("蟠龙村委会", "village", "蟠龙村", False),
        ("陈村村委会", "village", "陈村", False),
        ("桃园社区居委会", "village", "桃园社区", True),
        ("吕塘下社区居民委员会", "village", "吕塘下社区", True),
        ("柳城居委会", "village", "柳城社区", True),
        ("诸葛居民委员会", "village", "诸葛社区", True),
        ("仙舟社区", "village", "仙舟社区", True),
        ("东兴生活区", "village", "东兴生活区", None),
        ("上方村", "village", "上方村", None),
        ("村委会", "village", "村委会", None),  # nothing before the suffix: kept as listed
        ("城东街道办事处", "township", "城东街道", None),
        ("城东街道", "township", "城东街道", None),
        ("浙江省", "province", "浙江省", None),
        ("社区居委会路村委会", "township", "社区居委会路村委会", None),  # suffixes only name villages
    ],
)
def test_the_short_name_and_the_kind_come_from_the_committee_suffix(official, level, short, community):
    assert short_name(official, level) == (short, community)


@pytest.mark.parametrize(
    ("prefix", "unit"),
    [
        ("330702001001", "330702001001"),
        ("3307020010", "330702001000"),
        ("33070", "330700000000"),
        ("33", "330000000000"),
        ("3", "000000000000"),
        ("", "000000000000"),
    ],
)
def test_the_unit_a_file_lies_under_is_the_smallest_holding_every_code(prefix, unit):
    assert common_unit(prefix) == unit

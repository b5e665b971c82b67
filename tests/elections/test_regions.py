import pytest
from hypothesis import given
from hypothesis import strategies as st

from elections.regions import ancestor_codes, level_of, parent_code, prefix_of


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

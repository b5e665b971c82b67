"""Surname stroke order (DOMAIN.md "Surname stroke order"): elections.ordering."""

from __future__ import annotations

import random
import unicodedata
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elections.ordering import (
    COMPOUND_SURNAMES,
    sort_by_stroke_order,
    stroke_order_key,
    stroke_sequence,
    unknown_characters,
)

# Mainland standard (通用规范汉字) stroke counts of common surnames.
MAINLAND_STROKE_COUNTS = {
    "邓": 4, "陈": 7, "黄": 11, "郑": 8, "苏": 7, "范": 8, "王": 4, "方": 4, "孔": 4, "李": 7,
    "杨": 7, "张": 7, "刘": 6, "赵": 9, "周": 8, "吴": 7, "徐": 10, "孙": 6, "马": 3, "朱": 6,
    "胡": 9, "郭": 10, "何": 7, "高": 10, "林": 8, "罗": 8, "梁": 11, "宋": 7, "谢": 12, "韩": 12,
    "冯": 5, "于": 3, "董": 12, "萧": 11, "程": 12, "曹": 11, "袁": 10, "许": 6, "傅": 12, "沈": 7,
    "曾": 12, "彭": 12, "吕": 6, "卢": 5, "蒋": 12, "蔡": 14, "贾": 10, "丁": 2, "魏": 17, "薛": 16,
    "叶": 5, "阎": 11, "余": 7, "潘": 15, "杜": 7, "戴": 17, "夏": 10, "钟": 9, "汪": 7, "田": 5,
    "任": 6, "姜": 9, "石": 5, "姚": 9, "谭": 14, "廖": 14, "邹": 7, "熊": 14, "金": 8, "陆": 7,
    "郝": 9, "白": 5, "崔": 11, "康": 11, "毛": 4, "邱": 7, "秦": 10, "江": 6, "史": 5, "顾": 10,
    "侯": 9, "邵": 7, "孟": 8, "龙": 5, "万": 3, "段": 9, "雷": 13, "钱": 10, "汤": 6, "尹": 4,
    "黎": 15, "易": 8, "常": 11, "武": 8, "乔": 6, "贺": 9, "赖": 13, "龚": 11, "文": 4,
}  # fmt: skip

HENG, SHU, PIE, DIAN, ZHE = 1, 2, 3, 4, 5

FULLWIDTH_A = "\uff21"
IDEOGRAPHIC_SPACE = "\u3000"
MIDDLE_DOT = "\u00b7"
EXT_A_CHAR = "\u3400"  # 㐀, CJK Extension A, not in the data


def shuffled(items: list[str], seed: int = 7) -> list[str]:
    copy = list(items)
    random.Random(seed).shuffle(copy)
    return copy


def assert_sorts_to(expected: list[str]) -> None:
    for candidate in (list(reversed(expected)), shuffled(expected), shuffled(expected, seed=11)):
        assert sort_by_stroke_order(candidate) == expected


@pytest.mark.parametrize(("char", "count"), sorted(MAINLAND_STROKE_COUNTS.items()))
def test_mainland_stroke_counts(char: str, count: int) -> None:
    sequence = stroke_sequence(char)
    assert sequence is not None
    assert len(sequence) == count


def test_radicals_counted_the_mainland_way() -> None:
    # ICU/CLDR stroke collation counts 艹 as 4 and 阝 as 3; the mainland standard counts 3 and 2.
    assert stroke_sequence("邓") == (ZHE, DIAN, ZHE, SHU)
    assert stroke_sequence("范")[:3] == (HENG, SHU, SHU)
    assert len(stroke_sequence("陈")) == 7
    assert len(stroke_sequence("黄")) == 11


def test_sequences_only_use_the_five_classes() -> None:
    for char in MAINLAND_STROKE_COUNTS:
        assert set(stroke_sequence(char)) <= {HENG, SHU, PIE, DIAN, ZHE}


def test_first_strokes() -> None:
    assert stroke_sequence("王")[0] == HENG
    assert stroke_sequence("方")[0] == DIAN
    assert stroke_sequence("孔")[0] == ZHE  # 乛
    assert stroke_sequence("李")[0] == HENG
    assert stroke_sequence("杨")[:2] == (HENG, SHU)


def test_li_before_yang_at_the_sixth_stroke() -> None:
    li, yang = stroke_sequence("李"), stroke_sequence("杨")
    assert li[:5] == yang[:5]
    assert (li[5], yang[5]) == (SHU, PIE)  # 子's 竖钩 (竖) against 昜's 撇
    assert stroke_order_key("李") < stroke_order_key("杨")


def test_four_stroke_surnames_by_first_stroke() -> None:
    assert_sorts_to(["王", "方", "孔"])


def test_kong_before_deng() -> None:
    assert stroke_order_key("孔") < stroke_order_key("邓")
    assert_sorts_to(["王", "方", "孔", "邓"])


def test_fewer_strokes_first() -> None:
    assert_sorts_to(list("丁马王叶刘陈郑赵高黄谢雷蔡潘薛魏"))


def test_equal_counts_broken_by_stroke_sequence() -> None:
    # All seven strokes: 李 and 杨 start with 横, 何 with 撇, 沈 with 点, 陈 with 折.
    assert_sorts_to(["李", "杨", "何", "沈", "陈"])


def test_surname_decides_before_given_name() -> None:
    assert_sorts_to(["丁蠢", "王一", "黄一"])


def test_same_surname_ordered_by_given_name() -> None:
    assert_sorts_to(["王一", "王一二", "王二", "王大明", "王小明", "王五"])


def test_given_name_character_by_character() -> None:
    # 大 (横撇捺) and 小 (竖钩撇点) both have 3 strokes; 明 then decides nothing.
    assert stroke_order_key("张大明") < stroke_order_key("张小明")
    assert stroke_order_key("张小一") < stroke_order_key("张小明")


def test_compound_surname_ranks_by_first_character() -> None:
    # 欧阳 ranks with the 8-stroke 欧, not with 14 strokes (欧 + 阳).
    assert_sorts_to(["林一", "欧阳修", "黄一"])
    assert_sorts_to(["司马光", "司徒雷登"])


def test_compound_surname_kept_apart_from_its_first_character() -> None:
    # Character by character 欧阳修 would precede 欧燕 (阳 has fewer strokes than 燕); the surname
    # 欧 is a different surname from 欧阳 and all its holders come first.
    assert len(stroke_sequence("阳")) < len(stroke_sequence("燕"))
    assert "欧阳" in COMPOUND_SURNAMES
    assert_sorts_to(["欧一", "欧燕", "欧阳修", "欧阳锋"])


def test_two_character_name_is_never_a_bare_compound_surname() -> None:
    # 司马 on its own is surname 司, given name 马, so it ranks among the 司 names.
    assert_sorts_to(["司一", "司马", "司马光"])
    assert stroke_order_key("司马")[0] == stroke_order_key("司一")[0]


def test_unknown_characters_after_known_ones() -> None:
    assert_sorts_to(["王一", "王" + "A", "王" + EXT_A_CHAR, "黄", "A", EXT_A_CHAR])
    assert stroke_order_key("魏") < stroke_order_key("陳")  # traditional forms are not in the data


def test_unknown_characters_reported() -> None:
    assert unknown_characters("陳" + EXT_A_CHAR + "王" + FULLWIDTH_A + "陳") == ["陳", EXT_A_CHAR, "A"]
    assert unknown_characters("王小明") == []
    assert unknown_characters("阿依古丽" + MIDDLE_DOT + "买买提") == []
    assert unknown_characters("") == []


def test_minority_names_with_middle_dot_sort_and_keep_the_dot() -> None:
    # 艾 (5 strokes) before 阿 (7); at the fifth character the known 买 precedes the unknown dot.
    with_dot = "阿依古丽" + MIDDLE_DOT + "买买提"
    other = "艾合买提" + MIDDLE_DOT + "尼亚孜"
    assert_sorts_to([other, "阿依古丽", "阿依古丽买买提", with_dot])


def test_nothing_is_dropped() -> None:
    names = ["王一", "", "  ", EXT_A_CHAR, "John Smith", "1号", "陳一", "欧阳修", "王一"]
    assert sorted(sort_by_stroke_order(names)) == sorted(names)


def test_empty_and_blank_names_first() -> None:
    assert stroke_order_key("") == stroke_order_key(" " + IDEOGRAPHIC_SPACE) == ((), ())
    assert sort_by_stroke_order(["丁", "", EXT_A_CHAR])[0] == ""


def test_whitespace_and_width_ignored() -> None:
    assert stroke_order_key("王" + IDEOGRAPHIC_SPACE + "五") == stroke_order_key("王五")
    assert stroke_order_key(" 欧阳 修 ") == stroke_order_key("欧阳修")
    assert stroke_order_key("王\t五\n") == stroke_order_key("王\u00a0五") == stroke_order_key("王五")
    assert stroke_order_key("王" + FULLWIDTH_A) == stroke_order_key("王A")
    assert stroke_order_key("\uff11\uff12") == stroke_order_key("12")
    assert stroke_order_key("\u2f00") == stroke_order_key("一")  # Kangxi radical ⼀ folds to 一


def test_identical_strokes_still_distinct_and_deterministic() -> None:
    assert stroke_sequence("己") == stroke_sequence("已") == stroke_sequence("巳")
    keys = {stroke_order_key(name) for name in ("王己", "王已", "王巳")}
    assert len(keys) == 3
    assert_sorts_to(sort_by_stroke_order(["王巳", "王己", "王已"]))


def test_sort_with_key_function() -> None:
    people = [{"name": "黄一"}, {"name": "王五"}, {"name": "孔四"}]
    result = sort_by_stroke_order(people, key=lambda person: person["name"])
    assert [person["name"] for person in result] == ["王五", "孔四", "黄一"]


def _is_plain(value: object) -> bool:
    if isinstance(value, tuple):
        return all(_is_plain(item) for item in value)
    return type(value) is int


def test_key_is_plain_tuple() -> None:
    key = stroke_order_key("欧阳" + EXT_A_CHAR + "A" + MIDDLE_DOT + "修")
    assert isinstance(key, tuple)
    assert _is_plain(key)


# Property tests: known characters (including compound surnames and look-alikes), unknown ones,
# whitespace and full-width forms, plus arbitrary characters.
SAMPLE_CHARS = list(
    "王方孔李杨邓陈黄欧阳燕司马徒丁一二己已巳土士人入八修"
    + EXT_A_CHAR + "陳A" + FULLWIDTH_A + "1" + MIDDLE_DOT + " \t" + IDEOGRAPHIC_SPACE
)  # fmt: skip
names = st.text(alphabet=st.one_of(st.sampled_from(SAMPLE_CHARS), st.characters()), max_size=6)


def normalised(name: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKC", name) if not char.isspace())


@settings(database=None, deadline=None)
@given(names, names)
def test_total_order(first: str, second: str) -> None:
    a, b = stroke_order_key(first), stroke_order_key(second)
    assert (a < b) + (a == b) + (a > b) == 1
    assert (a == b) == (normalised(first) == normalised(second))


@settings(database=None, deadline=None)
@given(names, names, names)
def test_transitive(first: str, second: str, third: str) -> None:
    a, b, c = (stroke_order_key(name) for name in (first, second, third))
    if a <= b and b <= c:
        assert a <= c


@settings(database=None, deadline=None)
@given(st.lists(names, max_size=12), st.randoms(use_true_random=False))
def test_sort_independent_of_input_order(items: list[str], rnd: random.Random) -> None:
    permuted = list(items)
    rnd.shuffle(permuted)
    result = sort_by_stroke_order(permuted)
    assert sorted(result) == sorted(items)
    assert [stroke_order_key(n) for n in result] == [stroke_order_key(n) for n in sort_by_stroke_order(items)]
    assert all(stroke_order_key(x) <= stroke_order_key(y) for x, y in pairwise(result))

"""The roll export's sort (voters.exports.in_roll_order) is the roll's one order (selectors.roll_order_key)."""

from hypothesis import given
from hypothesis import strategies as st

from voters.exports import in_roll_order
from voters.selectors import roll_order_key

GROUPS = st.sampled_from(
    ["", "1组", "一组", "第一村民小组", "2组", "10组", "第十组", "东片", "西片", " 3 组"]
)
NAMES = st.text(alphabet="王李方孔丁一二欧阳司马·AＡ 己已巳", min_size=1, max_size=4)


@given(st.lists(st.tuples(GROUPS, NAMES), max_size=40))
def test_the_export_sorts_as_the_roll_order_key(people):
    rows = [(pk, group, name) for pk, (group, name) in enumerate(people)]
    expected = sorted(rows, key=lambda row: (roll_order_key(row[1], row[2]), row[0]))
    in_roll_order(rows)
    assert rows == expected

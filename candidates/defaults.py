"""The defaults of DOMAIN.md "Candidate vetting", loaded as data on first use.

The negative list and the reviewing departments are reference data in the language of the documents
they come from (the township plan, seeds/001), so they are stored in Chinese rather than translated.
"""

from decimal import Decimal

from .choices import DepartmentKind, NoticeOrder, RecordSource, Rounding

# "十不选": the ten disqualifications of the township plan (seeds/001, 三(一)); counties may add items up
# to NEGATIVE_LIST_LIMIT in all.
NEGATIVE_LIST = (
    "政治上“两面人”，政治觉悟不高、组织观念不强、法治意识淡薄的",
    "受过刑事处罚、存在“村霸”和涉黑涉恶问题，加入邪教组织、组织或参与非法宗教活动的",
    "因涉黄、涉赌、涉毒或聚众斗殴、敲诈勒索、非法拘禁等受到行政处罚的",
    "不担当不作为，长期不履职，近3年有考核不称职或被评为不合格党员的",
    "近3年受过撤销党内职务及以上党纪处分、撤职及以上（政务）处分，或涉嫌严重违纪违法正在接受立案审查调查的",
    "有严重危害集体利益和群众合法权益行为的",
    "有严重违法用地、严重违章建房、严重损害生态环境、严重失信等行为尚未整改的",
    "非法组织参与集体上访，影响社会稳定的",
    "道德品行低劣、群众普遍反映不好的",
    "有拉票贿选或其他不正当竞争行为被查处未满5年，或以暴力、威胁、贿赂、欺骗等手段破坏或妨碍选举的",
)
NEGATIVE_LIST_LIMIT = 15
# Items of the default list the system answers from its own records (issue 15, part 5): item 4 from the
# term evaluations, item 6 from audit findings against the person, item 10 from substantiated reports.
NEGATIVE_LIST_RECORDS = {
    4: RecordSource.TERM_EVALUATION,
    6: RecordSource.AUDIT_FINDING,
    10: RecordSource.DISCIPLINE_REPORT,
}
# 近3年有考核不称职 (item 4) and 被查处未满5年 (item 10): the windows, cycle settings.
EVALUATION_WINDOW_YEARS = 3
DISCIPLINE_WINDOW_YEARS = 5

# The joint-review departments of DOMAIN.md, named after the county they serve. A district's public
# security bureau is a branch (分局) of the city bureau.
DEPARTMENTS = (
    (DepartmentKind.DISCIPLINE, "{county}纪委监委"),
    (DepartmentKind.POLICE, "{county}公安局"),
    (DepartmentKind.COURT, "{county}人民法院"),
    (DepartmentKind.PROCURATORATE, "{county}人民检察院"),
    (DepartmentKind.PETITIONS, "{county}信访局"),
    (DepartmentKind.JUSTICE, "{county}司法局"),
    (DepartmentKind.NATURAL_RESOURCES, "{county}自然资源局"),
    (DepartmentKind.ENVIRONMENT, "{county}生态环境局"),
    (DepartmentKind.AGRICULTURE, "{county}农业农村局"),
    (DepartmentKind.HEALTH, "{county}卫生健康局"),
    (DepartmentKind.URBAN_MANAGEMENT, "{county}城市管理局"),
)


def department_name(kind: str, county_name: str) -> str:
    """The default unit name of a department of `county_name` (婺城区 → 婺城区公安分局)."""
    template = dict(DEPARTMENTS)[kind]
    if kind == DepartmentKind.POLICE and county_name.endswith("区"):
        template = "{county}公安分局"
    return template.format(county=county_name)


# Thresholds: DOMAIN.md "Candidate vetting" and the township plan (seeds/001).
PARTY_INITIAL_RATIO = Decimal("1.5")
# The plan says "不少于应选人数的1.5倍（比如3个支委委员要不少于5人，5个支委委员要不少于7人）". No single
# rounding of 1.5 × seats gives both examples (4.5 → 5 rounds up, 7.5 → 7 rounds down), so the worked
# examples ship as a table that takes precedence and other seat counts use PARTY_INITIAL_ROUNDING.
PARTY_INITIAL_MINIMUMS = {"3": 5, "5": 7}
PARTY_INITIAL_ROUNDING = Rounding.UP
PRELIMINARY_EXTRA = 1
HEAD_MAX_AGE_MALE = 60
HEAD_MAX_AGE_FEMALE = 55
NEW_HEAD_MAX_AGE = 45
DEPUTY_MAX_AGE_MALE = 55
DEPUTY_MAX_AGE_FEMALE = 50
NEW_ENTRANT_MAX_AGE = 45
NEW_ENTRANT_MIN_EDUCATION = "senior"
YOUNG_MAX_AGE = 35
YOUNG_MIN_EDUCATION = "college"
WOMEN_SHARE_TARGET = Decimal("30")
TEAM_MIN_SIZE = 3
TEAM_MAX_SIZE = 7
# Paid cadre posts (定工干部职数) by population: <1,000: 3–4; 1,000–2,000: 4–5; >2,000: at most 6.
# Each band holds up to `population` people inclusive (None: no upper bound).
PAID_POST_BANDS = [
    {"population": 999, "min": 3, "max": 4},
    {"population": 2000, "min": 4, "max": 5},
    {"population": None, "min": None, "max": 6},
]
NOTICE_ORDER = NoticeOrder.STROKES
# Days a department has to answer a joint-review request, counted from the day it was sent. The sources
# set no term; in the township plan (seeds/001) the review sits inside the Party election's few weeks,
# followed by the inspection, the county's review and the notices, so a week (five working days) gives a
# department time to search its records and leaves the township the rest of the stage.
REVIEW_DAYS = 7

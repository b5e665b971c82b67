"""Pages of candidate vetting: who reaches what, and what each role sees."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from candidates import codes, services
from candidates.choices import Position
from candidates.models import Approval, CandidateRuleSettings, Nomination, QualificationReview
from candidates.selectors import negative_list_for
from tests.candidates.factories import NominationFactory, ResidentFactory, pass_everything, voter
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.candidates.urls_for_tests")]


def shown(code: str, **params) -> str:
    """The message of `code` as the page shows it, in the active language, up to its first unknown value."""
    template = str(codes.MESSAGES[code])
    if "%(" not in template:
        return template
    names = [part.split(")")[0] for part in template.split("%(")[1:]]
    filled = template % {name: params.get(name, "\0") for name in names}
    return filled.split("\0")[0]


def text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        wb = load_workbook(BytesIO(response.content), read_only=True)
        return " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row)
    return response.content.decode()


def candidate_routes():
    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            elif isinstance(entry, URLPattern) and route.startswith("candidates/"):
                yield route

    return sorted(set(walk(get_resolver())))


@pytest.fixture
def sent(election, people, units):
    """A nominee sent to the police and the court."""
    nomination = NominationFactory(
        election=election, resident=ResidentFactory(village=election.village, name="赵送审")
    )
    services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])
    chosen = [u for u in units if u.name in ("婺城区公安分局", "婺城区人民法院")]
    services.request_reviews(nominations=[nomination], units=chosen, by=people["township"])
    return nomination


# --- Jurisdiction ------------------------------------------------------------------------------------


def test_candidate_urls_take_only_the_village_election_pk():
    for route in candidate_routes():
        assert route.replace("<int:pk>", "").count("<") == 0, route


@pytest.mark.parametrize("role", ["township", "clerk", "police", "county", "city"])
def test_no_candidate_url_shows_a_village_outside_the_jurisdiction(
    client, election, neighbour, outside, people, role
):
    for other in (neighbour, outside):
        NominationFactory(election=other, resident=ResidentFactory(village=other.village, name="界外人"))
    client.force_login(people[role])
    forbidden = {
        "township": ["邻乡村", "界外村"],
        "clerk": ["邻乡村", "界外村"],
        "police": ["邻乡村", "界外村"],
    }
    forbidden |= {"county": ["界外村"], "city": []}
    for route in candidate_routes():
        for which in (neighbour, outside):
            url = "/" + route.replace("<int:pk>", str(which.pk))
            response = client.get(url, follow=True)
            assert response.status_code in (200, 404), (url, response.status_code)
            if "<int:pk>" in route and which.village.name in forbidden[role]:
                assert response.status_code == 404, (role, url)
            for name in forbidden[role]:
                assert name not in text(response), (role, url)


def test_township_user_gets_404_for_another_townships_village(client, election, neighbour, people):
    nomination = NominationFactory(election=neighbour)
    client.force_login(people["township"])
    for url in (
        f"/candidates/{neighbour.pk}/",
        f"/candidates/{neighbour.pk}/nominee/?nomination={nomination.pk}",
        f"/candidates/{neighbour.pk}/notices/formal/",
        f"/candidates/{neighbour.pk}/notices/formal.xlsx",
    ):
        assert client.get(url).status_code == 404, url
    # A nomination of another village cannot be reached through one's own village either.
    assert client.get(f"/candidates/{election.pk}/nominee/?nomination={nomination.pk}").status_code == 404
    response = client.post(
        f"/candidates/{neighbour.pk}/nominee/",
        {"nomination": nomination.pk, "action": "first_review", "verdict": "pass"},
    )
    assert response.status_code == 404 and not QualificationReview.objects.exists()


@pytest.mark.usefixtures("party_stage")
def test_department_user_sees_only_requests_addressed_to_its_unit(client, election, people, units, sent):
    unsent = NominationFactory(
        election=election, resident=ResidentFactory(village=election.village, name="钱未送")
    )
    services.record_first_review(nomination=unsent, passed=True, note="", by=people["township"])
    other_unit = [u for u in units if u.name == "婺城区信访局"]
    services.request_reviews(nominations=[unsent], units=other_unit, by=people["township"])
    client.force_login(people["police"])
    page = text(client.get("/candidates/reviews/"))
    assert "赵送审" in page and "钱未送" not in page
    assert sent.resident.id_number in page  # the department checks records by the ID number
    assert client.get(f"/candidates/{election.pk}/").status_code == 404
    assert client.get(f"/candidates/{election.pk}/nominee/?nomination={sent.pk}").status_code == 404


@pytest.mark.usefixtures("party_stage")
def test_a_department_cannot_decide_another_units_review(client, people, sent):
    court_review = sent.reviews.get(unit="婺城区人民法院")
    client.force_login(people["police"])
    response = client.post("/candidates/reviews/", {"review": court_review.pk, "verdict": "pass", "note": ""})
    assert response.status_code == 404
    assert QualificationReview.objects.get(pk=court_review.pk).verdict == "pending"


@pytest.mark.usefixtures("party_stage")
def test_department_passes_and_fails_with_a_note(client, people, sent):
    client.force_login(people["police"])
    review = sent.reviews.get(unit="婺城区公安分局")
    response = client.post("/candidates/reviews/", {"review": review.pk, "verdict": "fail", "note": ""})
    assert response.status_code == 200 and QualificationReview.objects.get(pk=review.pk).verdict == "pending"
    response = client.post(
        "/candidates/reviews/", {"review": review.pk, "verdict": "fail", "note": "2019年行政拘留"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.verdict, review.reviewer, review.reviewer_unit) == (
        "failed",
        people["police"],
        "婺城区公安分局",
    )
    assert "2019年行政拘留" in text(client.get("/candidates/reviews/"))


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("clerk", "/candidates/approvals/", 404),
        ("township", "/candidates/approvals/", 404),
        ("police", "/candidates/approvals/", 404),
        ("county", "/candidates/approvals/", 200),
        ("city", "/candidates/approvals/", 200),
        ("township", "/candidates/reviews/", 404),
        ("county", "/candidates/reviews/", 404),
    ],
)
def test_queues_are_for_their_roles(client, people, role, url, status):
    client.force_login(people[role])
    assert client.get(url).status_code == status


def test_a_clerk_nominates_but_does_not_vet(client, election, people):
    person = voter(election, name="孙村民")
    client.force_login(people["clerk"])
    response = client.post(
        f"/candidates/{election.pk}/nominate/",
        {
            "resident": person.pk,
            "position": Position.CHAIR,
            "source": "direct",
            "nominators": 40,
            "votes": 40,
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    response = client.post(
        f"/candidates/{election.pk}/nominee/",
        {"nomination": nomination.pk, "action": "first_review", "verdict": "pass"},
    )
    assert response.status_code == 404
    assert client.get(f"/candidates/{election.pk}/list/?body=committee").status_code == 404


# --- The township's journey through the pages ---------------------------------------------------------


@pytest.mark.usefixtures("party_stage")
def test_nominate_review_and_send_from_the_board(client, election, people, units):
    person = ResidentFactory(village=election.village, name="周候选")
    client.force_login(people["township"])
    response = client.post(
        f"/candidates/{election.pk}/nominate/",
        {"resident": person.pk, "position": Position.SECRETARY, "source": "party_members", "votes": 45},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    board = text(client.get(f"/candidates/{election.pk}/"))
    assert "周候选" in board and 'data-status="awaiting"' in board
    url = f"/candidates/{election.pk}/nominee/"
    response = client.post(
        url, {"nomination": nomination.pk, "action": "first_review", "verdict": "fail", "note": ""}
    )
    assert response.status_code == 200 and not nomination.reviews.exists()
    response = client.post(
        url, {"nomination": nomination.pk, "action": "first_review", "verdict": "pass", "note": ""}
    )
    assert response.status_code == 302
    response = client.post(f"/candidates/{election.pk}/", {"action": "send"})
    assert response.status_code == 302
    assert nomination.reviews.filter(kind="department").count() == len(units)


@pytest.mark.usefixtures("party_stage")
def test_nominee_page_forms_record_each_step(client, election, people, units):
    nomination = NominationFactory(election=election)
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/nominee/"
    client.get(f"{url}?nomination={nomination.pk}")
    items = negative_list_for(election)
    data = {"nomination": nomination.pk, "action": "negative", "common_evidence": "无犯罪记录证明"}
    data |= {f"hit_{i.pk}": "no" for i in items} | {f"evidence_{i.pk}": "" for i in items}
    data[f"hit_{items[2].pk}"] = "yes"
    response = client.post(url, data)
    assert response.status_code == 200 and "请说明此证据的来源" in text(response)
    data["common_source"] = "certificate"
    response = client.post(url, data)
    assert response.status_code == 200 and shown(codes.EVIDENCE_REQUIRED) in text(response)
    data[f"evidence_{items[2].pk}"] = "2022年因赌博被行政拘留"
    response = client.post(url, data)
    assert response.status_code == 200 and "请说明此项作答的来源" in text(response)
    data[f"source_{items[2].pk}"] = "department"
    assert client.post(url, data).status_code == 302
    assert nomination.negative_answers.filter(hit=True).count() == 1
    response = client.post(
        url,
        {
            "nomination": nomination.pk,
            "action": "inspection",
            "evaluation_score": "92.5",
            "interviews": 15,
            "conclusion": "suitable",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {"nomination": nomination.pk, "action": "commitments", "pledge": "2026-12-01", "work": "2026-12-02"},
    )
    assert response.status_code == 302
    assert nomination.commitments.signed() == frozenset({"pledge", "work"})
    response = client.post(url, {"nomination": nomination.pk, "action": "withdraw", "reason": "本人放弃"})
    assert response.status_code == 302
    assert Nomination.objects.get(pk=nomination.pk).state == "withdrawn"


@pytest.mark.usefixtures("party_stage")
def test_township_asks_and_the_county_approves_an_in_principle_breach(client, election, people, units):
    person = ResidentFactory(village=election.village, name="吴老书记", birth_date=date(1964, 5, 1))
    nomination = pass_everything(
        NominationFactory(election=election, resident=person, position=Position.SECRETARY),
        township=people["township"],
        units=units[:1],
    )
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/nominee/"
    page = text(client.get(f"{url}?nomination={nomination.pk}"))
    assert 'data-status="needs_approval"' in page
    response = client.post(
        url,
        {
            "nomination": nomination.pk,
            "action": "approval",
            "code": codes.HEAD_OVER_AGE,
            "justification": "表现优秀",
        },
    )
    assert response.status_code == 302
    approval = Approval.objects.get()
    client.force_login(people["county"])
    queue = text(client.get("/candidates/approvals/"))
    assert "吴老书记" in queue and "表现优秀" in queue
    response = client.post(
        "/candidates/approvals/", {"approval": approval.pk, "decision": "refuse", "note": ""}
    )
    assert response.status_code == 200 and Approval.objects.get().state == "pending"
    response = client.post(
        "/candidates/approvals/", {"approval": approval.pk, "decision": "approve", "note": "同意"}
    )
    assert response.status_code == 302 and Approval.objects.get().state == "approved"
    client.force_login(people["township"])
    assert 'data-status="qualified"' in text(client.get(f"{url}?nomination={nomination.pk}"))


def test_county_of_another_county_cannot_approve(client, election, outside, people, units):
    person = ResidentFactory(village=election.village, name="冯老书记", birth_date=date(1964, 5, 1))
    nomination = NominationFactory(election=election, resident=person, position=Position.SECRETARY)
    approval = Approval.objects.create(
        nomination=nomination, code=codes.HEAD_OVER_AGE, justification="理由", requested_by=people["township"]
    )
    stranger = UserFactory(username="county2", role=Role.COUNTY, region=outside.village.parent.parent)
    client.force_login(stranger)
    assert (
        client.post("/candidates/approvals/", {"approval": approval.pk, "decision": "approve"}).status_code
        == 404
    )
    assert "冯老书记" not in text(client.get("/candidates/approvals/"))
    assert Approval.objects.get().state == "pending"


# --- Lists and notices -------------------------------------------------------------------------------


@pytest.fixture
def formal_list(election, people, units):
    names = [
        ("王强", Position.CHAIR, "M"),
        ("孔亮", Position.CHAIR, "M"),
        ("黄明", Position.COMMITTEE_MEMBER, "M"),
    ]
    names += [("方丽", Position.COMMITTEE_MEMBER, "F"), ("李杨", Position.COMMITTEE_MEMBER, "M")]
    nominations = [
        pass_everything(
            NominationFactory(
                election=election,
                position=position,
                resident=ResidentFactory(village=election.village, name=name, sex=sex),
                votes=100 + i,
            ),
            township=people["township"],
            units=units[:1],
        )
        for i, (name, position, sex) in enumerate(names)
    ]
    services.set_list(election=election, body="committee", nominations=nominations, by=people["township"])
    return nominations


def test_formal_list_prints_per_position_in_stroke_order_with_the_deadline(
    client, election, people, formal_list
):
    client.force_login(people["township"])
    page = text(client.get(f"/candidates/{election.pk}/notices/formal/"))
    body = page.split('id="notice"')[1]
    names = [n for n in ("王强", "孔亮", "方丽", "李杨", "黄明") if n in body]
    positions = {n: body.index(n) for n in names}
    assert positions["王强"] < positions["孔亮"]  # chair: 王 before 孔 at 4 strokes
    assert positions["方丽"] < positions["李杨"] < positions["黄明"]  # members: 4, 7, 11 strokes
    assert "2027-01-15" in page  # election day 2027-01-20 minus 5 days


def test_formal_list_is_flagged_late_after_the_deadline(client, election, people, formal_list):
    election.election_day = timezone.localdate() + timedelta(days=3)  # published today: 3 days, not 5
    election.save()
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/notices/formal/"
    response = client.post(url, {"kind": "formal", "published_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    page = text(client.get(url))
    assert f'data-code="{codes.FORMAL_LIST_LATE}"' in page


def test_formal_list_published_today_on_time_has_no_lateness(client, election, people, formal_list):
    election.election_day = timezone.localdate() + timedelta(days=10)
    election.save()
    client.force_login(people["township"])
    page = text(client.get(f"/candidates/{election.pk}/notices/formal/"))
    assert codes.FORMAL_LIST_LATE not in page


def test_notice_order_by_votes_is_a_cycle_setting(client, election, people, formal_list):
    settings = CandidateRuleSettings.objects.get(cycle=election.cycle)
    settings.notice_order = "votes"
    settings.save()
    client.force_login(people["township"])
    body = text(client.get(f"/candidates/{election.pk}/notices/formal/")).split('id="notice"')[1]
    assert body.index("李杨") < body.index("方丽") < body.index("黄明")  # 104, 103, 102 votes


def test_excel_export_in_notice_order_with_formulas_neutralised(client, election, people, formal_list):
    formal_list[4].resident.name = "=李杨"
    formal_list[4].resident.save()
    client.force_login(people["township"])
    response = client.get(f"/candidates/{election.pk}/notices/formal.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    names = [row[2] for row in rows[1:]]
    assert names[:2] == ["王强", "孔亮"]
    assert "'=李杨" in names


def test_names_outside_the_stroke_data_are_listed_on_the_notice(client, election, people, formal_list):
    formal_list[2].resident.name = "陳明"
    formal_list[2].resident.save()
    client.force_login(people["township"])
    page = text(client.get(f"/candidates/{election.pk}/notices/formal/"))
    assert f'data-code="{codes.UNKNOWN_CHARACTERS}"' in page


@pytest.mark.usefixtures("party_stage")
def test_shortlist_page_lists_the_preliminary_candidates(client, election, people, units):
    nominees = [
        pass_everything(NominationFactory(election=election), township=people["township"], units=units[:1])
        for _ in range(5)
    ]
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/list/?body=party"
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "party", "nominations": [n.pk for n in nominees[:3]]})
    assert response.status_code == 200 and shown(codes.PRELIMINARY_COUNT, count=3) in text(response)
    response = client.post(url, {"body": "party", "nominations": [n.pk for n in nominees[:4]]})
    assert response.status_code == 302
    page = text(client.get(f"/candidates/{election.pk}/notices/preliminary/"))
    assert (
        all(n.resident.name in page for n in nominees[:4])
        and nominees[4].resident.name not in page.split('id="notice"')[1]
    )


def test_slate_page_saves_the_proposed_team_and_shows_the_structure(client, election, people):
    secretary = NominationFactory(election=election, position=Position.SECRETARY)
    chair = NominationFactory(election=election, position=Position.CHAIR, resident=secretary.resident)
    woman = NominationFactory(
        election=election,
        position=Position.COMMITTEE_MEMBER,
        resident=ResidentFactory(village=election.village, sex="F"),
    )
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/slate/"
    assert client.post(url, {"proposed": [secretary.pk, chair.pk, woman.pk]}).status_code == 302
    page = text(client.get(url))
    assert f'data-code="{codes.TEAM_SIZE}"' in page  # two people
    assert codes.TEAM_NO_ONE_SHOULDER not in page
    client.force_login(people["county"])
    assert client.post(url, {"proposed": []}).status_code == 404


def test_election_committee_page_withdraws_and_replaces(client, election, people):
    a, b = (ResidentFactory(village=election.village, name=n) for n in ("甲委员", "乙候补"))
    client.force_login(people["clerk"])
    url = f"/candidates/{election.pk}/election-committee/"
    client.post(url, {"action": "vote", "resident": a.pk, "votes": 90, "seated": "on", "role": "chair"})
    client.post(url, {"action": "vote", "resident": b.pk, "votes": 60, "role": "member"})
    member = election.election_committee.get(resident=a)
    response = client.post(url, {"action": "withdraw", "member": member.pk, "reason": "被提名"}, follow=True)
    assert "乙候补" in text(response)
    assert election.election_committee.get(resident=b).seated


def test_previous_term_page_imports_rows(client, election, people):
    person = ResidentFactory(village=election.village, name="郑书记")
    client.force_login(people["clerk"])
    url = f"/candidates/{election.pk}/previous-term/"
    response = client.post(url, {"rows": f"郑书记\t{person.id_number}\t书记\t主任\t大专\t是"})
    assert response.status_code == 302
    assert "郑书记" in text(client.get(url))
    response = client.post(url, {"rows": "坏行"})
    assert response.status_code == 200 and shown(codes.PREVIOUS_TERM_ROW_INVALID, line=1) in text(response)


def test_a_nominee_on_the_election_committee_withdraws_from_the_nominee_page(client, election, people):
    member, reserve = (ResidentFactory(village=election.village, name=n) for n in ("何委员", "许候补"))
    seat = services.record_election_committee_vote(
        election=election, resident=member, votes=80, seated=True, role="member", by=people["clerk"]
    )
    services.record_election_committee_vote(
        election=election, resident=reserve, votes=50, seated=False, role="member", by=people["clerk"]
    )
    nomination = NominationFactory(election=election, resident=member, position=Position.COMMITTEE_MEMBER)
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/nominee/"
    page = text(client.get(f"{url}?nomination={nomination.pk}"))
    assert 'id="election-committee"' in page and codes.ELECTION_COMMITTEE_MEMBER in page
    data = {
        "nomination": nomination.pk,
        "action": "committee_withdraw",
        "member": seat.pk,
        "reason": "被提名",
    }
    page = text(client.post(url, data, follow=True))
    assert "许候补" in page and codes.ELECTION_COMMITTEE_MEMBER not in page
    assert election.election_committee.get(resident=reserve).seated


@pytest.mark.usefixtures("party_stage")
def test_the_negative_list_comes_unanswered_and_every_item_must_be_answered(client, election, people):
    """No hard block answered for the reviewer (issue 15, part 5): one click cannot save ten "does not apply"."""
    nomination = NominationFactory(election=election)
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/nominee/"
    page = text(client.get(f"{url}?nomination={nomination.pk}"))
    items = negative_list_for(election)
    assert items and "checked" not in page.split('id="negative-list"')[1].split("</form>")[0]
    data = {"nomination": nomination.pk, "action": "negative", "common_evidence": "无犯罪记录证明"}
    data |= {"common_source": "certificate"}
    data |= {f"hit_{i.pk}": "no" for i in items[1:]} | {f"evidence_{i.pk}": "" for i in items}
    response = client.post(url, data)
    assert response.status_code == 200 and "请逐项作答：是否存在此情形" in text(response)
    assert not nomination.negative_answers.exists()
    data[f"hit_{items[0].pk}"] = "no"
    assert client.post(url, data).status_code == 302
    assert nomination.negative_answers.filter(hit=False).count() == len(items)

# ruff: noqa: F811 -- the candidates fixtures imported below are used as pytest arguments
"""The trail as a ledger an office can sign: every vetting step of a nominee is there with the person's
name, the page reads in Chinese (names, roles, Beijing times, before → after in words), filters, pages and
exports what it shows, in a constant number of queries."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.roles import Role
from candidates import codes, services
from candidates.choices import ApprovalState, Position, Source
from candidates.models import Approval, Nomination, PreviousTermMember
from candidates.selectors import negative_list_for
from tests.candidates.conftest import cycle, election, party_stage, people, units  # noqa: F401
from tests.candidates.factories import ResidentFactory
from tests.factories import UserFactory
from trail.models import TrailEntry
from trail.services import append

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.trail.urls_for_tests")]


@pytest.fixture
def vetted(party_stage, people, units):
    """An over-age secretary nominated, reviewed by the township and the police, checked against the
    negative list, approved by the county and marked elected: each by its own person."""
    election = party_stage
    township, county, police = people["township"], people["county"], people["police"]
    person = ResidentFactory(village=election.village, birth_date=datetime.date(1965, 3, 1), name="李文斌")
    PreviousTermMember.objects.create(
        election=election,
        resident=person,
        name=person.name,
        sex="M",
        birth_date=person.birth_date,
        party_position="secretary",
    )
    nomination = services.nominate(
        election=election,
        resident=person,
        position=Position.SECRETARY,
        source=Source.PARTY_MEMBERS,
        by=township,
    )
    services.record_first_review(nomination=nomination, passed=True, note="", by=township)
    police_unit = next(u for u in units if u.name == police.unit)
    services.request_reviews(nominations=[nomination], units=[police_unit], by=township)
    review = nomination.reviews.get(kind="department", unit=police.unit)
    services.decide_review(review=review, passed=True, note="无违法犯罪记录", by=police)
    items = negative_list_for(election)
    services.answer_negative_list(
        nomination=nomination,
        answers={i.pk: (False, "无犯罪记录证明", "certificate") for i in items},
        by=township,
    )
    services.record_inspection(
        nomination=nomination,
        evaluation_score=95,
        interviews=20,
        site_visit=True,
        conclusion="suitable",
        by=township,
    )
    signed = datetime.date(2026, 12, 1)
    services.record_commitments(
        nomination=nomination,
        signed=dict.fromkeys(["pledge", "campaign", "work", "resignation"], signed),
        by=township,
    )
    approval = services.request_approval(
        nomination=nomination, code=codes.HEAD_OVER_AGE, justification="表现优秀，群众公认", by=township
    )
    services.decide_approval(approval=approval, approve=True, note="", by=county)
    services.mark_elected(election=election, nominations=[nomination], by=township)
    return {"election": election, "nomination": nomination, "review": review, "approval": approval}


def entries(election, label, **kwargs):
    return TrailEntry.objects.filter(division_code=election.division_code, model_label=label, **kwargs)


def test_every_vetting_step_is_in_the_trail_with_the_persons_name(vetted):
    election, nomination = vetted["election"], vetted["nomination"]
    created = entries(election, "candidates.nomination", action="create", object_pk=str(nomination.pk)).get()
    assert created.actor_name == "王干事"
    verdict = entries(
        election, "candidates.qualificationreview", action="update", object_pk=str(vetted["review"].pk)
    )
    assert [e.actor_name for e in verdict] == ["赵警官"]
    assert verdict.get().changes["verdict"][1] == "passed"
    answers = entries(election, "candidates.negativelistanswer")
    assert answers.count() == 10 and set(answers.values_list("actor_name", flat=True)) == {"王干事"}
    decided = entries(
        election, "candidates.approval", action="update", object_pk=str(vetted["approval"].pk)
    ).get()
    assert decided.actor_name == "陈审核" and decided.changes["state"][1] == "approved"
    elected = entries(election, "candidates.nomination", action="bulk").get()
    assert elected.actor_name == "王干事"
    assert elected.changes == {"elected": ["False", "True"]}
    assert elected.extra["records"] == [
        {"pk": str(nomination.pk), "repr": str(Nomination.objects.get(pk=nomination.pk))}
    ]


def test_marking_elected_again_records_only_what_moved(vetted, people):
    election, nomination = vetted["election"], vetted["nomination"]
    services.mark_elected(election=election, nominations=[nomination], by=people["township"])
    assert entries(election, "candidates.nomination", action="bulk").count() == 1  # nothing moved
    services.mark_elected(election=election, nominations=[], by=people["county"])
    latest = entries(election, "candidates.nomination", action="bulk").order_by("-seq").first()
    assert latest.actor_name == "陈审核" and latest.changes == {"elected": ["True", "False"]}
    assert not Nomination.objects.get(pk=nomination.pk).elected


def test_the_page_reads_like_a_ledger(client, vetted, people):
    election = vetted["election"]
    client.force_login(people["county"])
    response = client.get(
        f"/trail/election/{election.pk}/", {"model": "candidates.approval", "action": "update"}
    )
    assert response.status_code == 200
    (row,) = response.context["rows"]
    with translation.override("zh-hans"):
        state = Approval._meta.get_field("state")
        changes = {c.field: (c.before, c.after) for c in row.changes}
        assert changes[str(state.verbose_name)] == (
            str(ApprovalState.PENDING.label),
            str(ApprovalState.APPROVED.label),
        )
    page = response.content.decode()
    assert "陈审核" in page
    decided_by = next(c for c in row.changes if c.after == "陈审核")
    assert decided_by.before == "—"
    local = timezone.localtime(row.entry.at)
    assert local.utcoffset() == datetime.timedelta(hours=8)
    assert f"{local:%Y-%m-%d %H:%M:%S}" in page
    assert "{" not in "".join(c.after for c in row.changes)  # no raw JSON


def test_the_page_shows_the_persons_role(client, vetted, people):
    client.force_login(people["county"])
    response = client.get(
        f"/trail/election/{vetted['election'].pk}/", {"model": "candidates.qualificationreview"}
    )
    police = next(r for r in response.context["rows"] if r.entry.actor_name == "赵警官")
    assert police.role.endswith("婺城区公安分局") and str(Role.DEPARTMENT.label) in police.role


def test_the_page_filters_by_person_kind_and_days(client, vetted, people):
    election = vetted["election"]
    client.force_login(people["county"])
    url = f"/trail/election/{election.pk}/"
    by_police = client.get(url, {"actor": str(people["police"].pk)}).context["rows"]
    assert by_police and {r.entry.actor_name for r in by_police} == {"赵警官"}
    bulk = client.get(url, {"action": "bulk"}).context["rows"]
    assert bulk and {r.entry.action for r in bulk} == {"bulk"}
    today = timezone.localdate()
    assert (
        client.get(url, {"from": f"{today:%Y-%m-%d}", "to": f"{today:%Y-%m-%d}"})
        .context["page"]
        .paginator.count
    )
    tomorrow = today + datetime.timedelta(days=1)
    assert client.get(url, {"from": f"{tomorrow:%Y-%m-%d}"}).context["page"].paginator.count == 0
    yesterday = today - datetime.timedelta(days=1)
    assert client.get(url, {"to": f"{yesterday:%Y-%m-%d}"}).context["page"].paginator.count == 0
    choices = dict(client.get(url).context["actor_choices"])
    assert {"王干事", "赵警官", "陈审核"} <= set(choices.values())


def test_the_export_holds_what_the_filter_shows(client, vetted, people):
    election = vetted["election"]
    client.force_login(people["county"])
    url = f"/trail/election/{election.pk}/"
    shown = client.get(url, {"actor": str(people["police"].pk)}).context["page"].paginator.count
    response = client.get(url, {"actor": str(people["police"].pk), "export": "xlsx"})
    assert response.status_code == 200
    assert "%E6%93%8D%E4%BD%9C%E7%95%99%E7%97%95" in response["Content-Disposition"]  # 操作留痕
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == shown + 1
    assert {r[2] for r in rows[1:]} == {"赵警官"}
    assert all("婺城区公安分局" in (r[3] or "") for r in rows[1:])


def _fill(election, resident, actor, n):
    for i in range(n):
        append(
            action="update",
            model_label="voters.resident",
            object_pk=str(resident.pk),
            object_repr=str(resident),
            division_code=election.division_code,
            changes={
                "household": [None, None],
                "name": [f"甲{i}", f"乙{i}"],
                "village": [None, str(election.village_id)],
            },
            actor=actor,
        )


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def test_the_page_and_the_export_take_the_same_queries_for_60_entries_as_for_500(client, party_stage, people):
    election = party_stage
    resident = ResidentFactory(village=election.village)
    others = [UserFactory(username=f"clerk{i}", role=Role.CLERK, region=election.village) for i in range(3)]
    client.force_login(people["county"])
    url = f"/trail/election/{election.pk}/"
    for actor in others:
        _fill(election, resident, actor, 20)
    few_page, few_export = _queries(client, url), _queries(client, url, {"export": "xlsx"})
    for actor in others:
        _fill(election, resident, actor, 147)
    assert TrailEntry.objects.filter(division_code=election.division_code).count() >= 500
    many_page, many_export = _queries(client, url), _queries(client, url, {"export": "xlsx"})
    print(f"trail page queries: {many_page} (60 entries: {few_page}); export: {many_export} ({few_export})")
    assert many_page == few_page
    assert many_export <= few_export + 2  # one more chunk of 500 at most

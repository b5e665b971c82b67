"""The negative list fed by the system's own records (issue 15, part 5).

A term evaluation of 不称职 within the window (a cycle setting, 3 years), a substantiated vote-buying or
discipline report naming the person (5 years), a serious audit finding against the person: each answers
its item "applies" from the record, blocks the nominee whatever a person answered, and cannot be answered
"does not apply". A substantiated report against a person already elected opens the county's decision on
voiding that election, which the county alone takes, once, in the trail.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audits.models import AuditFinding, OutgoingAudit, Position, Rating, TermEvaluation
from candidates import codes, services
from candidates.choices import VettingStatus, VoidState
from candidates.evidence import vetting_day
from candidates.models import CandidateRuleSettings, NegativeListAnswer, VoidDecision
from candidates.selectors import election_vetting, negative_list_for
from risk import services as risk_services
from tests.candidates.factories import NominationFactory, pass_everything
from trail.models import TrailEntry

pytestmark = pytest.mark.usefixtures("party_stage")


def years_months_before(day: date, years: int, months: int = 0) -> date:
    month = day.month - months
    year = day.year - years
    while month < 1:
        month += 12
        year -= 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def row(nomination):
    return election_vetting(election=nomination.election).row(nomination.pk)


def codes_of(nomination) -> list[str]:
    return [f.code for f in row(nomination).findings]


def evaluate(resident, on: date, rating=Rating.INCOMPETENT):
    return TermEvaluation.objects.create(
        resident=resident,
        year=on.year,
        position=Position.CHAIR,
        rating=rating,
        evaluated_on=on,
        evaluated_by="白龙镇党委",
    )


def vetted(election, people, units):
    """A nominee whose every other step passes: only the records can block."""
    return pass_everything(NominationFactory(election=election), township=people["township"], units=units[:1])


def test_incompetent_two_years_eleven_months_ago_blocks(election, people, units):
    nomination = vetted(election, people, units)
    assert row(nomination).status == VettingStatus.QUALIFIED
    evaluate(nomination.resident, years_months_before(vetting_day(election), 2, 11))
    found = row(nomination)
    assert found.status == VettingStatus.BLOCKED
    hit = next(f for f in found.findings if f.code == codes.NEGATIVE_RECORD_HIT)
    assert hit.params["number"] == 4 and "不称职" in hit.message


def test_incompetent_three_years_and_a_day_ago_does_not_block(election, people, units):
    nomination = vetted(election, people, units)
    day = vetting_day(election)
    evaluate(nomination.resident, day.replace(year=day.year - 3) - timedelta(days=1))
    assert row(nomination).status == VettingStatus.QUALIFIED
    evaluate(nomination.resident, day)
    assert row(nomination).status == VettingStatus.BLOCKED  # the same person rated so today: blocked


def test_the_window_is_the_cycles_setting(election, people, units):
    nomination = vetted(election, people, units)
    evaluate(nomination.resident, years_months_before(vetting_day(election), 2, 11))
    assert codes.NEGATIVE_RECORD_HIT in codes_of(nomination)
    CandidateRuleSettings.objects.filter(cycle=election.cycle).update(evaluation_window_years=2)
    assert row(nomination).status == VettingStatus.QUALIFIED
    CandidateRuleSettings.objects.filter(cycle=election.cycle).update(evaluation_window_years=4)
    assert row(nomination).status == VettingStatus.BLOCKED


def test_a_competent_rating_does_not_block(election, people, units):
    nomination = vetted(election, people, units)
    evaluate(nomination.resident, vetting_day(election), rating=Rating.BASICALLY_COMPETENT)
    assert row(nomination).status == VettingStatus.QUALIFIED


def report(election, people, accused, outcome="substantiated", kind="vote_buying"):
    made = risk_services.record_report(
        election=election,
        kind=kind,
        channel="phone",
        summary="向村民发放购物卡拉票",
        received_on=date.today() - timedelta(days=10),
        accused=accused,
        by=people["township"],
    )
    return risk_services.resolve_report(
        report=made,
        outcome=outcome,
        resolved_on=date.today() - timedelta(days=2),
        resolution="经镇纪委调查",
        by=people["township"],
    )


def test_a_substantiated_vote_buying_report_disqualifies(election, people, units):
    nomination = vetted(election, people, units)
    report(election, people, nomination.resident)
    found = row(nomination)
    assert found.status == VettingStatus.BLOCKED
    hit = next(f for f in found.findings if f.code == codes.NEGATIVE_RECORD_HIT)
    assert hit.params["number"] == 10 and "购物卡" in hit.message


def test_an_unfounded_or_open_report_does_not(election, people, units):
    nomination = vetted(election, people, units)
    report(election, people, nomination.resident, outcome="unfounded")
    risk_services.record_report(
        election=election,
        kind="vote_buying",
        channel="mailbox",
        summary="匿名信反映拉票",
        received_on=date.today(),
        accused=nomination.resident,
        by=people["township"],
    )
    assert row(nomination).status == VettingStatus.QUALIFIED


def test_a_report_must_name_a_resident_of_the_village(election, outside, people):
    stranger = NominationFactory(election=outside).resident
    with pytest.raises(ValidationError) as excinfo:
        risk_services.record_report(
            election=election,
            kind="vote_buying",
            channel="phone",
            summary="拉票",
            received_on=date.today(),
            accused=stranger,
            by=people["township"],
        )
    assert excinfo.value.error_list[0].code == "risk.accused_elsewhere"


def test_a_serious_audit_finding_against_the_person_blocks_a_minor_one_does_not(election, people, units):
    nomination = vetted(election, people, units)
    audit = OutgoingAudit.objects.create(
        election=election,
        committees="both",
        auditor_kind="third_party",
        auditor_name="金华某会计师事务所",
    )
    AuditFinding.objects.create(
        audit=audit, description="账外资金", person=nomination.resident, severity="minor", amount=Decimal(10)
    )
    assert row(nomination).status == VettingStatus.QUALIFIED
    AuditFinding.objects.create(
        audit=audit,
        description="挪用集体资金",
        person=nomination.resident,
        severity="serious",
        amount=Decimal("52000"),
    )
    found = row(nomination)
    assert found.status == VettingStatus.BLOCKED
    assert next(f for f in found.findings if f.code == codes.NEGATIVE_RECORD_HIT).params["number"] == 6


def test_a_record_hit_cannot_be_answered_does_not_apply(election, people, units):
    nomination = vetted(election, people, units)
    evaluate(nomination.resident, vetting_day(election))
    item = next(i for i in negative_list_for(election) if i.number == 4)
    with pytest.raises(ValidationError) as excinfo:
        services.answer_negative_list(
            nomination=nomination,
            answers={item.pk: (False, "本人称无此情形", "pledge")},
            by=people["township"],
        )
    assert excinfo.value.error_list[0].code == codes.NEGATIVE_RECORD_STANDS
    # answering the rest writes the record's answer too, with the record as evidence and source
    others = {
        i.pk: (False, "无犯罪记录证明", "certificate") for i in negative_list_for(election) if i != item
    }
    services.answer_negative_list(nomination=nomination, answers=others, by=people["township"])
    stored = NegativeListAnswer.objects.get(nomination=nomination, item=item)
    assert stored.hit and stored.source == "record" and "不称职" in stored.evidence


def test_every_answer_needs_its_source(election, people):
    nomination = NominationFactory(election=election)
    item = negative_list_for(election)[0]
    for source in ("", "record", "gossip"):
        with pytest.raises(ValidationError) as excinfo:
            services.answer_negative_list(
                nomination=nomination, answers={item.pk: (False, "无", source)}, by=people["township"]
            )
        assert excinfo.value.error_list[0].code == codes.ANSWER_SOURCE_REQUIRED


def test_after_the_vote_a_report_opens_the_countys_void_decision(election, people, units):
    nomination = vetted(election, people, units)
    services.mark_elected(election=election, nominations=[nomination], by=None)
    report(election, people, nomination.resident)
    decision = VoidDecision.objects.get(nomination=nomination)
    assert decision.state == VoidState.OPEN and "购物卡" in decision.source_label
    assert decision.source_url.endswith("#reports")
    # a second substantiated report adds no second open decision
    report(election, people, nomination.resident, kind="discipline")
    assert VoidDecision.objects.filter(nomination=nomination).count() == 1
    for who in ("township", "police", "city"):
        with pytest.raises(ValidationError) as excinfo:
            services.decide_void(decision=decision, void=True, note="查实贿选", by=people[who])
        assert excinfo.value.error_list[0].code == codes.VOID_NOT_ALLOWED
    with pytest.raises(ValidationError) as excinfo:
        services.decide_void(decision=decision, void=True, note=" ", by=people["county"])
    assert excinfo.value.error_list[0].code == codes.VOID_NOTE_REQUIRED
    services.decide_void(decision=decision, void=True, note="经县委组织部研究，当选无效", by=people["county"])
    nomination.refresh_from_db()
    decision.refresh_from_db()
    assert not nomination.elected and decision.state == VoidState.VOIDED
    assert decision.decided_by == people["county"]
    with pytest.raises(ValidationError) as excinfo:
        services.decide_void(decision=decision, void=False, note="再议", by=people["county"])
    assert excinfo.value.error_list[0].code == codes.VOID_ALREADY_DECIDED
    kinds = set(
        TrailEntry.objects.filter(
            model_label__in=["candidates.voiddecision", "candidates.nomination"]
        ).values_list("model_label", "action")
    )
    assert ("candidates.voiddecision", "create") in kinds and ("candidates.voiddecision", "update") in kinds
    assert ("candidates.nomination", "update") in kinds


def test_before_the_vote_a_report_opens_no_void_decision(election, people, units):
    nomination = vetted(election, people, units)
    report(election, people, nomination.resident)
    assert not VoidDecision.objects.exists()
    with pytest.raises(ValidationError) as excinfo:
        services.open_void_decision(nomination=nomination, reason="x", source_label="x", by=None)
    assert excinfo.value.error_list[0].code == codes.VOID_NOT_ELECTED


def test_the_records_are_read_for_a_village_at_a_fixed_number_of_queries(
    election, people, units, django_assert_max_num_queries
):
    for _n in range(3):
        evaluate(NominationFactory(election=election).resident, vetting_day(election))
    with django_assert_max_num_queries(40) as few:
        election_vetting(election=election)
    for _n in range(12):
        evaluate(NominationFactory(election=election).resident, vetting_day(election))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(election_vetting(election=election).rows) == 15


# --- The doors: the nominee's page, the county's void decisions, the risk and audit pages ---------------


def page_text(response) -> str:
    return response.content.decode()


def test_the_nominee_page_shows_the_record_with_its_link_and_no_field(client, election, people, units):
    nomination = vetted(election, people, units)
    evaluate(nomination.resident, vetting_day(election))
    item = next(i for i in negative_list_for(election) if i.number == 4)
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/nominee/?nomination={nomination.pk}"
    page = page_text(client.get(url))
    section = page.split('id="negative-list"')[1].split("</section>")[0]
    assert "不称职" in section and f"/audits/election/{election.pk}/#evaluations" in section
    assert f'name="hit_{item.pk}"' not in section and "系统记录" in section
    # the item of the discipline reports, with nothing on record, says so and waits for a person
    assert "系统记录中未见（查实的拉票贿选及违纪举报）" in section


def test_the_county_decides_on_its_page(client, election, people, units):
    nomination = vetted(election, people, units)
    services.mark_elected(election=election, nominations=[nomination], by=None)
    report(election, people, nomination.resident)
    decision = VoidDecision.objects.get()
    client.force_login(people["township"])
    assert client.get("/candidates/void/").status_code == 404
    client.force_login(people["county"])
    home = page_text(client.get("/", follow=True))  # the county lands on the overview
    assert 'id="void-decisions"' in home and nomination.resident.name in home
    page = page_text(client.get("/candidates/void/"))
    assert nomination.resident.name in page and "购物卡" in page
    response = client.post("/candidates/void/", {"decision": decision.pk, "void": "void", "note": ""})
    assert response.status_code == 400 and "请写明决定的理由" in page_text(response)
    response = client.post("/candidates/void/", {"decision": decision.pk, "void": "void", "note": "当选无效"})
    assert response.status_code == 302
    decision.refresh_from_db()
    nomination.refresh_from_db()
    assert decision.state == VoidState.VOIDED and not nomination.elected
    assert 'id="void-decisions"' not in page_text(client.get("/", follow=True))


def test_the_risk_page_names_the_person_reported(client, election, people, units):
    nomination = vetted(election, people, units)
    client.force_login(people["township"])
    url = f"/risk/election/{election.pk}/"
    page = page_text(client.get(url))
    assert f'<option value="{nomination.resident_id}">' in page
    data = {
        "action": "report",
        "report-kind": "vote_buying",
        "report-channel": "phone",
        "report-summary": "宴请村民拉票",
        "report-accused": nomination.resident_id,
        "report-received_on": date.today().isoformat(),
    }
    assert client.post(url, data).status_code == 302
    made = nomination.resident.discipline_reports.get()
    assert row(nomination).status == VettingStatus.QUALIFIED  # reported, not yet substantiated
    data = {
        "action": "resolve_report",
        "resolve_report-report": made.pk,
        "resolve_report-outcome": "substantiated",
        "resolve_report-resolved_on": date.today().isoformat(),
        "resolve_report-resolution": "镇纪委查实",
    }
    assert client.post(url, data).status_code == 302
    assert row(nomination).status == VettingStatus.BLOCKED


def test_the_audit_page_records_a_finding_against_a_cadre(client, election, people, units):
    from audits import services as audit_services

    nomination = vetted(election, people, units)
    audit = OutgoingAudit.objects.create(
        election=election, auditor_kind="third_party", auditor_name="金华某会计师事务所"
    )
    audit_services.start_audit(audit=audit, started_on=date.today(), by=people["county"])
    client.force_login(people["county"])
    url = f"/audits/election/{election.pk}/"
    data = {
        "action": "finding",
        "finding-description": "虚报冒领补贴",
        "finding-id_number": "110101199001011234",
        "finding-severity": "serious",
        "finding-amount": "8000",
        "finding-note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "本村没有该身份证号码的村民" in page_text(response)
    data["finding-id_number"] = nomination.resident.id_number
    assert client.post(url, data).status_code == 302
    assert AuditFinding.objects.get().person == nomination.resident
    assert row(nomination).status == VettingStatus.BLOCKED
    assert f"责任人：{nomination.resident.name}" in page_text(client.get(url))

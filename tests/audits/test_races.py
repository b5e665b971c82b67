"""Twenty identical POSTs at once on PostgreSQL: no HTTP 500, one row, and the answers of sequential twins."""

import re
from datetime import timedelta

import pytest
from django.utils.html import escape
from django.utils.translation import override

from audits import codes
from audits.models import FinanceCleanup, OutgoingAudit, TermEvaluation
from tests.concurrency import failures, fire_concurrently, logged_in_clients, require_postgresql
from tests.trail.helpers import resident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = 20
REFUSAL = re.compile(r'<div class="error"><p>([^<]+)</p>')


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgresql()


def page(election):
    return f"/audits/election/{election.pk}/"


def form(action, **fields):
    return {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}


def chinese(code: str) -> str:
    with override("zh-hans"):
        return escape(str(codes.MESSAGES[code]))


def assert_one_success_and_refusals(outcomes, election, code):
    assert failures(outcomes) == []
    done = [o for o in outcomes if o.status_code == 302]
    assert [o["Location"] for o in done] == [page(election)]
    refused = [o for o in outcomes if o.status_code != 302]
    assert len(refused) == N - 1
    assert {o.status_code for o in refused} == {400}
    assert {tuple(REFUSAL.findall(o.content.decode())) for o in refused} == {(chinese(code),)}


def test_twenty_identical_audit_records_make_one_audit(world, today):
    election = world["home"]
    data = form(
        "record", committees="both", auditor_kind="department", auditor_name="三资管理服务中心",
        started_on=(today - timedelta(days=2)).isoformat(),
    )  # fmt: skip
    clients = logged_in_clients(world["township"], N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(page(election), data))

    assert_one_success_and_refusals(outcomes, election, codes.ALREADY_RECORDED)
    assert OutgoingAudit.objects.filter(election=election).count() == 1


def test_twenty_identical_finance_cleanups_make_one_record(world, today):
    election = world["home"]
    data = form(
        "cleanup", completed_on=today.isoformat(), funds_yuan="356000", assets_yuan="2100000",
        resources_mu="1260.5", notes="三资清理完毕",
    )  # fmt: skip
    clients = logged_in_clients(world["township"], N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(page(election), data))

    # A sequential second clean-up corrects the first: every answer is the success redirect.
    assert failures(outcomes) == []
    assert {(o.status_code, o["Location"]) for o in outcomes} == {(302, page(election))}
    assert FinanceCleanup.objects.get(election=election).notes == "三资清理完毕"


def test_twenty_identical_term_evaluations_make_one(world, today):
    election = world["home"]
    person = resident(election.village, name="赵六")
    data = form(
        "evaluation", id_number=person.id_number, year=today.year - 1, position="chair",
        rating="competent", evaluated_on=today.isoformat(), evaluated_by="镇党委",
    )  # fmt: skip
    clients = logged_in_clients(world["township"], N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(page(election), data))

    assert_one_success_and_refusals(outcomes, election, codes.EVALUATION_DUPLICATE)
    assert TermEvaluation.objects.filter(resident=person).count() == 1

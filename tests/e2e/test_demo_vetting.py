"""A demo nominee vetted to the end through the departments' own logins, in a real browser (issue 15).

On the seeded demo (its real places, its logins, password Huanjie@2026): a nominee still waits for the
joint review. Each department it was sent to logs in with its own
demo login, finds the nominee in its inbox by name and gives "no finding"; the township answers the
negative list item by item (the system's own records answer what they know); the township's matrix then
shows every department answered, and the nominee's checkbox on the list becomes enabled.
"""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from candidates.choices import ReviewKind, Verdict
from candidates.models import QualificationReview
from candidates.selectors import election_vetting
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Huanjie@2026"  # the demo's password (README)


def waiting_nominee():
    """A nominee whose only open steps are the departments' reviews and the negative list (the most
    common state of a nominee in vetting in the demo)."""
    pending = QualificationReview.objects.filter(
        kind=ReviewKind.DEPARTMENT, verdict=Verdict.PENDING
    ).select_related("nomination__election")
    for review in pending.order_by("id"):
        nomination = review.nomination
        row = election_vetting(election=nomination.election).row(nomination.pk)
        open_codes = {f.code for f in row.findings if not f.code.endswith(".W")}
        if open_codes <= {"candidate.review_pending", "candidate.negative_list_incomplete"}:
            return nomination
    raise AssertionError("the demo has no nominee waiting only for the departments")


def log_out(page):
    page.context.clear_cookies()


def test_a_demo_nominee_is_vetted_through_the_departments_own_logins(page):
    call_command("seed_demo", scale=60, stdout=io.StringIO())
    nomination = waiting_nominee()
    election, name = nomination.election, nomination.resident.name
    units = list(
        nomination.reviews.filter(kind=ReviewKind.DEPARTMENT, verdict=Verdict.PENDING).values_list(
            "unit", flat=True
        )
    )
    assert units
    for unit in units:
        reviewer = User.objects.filter(role="department", unit=unit, is_active=True).order_by("id").first()
        assert reviewer is not None, f"{unit} has no demo login"
        log_out(page)
        login(page, reviewer.username, PASSWORD)
        assert page.locator("#review-inbox").count() == 1  # the department's home is its inbox card
        page.goto(f"{page.base_url}/candidates/reviews/?q={name}")
        row = page.locator(f'#pending tr[data-nominee="{name}"]').first
        row.locator("input[name=reviews]").check()
        page.fill("#bulk input[name=note]", f"经查{unit}相关记录，未发现问题")
        page.click("#bulk button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "1" in page.inner_text(".messages")
    assert not nomination.reviews.filter(verdict=Verdict.PENDING).exists()
    screenshot(page, "demo-vetting-1-last-department")

    # The village's township office answers the negative list; the records answer what they hold.
    log_out(page)
    login(page, f"office_{election.division_code[:9]}", PASSWORD)
    page.goto(f"{page.base_url}/candidates/{election.pk}/reviews/")
    matrix_row = page.locator("#matrix tbody tr", has_text=name).inner_text()
    assert "待答复" not in matrix_row and matrix_row.count("无异常") == len(units)
    screenshot(page, "demo-vetting-2-matrix-complete")
    page.goto(f"{page.base_url}/candidates/{election.pk}/nominee/?nomination={nomination.pk}")
    for radio in page.locator("#negative-list input[type=radio][value=no]").all():
        radio.check()
    page.fill("#negative-list input[name=common_evidence]", "公安、纪检等部门联审无异常")
    page.select_option("#negative-list select[name=common_source]", "department")
    page.click("#negative-list button")
    page.wait_for_load_state("networkidle")
    assert "负面清单核查结果已保存" in page.inner_text(".messages")
    screenshot(page, "demo-vetting-3-nominee")

    page.goto(f"{page.base_url}/candidates/{election.pk}/list/?body={nomination.body}")
    box = page.locator(f"#n{nomination.pk}")
    assert box.is_enabled()
    screenshot(page, "demo-vetting-4-list-enabled")

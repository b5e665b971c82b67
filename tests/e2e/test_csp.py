"""Under the Content-Security-Policy, in a real browser: each role's main pages load without one violation,
and what relied on inline code still works — the confirm before taking a person off the roll, the print
buttons, htmx's filter and saves, the ECharts charts and their tooltips."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from ballots import services as ballots
from risk import recompute
from risk import services as risk
from risk.weeks import week_of
from tests.ballots.factories import add_box, enter_twice, make_village
from tests.e2e.conftest import LAPTOP, login
from tests.factories import TEST_PASSWORD, CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.risk.conftest import COUNTY, add_villages

pytestmark = pytest.mark.django_db(transaction=True)

# Collects every violation the page reports, from the first byte on (init scripts run before the page's
# own and are not subject to its policy); print() is replaced so the test can see the print buttons work.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "")
    + ":" + e.lineNumber);
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""
RED = {"clan_gang_interference": 3, "team_disunity": 3, "township_assessment": 3}


class Watcher:
    """One browser context whose pages report CSP violations, console errors and uncaught errors."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.page.base_url = base_url
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("response", self._response)

    def _console(self, message):
        if message.text.startswith("Failed to load resource"):
            return  # reported with its address by _response
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def open(self, path, ready="main"):
        response = self.page.goto(self.page.base_url + path)
        assert response.status == 200, (path, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "camera=()" in response.headers.get("permissions-policy", ""), path
        self.page.wait_for_selector(ready)
        self.page.wait_for_load_state("networkidle")
        self.check(path)

    def check(self, where):
        violations = self.page.evaluate("window.__violations")
        assert violations == [] and self.problems == [], (where, violations, self.problems)

    def wait_until(self, expression, timeout=5.0):
        """Poll from the test (page.wait_for_function polls through eval, which the policy refuses)."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(expression):
            assert time.monotonic() < deadline, f"still false after {timeout}s: {expression}"
            self.page.wait_for_timeout(100)

    def close(self):
        self.context.close()


@pytest.fixture
def watch(browser, live_server):
    """Opens Watchers; closes them before the live server stops, also when the test failed halfway (an
    open page that still polls would otherwise reach a server whose database is gone)."""
    opened = []

    def open_watcher():
        opened.append(Watcher(browser, live_server.url))
        return opened[-1]

    yield open_watcher
    for watcher in opened:
        watcher.close()


@pytest.fixture
def world():
    """A village with a counted, confirmed and approved committee vote, its formal candidates and roll, two
    neighbours with risk scores of two weeks, and a user of each role."""
    cycle = CycleFactory(name="2026—2027年村（社区）“两委”换届")
    election = VillageElectionFactory(
        cycle=cycle, village=region_chain("330702001001", name="上方村"), committee_seats=3
    )
    village = make_village(election=election)
    box = add_box(village)
    enter_twice(village, box)
    report = ballots.reconcile_election(election=election, body="committee")
    for finding in report.unacknowledged:
        ballots.acknowledge_warning(
            election=election,
            body="committee",
            key=ballots.finding_key(finding),
            note="已核实",
            by=village.clerk,
        )
    ballots.count_election(election=election, body="committee", by=village.clerk)
    result = ballots.confirm_results(election=election, body="committee", by=village.clerk)
    ballots.approve_results(result=result, by=village.township)

    others = add_villages(cycle, "330702001", 2, start=2)
    county = election.village.parent.parent
    reviewer = UserFactory(username="county_reviewer", role=Role.COUNTY, region=county)
    this_week = week_of(timezone.localdate())
    for week in (this_week - timedelta(days=7), this_week):
        risk.record_assessment(election=others[0], week=week, values=RED, by=reviewer)
        recompute.recompute_county(cycle=cycle, county_code=COUNTY, week=week)
    UserFactory(username="police", role=Role.DEPARTMENT, region=county, unit="婺城区公安分局")
    UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    return {"election": election, "red": others[0], "village": village}


def test_every_roles_main_pages_run_under_the_policy_without_a_violation(watch, world):
    election, red = world["election"], world["red"]
    ballots_query = "?body=committee&round=1"

    clerk = watch()
    login(clerk.page, "clerk1", TEST_PASSWORD)
    clerk.check("clerk's home")
    clerk.open(f"/voters/election/{election.pk}/", ready="table")
    # The confirm before taking a person off the roll (was an inline onsubmit): dismissed, nothing happens.
    form = clerk.page.locator("table form[data-confirm]").first  # a row's take-off, not the publication
    questions = []
    clerk.page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    form.locator("button").click()
    clerk.page.wait_for_timeout(300)
    assert questions == ["确定将此人从名单中除名吗？"]
    assert clerk.page.url.endswith(f"/voters/election/{election.pk}/")
    clerk.check("roll after the dismissed confirm")
    clerk.open(f"/voters/election/{election.pk}/print/", ready="article.notice")
    clerk.page.click("button[data-print]")
    assert clerk.page.evaluate("window.__printed") == 1
    clerk.open(f"/ballots/election/{election.pk}/announcement/{ballots_query}", ready="article.notice")
    clerk.page.click("button[data-print]")
    assert clerk.page.evaluate("window.__printed") == 1

    township = watch()
    login(township.page, "township", TEST_PASSWORD)
    township.check("township's home")
    township.open("/elections/", ready="#results")
    # htmx: the filter form swaps the results in place (no inline style, no eval needed).
    with township.page.expect_response(
        lambda r: "/elections/" in r.url and r.request.headers.get("hx-request")
    ):
        township.page.fill(".filters input[name=q]", "上方")
        township.page.press(".filters input[name=q]", "Enter")
    township.page.wait_for_load_state("networkidle")
    assert "上方村" in township.page.inner_text("#results")
    township.check("election list after the htmx filter")
    township.open(f"/candidates/{election.pk}/notices/formal/", ready="#notice")
    township.page.click("button[data-print]")
    assert township.page.evaluate("window.__printed") == 1
    township.open(
        f"/ballots/election/{election.pk}/certificates/{ballots_query}", ready="article.certificate"
    )
    township.open("/risk/assessment/", ready="table")
    row = f"#row-{red.pk}"
    with township.page.expect_response(lambda r: "/risk/assessment/election/" in r.url):
        township.page.select_option(f"{row} select[name=e{red.pk}-team_disunity]", "2")
    township.page.wait_for_selector(f"{row} .status .status-saved")
    township.check("assessment after the htmx save")

    county = watch()
    login(county.page, "county_reviewer", TEST_PASSWORD)
    county.check("county's home")
    county.open("/risk/", ready="#trend-chart[data-ready] svg")
    # The tooltip is drawn inside the SVG (renderMode richText): hovering adds its text to the chart.
    texts = "document.querySelectorAll('#trend-chart svg text').length"
    before = county.page.evaluate(texts)
    box = county.page.locator("#trend-chart svg").bounding_box()
    county.page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6)
    county.wait_until(f"{texts} > {before}")
    county.check("trend chart tooltip")
    county.open(f"/risk/election/{red.pk}/", ready="[data-chart][data-ready] svg")
    county.open("/board/")

    department = watch()
    login(department.page, "police", TEST_PASSWORD)
    department.open("/candidates/reviews/")

    admin = watch()
    login(admin.page, "root", TEST_PASSWORD)
    admin.open("/admin/")
    admin.open("/admin/accounts/user/", ready="#changelist")


def test_the_watch_sees_a_violation_when_there_is_one(watch, world):
    """The control: the same watch reports an inline script and a foreign image that the policy blocks."""
    watcher = watch()
    login(watcher.page, "clerk1", TEST_PASSWORD)
    watcher.page.evaluate(
        """() => {
          const s = document.createElement("script"); s.textContent = "window.__ran = 1"; document.body.append(s);
          document.body.insertAdjacentHTML("beforeend", '<img src="https://evil.example/x.png">');
        }"""
    )
    watcher.page.wait_for_timeout(300)
    violations = watcher.page.evaluate("window.__violations")
    assert watcher.page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in violations), violations
    assert any(v.startswith("img-src") and "evil.example" in v for v in violations), violations


def test_the_import_progress_bar_is_drawn_without_a_style_attribute(watch, world):
    """The bar's width comes from aria-valuenow through static/js (a style="" attribute is refused), also
    after htmx swaps the status in again."""
    from django.core.cache import cache

    from voters.models import ImportJob

    village = world["village"]
    job = ImportJob.objects.create(
        election=village.election,
        division_code=village.election.division_code,
        original_name="roll.xlsx",
        sha256="0" * 64,
        state=ImportJob.State.CHECKING,
        progress=40,
        uploaded_by=village.clerk,
    )
    # The page shows the task's latest tick from the cache when there is one: an earlier test's job with
    # the same id (ids restart in transactional tests) may have left one there.
    cache.delete(job.progress_key)
    clerk = watch()
    login(clerk.page, "clerk1", TEST_PASSWORD)
    width = "(b => b.offsetWidth / b.parentNode.offsetWidth)(document.querySelector('.progress > div'))"
    clerk.open(f"/voters/import/{job.pk}/", ready=".progress > div")
    assert abs(clerk.page.evaluate(width) - 0.4) < 0.02
    ImportJob.objects.filter(pk=job.pk).update(progress=70)
    clerk.wait_until(f"{width} > 0.68")  # the next htmx poll (every second)
    clerk.check("import status after the htmx poll")

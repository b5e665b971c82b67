"""ANALYZE after bulk loads (issue 12, part 9), on PostgreSQL: a roll import (every door: the service the
command calls, the web's task) and the weekly risk recompute analyze what they loaded, after the commit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from risk import recompute
from risk.models import RiskSnapshot
from tests.factories import CycleFactory, UserFactory
from tests.risk.conftest import COUNTY, MONDAY, add_villages
from tests.voters.test_services import election, person, xlsx  # noqa: F401 - fixture and builders
from voters import services, tasks
from voters.models import Household, ImportJob, Kinship, Resident, RollChange, VoterRegistration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
LOADED = [m._meta.db_table for m in (Household, Resident, VoterRegistration, RollChange)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE after bulk loads is PostgreSQL's (set DATABASE_URL=postgres://…)")


class Statements:
    """The SQL this connection runs in the block, with whether it ran inside a transaction."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.seen.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    def analyzes(self) -> list[tuple[str, bool]]:
        return [(sql, atomic) for sql, atomic in self.seen if sql.startswith("ANALYZE")]


def last_analyze(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_a_roll_import_analyzes_the_tables_it_loaded_after_its_commit(election, monkeypatch):  # noqa: F811
    monkeypatch.setattr(services, "ANALYZE_AFTER_ROWS", 2)
    before = {table: last_analyze(table) for table in LOADED}
    statements = Statements()
    with connection.execute_wrapper(statements):
        report = services.import_roll(
            election=election, file=xlsx([person(1), person(2, name="李四")]), by=None, dry_run=False
        )
    assert report.created == 2
    assert statements.analyzes() == [("ANALYZE " + ", ".join(f'"{t}"' for t in LOADED), False)]
    for table in LOADED:
        assert last_analyze(table) is not None and last_analyze(table) != before[table], table


def test_a_load_below_the_threshold_or_a_dry_run_does_not_analyze(election):  # noqa: F811
    statements = Statements()
    with connection.execute_wrapper(statements):
        services.import_roll(election=election, file=xlsx([person(1)]), by=None, dry_run=False)
        services.import_roll(election=election, file=xlsx([person(2)]), by=None, dry_run=True)
    assert services.ANALYZE_AFTER_ROWS == 1_000 and statements.analyzes() == []


def test_a_roll_import_leaves_the_tables_whose_statistics_it_did_not_outgrow_alone(election, monkeypatch):  # noqa: F811
    """Issue 17: the tables are analyzed when the load took them past ANALYZE_SCALE of the rows their
    statistics know (autovacuum's rule); one without statistics always is."""
    monkeypatch.setattr(services, "ANALYZE_AFTER_ROWS", 1)
    services.import_roll(
        election=election, file=xlsx([person(n, name="李四") for n in range(1, 21)]), by=None, dry_run=False
    )
    with connection.cursor() as cursor:
        cursor.execute('ANALYZE "voters_resident", "voters_voterregistration"')  # 20 rows each now known
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", ["voters_resident"])
        assert cursor.fetchone()[0] == 20
    statements = Statements()
    with connection.execute_wrapper(statements):
        report = services.import_roll(election=election, file=xlsx([person(21)]), by=None, dry_run=False)
    assert report.created == 1  # 1 row into 20 known: 5 %, under the 10 %; the other two tables had none
    assert statements.analyzes() == [('ANALYZE "voters_household", "voters_rollchange"', False)]
    monkeypatch.setattr(services, "ANALYZE_SCALE", 0.01)
    statements = Statements()
    with connection.execute_wrapper(statements):
        services.import_roll(election=election, file=xlsx([person(22)]), by=None, dry_run=False)
    assert statements.analyzes() == [("ANALYZE " + ", ".join(f'"{t}"' for t in LOADED), False)]


def test_the_web_import_analyzes_the_roll_and_the_kinship_it_derived(election, monkeypatch):  # noqa: F811
    monkeypatch.setattr(services, "ANALYZE_AFTER_ROWS", 1)
    clerk = UserFactory(username="clerk", role="clerk", region=election.village)
    rows = [person(1), person(2, name="李四", sex="F", relation="配偶")]
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", xlsx(rows).getvalue()), by=clerk
    )
    tasks.check_roll_import.delay(job.pk)
    job.refresh_from_db()
    services.confirm_import_job(job=job, by=clerk, reason="")
    statements = Statements()
    with connection.execute_wrapper(statements):
        tasks.apply_roll_import.delay(job.pk, clerk.pk, "")
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.DONE
    analyzed = [sql for sql, atomic in statements.analyzes() if not atomic]
    assert analyzed[0].startswith('ANALYZE "voters_household"')
    assert analyzed[1] == f'ANALYZE "{Kinship._meta.db_table}"'
    assert last_analyze(Kinship._meta.db_table) is not None


def test_the_risk_recompute_analyzes_its_snapshots_after_its_commit(monkeypatch):
    cycle = CycleFactory()
    add_villages(cycle, "330702001", 3)
    monkeypatch.setattr(recompute, "ANALYZE_BASE_ROWS", 0)
    statements = Statements()
    with connection.execute_wrapper(statements):
        recompute.recompute_county(cycle=cycle, county_code=COUNTY, week=MONDAY)
    assert statements.analyzes() == [('ANALYZE "risk_risksnapshot", "risk_recomputerun"', False)]
    assert last_analyze("risk_risksnapshot") is not None


def test_the_risk_recompute_leaves_a_table_with_fresh_statistics_alone():
    cycle = CycleFactory()
    add_villages(cycle, "330702001", 3)
    with connection.cursor() as cursor:
        cursor.execute('ANALYZE "risk_risksnapshot"')
    statements = Statements()
    with connection.execute_wrapper(statements):
        recompute.recompute_county(cycle=cycle, county_code=COUNTY, week=MONDAY)  # 3 rows: under 50
    assert statements.analyzes() == []
    assert RiskSnapshot.objects.filter(cycle=cycle, week=MONDAY).count() == 3

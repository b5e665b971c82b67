"""The roll import in many chunks: on PostgreSQL each chunk is written by a second thread sharing the
connection while the next is checked (voters.services._ChunkWriter). Chunks of two rows make a small file
take that path, so these tests hold it to the same outcomes as one chunk."""

import threading

import pytest
from django.db import connection

from tests.factories import VillageElectionFactory, region_chain
from tests.voters.test_services import clerk, election, person, xlsx  # noqa: F401 (fixtures)
from voters import codes, services
from voters.models import Household, Resident, VoterRegistration
from voters.services import import_roll

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)


def test_many_chunks_write_what_one_chunk_would(election, clerk, small_chunks, monkeypatch):  # noqa: F811
    writers = set()  # whether each database step ran in the calling thread
    for step in ("_send", "_existing", "_load_households"):
        real_step = getattr(services, step)

        def spy(*args, _real=real_step):
            writers.add(threading.current_thread() is threading.main_thread())
            return _real(*args)

        monkeypatch.setattr(services, step, spy)
    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702002005", name="王宅村"))
    import_roll(election=other, file=xlsx([person(9, name="外村人")]), by=clerk, dry_run=False)
    rows = [
        person(1),  # row 3
        person(2, name="李四"),
        person(1),  # identical repeat of row 3
        person(3, name="王五"),
        person(9, name="外村人"),  # registered in 王宅村
        person(3, name="赵六"),  # same number as row 6, other name: both rejected
        person(4, name="钱七", household="H002"),
        person(5, name="孙八", household="H002", relation="配偶"),
    ]
    writers.clear()  # the one-row import above runs in one chunk, always in the calling thread
    report = import_roll(election=election, file=xlsx(rows), by=clerk, dry_run=False)
    assert (report.created, report.rejected) == (4, 3)
    assert [(e["row"], e["code"]) for e in report.errors] == [
        (6, codes.DUPLICATE_IN_FILE),
        (7, codes.DUPLICATE_OTHER_VILLAGE),
        (8, codes.DUPLICATE_IN_FILE),
    ]
    assert sorted((d["row"], d["kind"]) for d in report.duplicates) == [
        (5, "file"),
        (7, "other_village"),
        (8, "file"),
    ]
    names = set(VoterRegistration.objects.filter(election=election).values_list("resident__name", flat=True))
    assert names == {"张三", "李四", "钱七", "孙八"}
    assert set(Household.objects.filter(village=election.village).values_list("number", flat=True)) == {
        "H001",
        "H002",
    }
    # PostgreSQL looks up and writes on the second thread only, SQLite (the embedded default) in the
    # calling one.
    assert writers == {connection.vendor != "postgresql"}
    again = import_roll(election=election, file=xlsx(rows), by=clerk, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert VoterRegistration.objects.filter(election=election).count() == 4


def test_a_failure_on_the_writer_leaves_the_roll_as_it_was(election, clerk, small_chunks, monkeypatch):  # noqa: F811
    real = services.send_rows
    failed_in = []

    def fail_on_registrations(encoded):
        if encoded.model is VoterRegistration:
            failed_in.append(threading.current_thread() is threading.main_thread())
            raise RuntimeError("disk full")
        return real(encoded)

    monkeypatch.setattr(services, "send_rows", fail_on_registrations)
    rows = [person(n, name=name) for n, name in enumerate("甲乙丙丁戊己庚", start=1)]
    with pytest.raises(RuntimeError):
        import_roll(election=election, file=xlsx(rows), by=clerk, dry_run=False)
    assert failed_in[:1] == [connection.vendor != "postgresql"]  # PostgreSQL: raised on the writer thread
    # Households and residents were sent before the failure: rolled back with it.
    assert not VoterRegistration.objects.exists()
    assert not Resident.objects.exists()
    assert not Household.objects.exists()


def test_a_dry_run_in_many_chunks_writes_nothing_and_reports_the_same(election, clerk, small_chunks):  # noqa: F811
    rows = [person(n, name=name) for n, name in enumerate("甲乙丙丁戊", start=1)] + [person(1, name="甲")]
    report = import_roll(election=election, file=xlsx(rows), by=clerk, dry_run=True)
    assert (report.created, report.rejected, len(report.duplicates)) == (5, 0, 1)
    assert not Resident.objects.exists()

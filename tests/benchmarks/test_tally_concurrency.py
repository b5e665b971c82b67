"""Election night at scale (issue 6): tally sheets of 2,000 villages entered twice by 50 concurrent clients.

Each client is a thread with its own PostgreSQL connection calling the real service
(`ballots.services.record_tally_entry`); both clerks of every box enter the same sheet, in a shuffled
order, so the two entries of one box race each other. Printed: sheets/s and entries/s, and the proof that
no update was lost (every sheet has exactly two entries, both with the figures submitted, and is agreed).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_bench make bench
"""

import statistics
import threading
import time
from random import Random

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.roles import Role
from ballots import services
from ballots.models import BallotBox, BoxKind, SheetState, TallyEntry, TallySheet
from candidates.choices import Body, Position
from elections.bulk import allocate_ids, insert_rows
from elections.models import VillageElection
from tests.factories import CycleFactory, UserFactory, region_chain

VILLAGES = 2_000
CLIENTS = 50


def sheet_values(rng: Random) -> dict:
    returned = rng.randrange(600, 1500)
    invalid = rng.randrange(0, 20)
    votes = {Position.CHAIR: {f"w:候选人{i}": rng.randrange(0, 300) for i in range(3)}}
    return {
        "issued": returned + 10,
        "returned": returned,
        "valid": returned - invalid,
        "invalid": invalid,
        "unreturned": 10,
        "votes": votes,
    }


@pytest.mark.django_db(transaction=True)
def test_tally_sheets_from_50_concurrent_clients(postgres_only):
    cycle = CycleFactory()
    township = region_chain("330702001001").parent
    county = township.parent
    # 2,000 village elections and their central ballot boxes, written set-based.
    from elections.models import Region

    village_ids = allocate_ids(Region, VILLAGES)
    insert_rows(
        Region,
        (
            "id",
            "code",
            "name",
            "level",
            "parent_id",
            "is_community",
            "population",
            "households",
            "party_members",
            "village_groups",
            "weak_party_organization",
        ),
        (
            (
                vid,
                f"330702{1 + i // 500:03d}{100 + i % 500:03d}",
                f"计票村{i}",
                "village",
                township.id,
                False,
                1800,
                600,
                70,
                8,
                False,
            )
            for i, vid in enumerate(village_ids)
        ),
    )
    election_ids = allocate_ids(VillageElection, VILLAGES)
    now = timezone.now()
    codes = dict(Region.objects.filter(id__in=village_ids).values_list("id", "code"))
    insert_rows(
        VillageElection,
        (
            "id",
            "cycle_id",
            "village_id",
            "division_code",
            "stage",
            "party_seats",
            "committee_seats",
            "supervision_seats",
            "updated_at",
            "risk_red_open",
        ),
        (
            (eid, cycle.id, vid, codes[vid], "committee_election", 5, 5, 3, now, False)
            for eid, vid in zip(election_ids, village_ids, strict=True)
        ),
    )
    box_ids = allocate_ids(BallotBox, VILLAGES)
    insert_rows(
        BallotBox,
        ("id", "election_id", "station_id", "division_code", "label", "kind", "ballots_issued"),
        (
            (bid, eid, None, codes[vid], "中心会场", BoxKind.CENTRAL, 1600)
            for bid, eid, vid in zip(box_ids, election_ids, village_ids, strict=True)
        ),
    )
    first = UserFactory(username="clerk_a", role=Role.TOWNSHIP, region=county)
    second = UserFactory(username="clerk_b", role=Role.TOWNSHIP, region=county)
    rng = Random(6)
    values = {bid: sheet_values(rng) for bid in box_ids}
    work = [(bid, first) for bid in box_ids] + [(bid, second) for bid in box_ids]
    rng.shuffle(work)
    queues = [work[i::CLIENTS] for i in range(CLIENTS)]
    boxes = {b.pk: b for b in BallotBox.objects.filter(pk__in=box_ids)}
    errors: list[Exception] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def client(queue):
        try:
            for bid, user in queue:
                started = time.perf_counter()
                services.record_tally_entry(box=boxes[bid], body=Body.COMMITTEE, values=values[bid], by=user)
                with lock:
                    latencies.append(time.perf_counter() - started)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(q,)) for q in queues]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert not errors, errors[:3]

    sheets = TallySheet.objects.filter(box_id__in=box_ids)
    entries = TallyEntry.objects.filter(sheet__box_id__in=box_ids)
    lost = 0
    for entry in entries.select_related("sheet"):
        expected = services._clean_values(values[entry.sheet.box_id], Body.COMMITTEE)
        lost += entry.values() != expected
    agreed = sheets.filter(state=SheetState.AGREED).count()
    print(
        f"\ntally sheets: {VILLAGES:,} villages, {CLIENTS} concurrent clients on PostgreSQL "
        f"({connection.vendor}), {len(work):,} entries in {elapsed:.1f}s\n"
        f"  {VILLAGES / elapsed:,.0f} sheets/s, {len(work) / elapsed:,.0f} entries/s, "
        f"median entry {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {sorted(latencies)[int(len(latencies) * 0.95)] * 1000:.0f} ms\n"
        f"  sheets {sheets.count():,}, entries {entries.count():,}, agreed {agreed:,}, lost updates {lost}"
    )
    assert sheets.count() == VILLAGES and entries.count() == 2 * VILLAGES
    assert agreed == VILLAGES and lost == 0

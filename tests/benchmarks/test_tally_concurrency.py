"""Election night at scale (issues 6 and 17): 2,000 villages' tally sheets, each entered twice.

The real shape: gunicorn with 3 worker processes on loopback, and 50 concurrent HTTP clients (processes of
threads, tests/benchmarks/http_clients.py) signed in as 50 different clerks, two per sheet, posting the
real tally form. Side by side in the same run: the same service called in-process by 50 threads (the
issue-6 figure, which measures the interpreter's lock as much as the database), once with the trail's
deferred seal and once chaining inline under the lock as before; and a pgbench insert-and-commit
baseline from 50 clients. Checked: 0 lost updates (every sheet has its two entries with exactly the
figures posted and is agreed) and one unbroken trail with an entry for every tally entry.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_bench make bench
"""

from __future__ import annotations

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from random import Random

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from ballots import services
from ballots.models import BallotBox, BoxKind, SheetState, TallyEntry, TallySheet
from candidates.choices import Body, Position
from elections.bulk import allocate_ids, insert_rows
from elections.models import Region, VillageElection
from tests.factories import CycleFactory, region_chain
from trail.models import PendingEntry, TrailEntry
from trail.services import seal_pending, verify_chain

from . import summary

VILLAGES = int(os.environ.get("BENCH_TALLY_VILLAGES", "2000"))  # smaller for a quick look
CLIENTS = int(os.environ.get("BENCH_TALLY_CLIENTS", "50"))  # even: two clerks per sheet
IN_PROCESS = {
    "deferred": min(500, VILLAGES),
    "inline": min(250, VILLAGES),
}  # villages per in-process run (issue 6's shape, smaller)
PASSWORD = "Huanjie@2026"
ROOT = Path(__file__).resolve().parents[2]


def sheet_values(rng: Random) -> dict:
    returned = rng.randrange(600, 1500)
    invalid = rng.randrange(0, 20)
    return {
        "issued": returned + 10,
        "returned": returned,
        "valid": returned - invalid,
        "invalid": invalid,
        "unreturned": 10,
        "signed_for": returned,
        "votes": {Position.CHAIR: {f"w:候选人{i}": rng.randrange(0, 300) for i in range(3)}},
    }


def form_of(values: dict, box_id: int) -> dict:
    """The tally form as a clerk fills it in: the figures, and the write-in rows of the chair's post."""
    form = {"body": Body.COMMITTEE, "round": "1", "box": str(box_id)}
    form |= {name: str(values[name]) for name in ("issued", "returned", "valid", "invalid", "unreturned")}
    form["signed_for"] = str(values["signed_for"])
    for row, (key, votes) in enumerate(values["votes"][Position.CHAIR].items()):
        form[f"wn:{Position.CHAIR}:{row}"] = key.removeprefix("w:")
        form[f"wv:{Position.CHAIR}:{row}"] = str(votes)
    return form


def build_villages(cycle, township, count: int, first: int) -> list[tuple[int, int]]:
    """`count` village elections, each with its central box, written set-based: [(election id, box id)]."""
    village_ids = allocate_ids(Region, count)
    insert_rows(
        Region,
        ("id", "code", "name", "level", "parent_id", "is_community", "population", "households")
        + ("party_members", "village_groups", "weak_party_organization", "official_name", "urban_rural_code"),
        (
            (vid, f"{township.code[:9]}{first + i:03d}", f"计票村{first + i}", "village", township.id)
            + (False, 1800, 600, 70, 8, False, "", "")
            for i, vid in enumerate(village_ids)
        ),
    )
    election_ids = allocate_ids(VillageElection, count)
    now = timezone.now()
    codes = dict(Region.objects.filter(id__in=village_ids).values_list("id", "code"))
    insert_rows(
        VillageElection,
        ("id", "cycle_id", "village_id", "division_code", "stage", "party_seats", "committee_seats")
        + ("supervision_seats", "updated_at", "risk_red_open"),
        (
            (eid, cycle.id, vid, codes[vid], "committee_election", 5, 5, 3, now, False)
            for eid, vid in zip(election_ids, village_ids, strict=True)
        ),
    )
    box_ids = allocate_ids(BallotBox, count)
    insert_rows(
        BallotBox,
        ("id", "election_id", "station_id", "division_code", "label", "kind", "ballots_issued", "round")
        + ("body", "route", "staff"),
        (
            (bid, eid, None, codes[vid], "中心会场", BoxKind.CENTRAL, 1600, 1, "", "", "")
            for bid, eid, vid in zip(box_ids, election_ids, village_ids, strict=True)
        ),
    )
    return list(zip(election_ids, box_ids, strict=True))


def townships(cycle, county_code: str, villages: int) -> list[tuple[int, int]]:
    """Villages spread over townships of at most 900 villages (3-digit village numbers)."""
    county = Region.objects.get(code=county_code)
    made: list[tuple[int, int]] = []
    n = 0
    while len(made) < villages:
        n += 1
        code = f"{county_code[:6]}{n + 10:03d}000"
        township = Region.objects.filter(code=code).first() or Region.objects.create(
            code=code, name=f"计票镇{n}", level="township", parent=county
        )
        made += build_villages(cycle, township, min(900, villages - len(made)), 1)
    return made


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def lost_updates(box_ids, values) -> tuple[int, int, int, int]:
    """(sheets, entries, agreed, lost): an entry is lost when its figures are not the ones posted."""
    sheets = TallySheet.objects.filter(box_id__in=box_ids)
    entries = TallyEntry.objects.filter(sheet__box_id__in=box_ids).select_related("sheet")
    lost = sum(
        entry.values() != services._clean_values(values[entry.sheet.box_id], Body.COMMITTEE)
        for entry in entries
    )
    lost += 2 * len(box_ids) - entries.count()  # a missing entry is lost too
    return sheets.count(), entries.count(), sheets.filter(state=SheetState.AGREED).count(), lost


def clerks(county, n: int, prefix: str) -> list[User]:
    # One PBKDF2 hash for every clerk (the server's own hasher): 50 hashes would take longer than the run.
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt())
    return User.objects.bulk_create(
        User(username=f"{prefix}{i:02d}", role=Role.TOWNSHIP, region=county, password=password)
        for i in range(n)
    )


def in_process(mode: str, pairs, users, values) -> dict:
    """The issue-6 shape: 50 threads in this process calling the service, two users per sheet."""
    django_settings.TRAIL_SEAL = mode
    rng = Random(7)
    boxes = {b.pk: b for b in BallotBox.objects.filter(pk__in=[box for _e, box in pairs])}
    work = [(box, users[(i % (CLIENTS // 2)) * 2]) for i, (_e, box) in enumerate(pairs)]
    work += [(box, users[(i % (CLIENTS // 2)) * 2 + 1]) for i, (_e, box) in enumerate(pairs)]
    rng.shuffle(work)
    queues = [work[i::CLIENTS] for i in range(CLIENTS)]
    latencies: list[float] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def client(queue):
        try:
            for box, user in queue:
                started = time.perf_counter()
                services.record_tally_entry(box=boxes[box], body=Body.COMMITTEE, values=values[box], by=user)
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
    return {"entries": len(work), "elapsed": elapsed, "latencies": latencies}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, static_root: Path) -> subprocess.Popen:
    """The production web server as `make run-services` starts it (static files collected first)."""
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        DEBUG="0",
        SECRET_KEY="benchmark-only-" + "x" * 40,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        TRAIL_SEAL="deferred",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(static_root),
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def pgbench_baseline(clients: int = CLIENTS, seconds: int = 5) -> float:
    """Insert-and-commit transactions/s of this PostgreSQL from `clients` pgbench clients."""
    db = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, v integer)")
    script = ROOT / "var" / "bench_commit.sql"
    script.parent.mkdir(exist_ok=True)
    script.write_text("INSERT INTO bench_commit (v) VALUES (1);\n")
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", str(script)]
            + ["-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres", db["NAME"]],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_commit")
        script.unlink(missing_ok=True)
    return float(re.search(r"tps = ([0-9.]+)", out).group(1))


@pytest.mark.django_db(transaction=True)
def test_election_night_over_http_from_50_clients(postgres_only, tmp_path):
    started = time.perf_counter()
    cycle = CycleFactory()
    county = region_chain("330702001001").parent.parent
    http_pairs = townships(cycle, county.code, VILLAGES)
    users = clerks(county, CLIENTS, "clerk_")
    rng = Random(6)
    values = {box: sheet_values(rng) for _e, box in http_pairs}
    print(f"\nsetup {time.perf_counter() - started:.1f}s; {summary.load_average()}", flush=True)

    # The HTTP plan: 25 pairs of clerks; each pair enters its share of the sheets, one of the two in
    # shuffled order, so the two entries of a sheet race each other.
    plan_clients = []
    for pair in range(CLIENTS // 2):
        share = http_pairs[pair :: CLIENTS // 2]
        for second in (0, 1):
            order = list(share)
            if second:
                Random(pair).shuffle(order)
            plan_clients.append(
                {
                    "username": users[pair * 2 + second].username,
                    "entries": [
                        {
                            "sheet": box,
                            "path": reverse("ballots:enter", args=[election]),
                            "form": form_of(values[box], box),
                        }
                        for election, box in order
                    ],
                }
            )
    port = free_port()
    plan = {
        "server": {"host": "127.0.0.1", "port": port},
        "password": PASSWORD,
        "processes": min(5, CLIENTS),
        "clients": plan_clients,
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan, ensure_ascii=False))
    server = start_gunicorn(port, tmp_path / "static")
    try:
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("http_clients.py")), tmp_path / "plan.json"]
            + [tmp_path / "result.json"],
            check=True,
            timeout=1200,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    outcome = json.loads((tmp_path / "result.json").read_text())
    assert outcome["errors"] == [], outcome["errors"][:3]
    results = outcome["results"]
    statuses = {}
    for _sheet, _at, _seconds, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    window = max(at + s for _b, at, s, _st in results) - min(at for _b, at, _s, _st in results)
    http_latency = [s for _b, _at, s, _st in results]
    http_box_ids = [box for _e, box in http_pairs]
    sheets, entries, agreed, lost = lost_updates(http_box_ids, values)

    # Side by side: the service in-process, deferred seal and the old inline chain; pgbench.
    runs = {}
    for n, (mode, count) in enumerate(IN_PROCESS.items()):
        township = Region.objects.create(
            code=f"{county.code[:6]}{99 - n:03d}000", name=f"对照镇{n + 1}", level="township", parent=county
        )
        pairs = build_villages(cycle, township, count, 1)
        vals = {box: sheet_values(rng) for _e, box in pairs}
        run = in_process(mode, pairs, users, vals)
        runs[mode] = run | {"lost": lost_updates([b for _e, b in pairs], vals)[3]}
    django_settings.TRAIL_SEAL = "inline"
    tps = pgbench_baseline()

    # The trail: everything sealed, one unbroken chain, a chained entry for every tally entry.
    django_settings.TRAIL_SEAL = "deferred"
    seal_pending()
    assert not PendingEntry.objects.exists()
    chain = verify_chain()
    traced = TrailEntry.objects.filter(model_label="ballots.tallyentry", action="create").count()

    rate = entries / window
    lines = [
        f"over HTTP (gunicorn, 3 workers; {CLIENTS} clients in 5 processes): {entries:,} entries of "
        f"{sheets:,} sheets in {window:.1f}s = {sheets / window:,.0f} sheets/s, {rate:,.0f} entries/s; "
        f"latency p50 {statistics.median(http_latency) * 1000:.0f} ms, p95 {percentile(http_latency, 0.95) * 1000:.0f} "
        f"ms, p99 {percentile(http_latency, 0.99) * 1000:.0f} ms; statuses {statuses}; agreed {agreed:,}, "
        f"lost updates {lost}",
    ]
    for mode, run in runs.items():
        lat = run["latencies"]
        lines.append(
            f"in-process, 50 threads, trail {mode}: {run['entries']:,} entries in {run['elapsed']:.1f}s = "
            f"{run['entries'] / run['elapsed']:,.0f} entries/s; p50 {statistics.median(lat) * 1000:.0f} ms, "
            f"p95 {percentile(lat, 0.95) * 1000:.0f} ms; lost {run['lost']}"
        )
    lines.append(f"pgbench insert-and-commit, {CLIENTS} clients: {tps:,.0f} transactions/s")
    lines.append(
        f"trail: {chain.checked:,} entries chained, intact {chain.ok}; {traced:,} tally entries traced"
    )
    lines.append(summary.load_average())
    print("\n".join(lines), flush=True)

    p95 = percentile(http_latency, 0.95)
    summary.record("election night over HTTP", f"{rate:,.0f} entries/s", "≥ 200 entries/s", rate >= 200)
    summary.record("election night p95 latency", f"{p95 * 1000:.0f} ms", "< 300 ms", p95 < 0.3)
    summary.record("election night lost updates", str(lost), "0", lost == 0)
    assert statuses == {302: 2 * VILLAGES}, statuses
    assert sheets == VILLAGES and entries == 2 * VILLAGES and agreed == VILLAGES and lost == 0
    assert all(run["lost"] == 0 for run in runs.values())
    assert chain.ok, chain.problems[:3]
    assert traced >= 2 * VILLAGES + sum(2 * n for n in IN_PROCESS.values())

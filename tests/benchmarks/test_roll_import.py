"""Speed of the roll import (issue 4; issue 17 parts 5 and 6): one run prints every figure and the ratios.

(a)  parse a 100,000-row roll with openpyxl read-only values_only
(a') parse it with python-calamine
(b)  the project's full import (parse, validate, dedupe against a cycle already holding 1,000,000
     registrations, write, commit) on PostgreSQL, with the seconds of each of its phases
     (`ImportReport.phases`); its peak memory measured in a separate process (the real command)
(c)  a plain django-import-export ModelResource import of the same rows, default options (timed on a
     slice: it is two orders of magnitude slower)

(a), (a') and (b) run in turn three times (so a change of the machine's load hits all three alike) and
their medians are compared; (c) is the median of three runs of its slice. The file is the template clerks
download, filled (13 columns, birth dates as Excel dates).

Targets (issue 4): (b) >= 2 x (a), (b) >= 20 x (c), peak memory < 400 MB; (b) >= 0.25 x (a') (issue 17
part 6, or the README's explanation of the phase that holds it below). All are recorded in the summary
table (tests/benchmarks/summary.py). No time is asserted: the ratio to import-export (50× even at load 6)
and the memory are; the two parse ratios are not, because the import needs both cores (Python and
PostgreSQL) and the parsers one, so the load of a shared 2-core machine moves them by half.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_bench make bench
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from random import Random

import pytest
from django.db import connection, transaction
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from tests.factories import CycleFactory, VillageElectionFactory, make_id_number, region_chain

from . import summary

ROWS = 100_000
EXISTING = 1_000_000
SLICE_C = 1_000  # rows of (c), timed three times
ROOT = Path(__file__).resolve().parents[2]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"


def make_roll(path: Path, rows: int, rng: Random, reuse: list[str]) -> None:
    """A filled copy of the template clerks download: a title row, its 13 columns, dates as Excel dates."""
    from voters.importing import COLUMN_TITLES, TEMPLATE_COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("选民登记")
    ws.append(["上方村选民登记表"])
    ws.append([COLUMN_TITLES[c] for c in TEMPLATE_COLUMNS])
    relations = ["户主", "配偶", "子", "女", "父亲", "母亲"]
    categories = ["户籍在本村居住"] * 8 + ["户籍在本村不居住", "非户籍居住一年以上"]
    education = ["小学", "初中", "高中", "大专", "本科"]
    for i in range(rows):
        sex = "M" if i % 2 else "F"
        # 250 birth dates × 400 serials: every number distinct, ages spread over 41 years.
        birth = date(1950, 1, 1) + timedelta(days=(i // 400) * 60)
        id_number = reuse[i] if i < len(reuse) else make_id_number("330702", birth, i % 400, sex)
        if i < len(reuse):
            birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        group = f"{i % 12 + 1}组"
        ws.append(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                id_number,
                "男" if sex == "M" else "女",
                birth,
                group,
                f"H{i // 4:06d}",
                relations[i % 6],
                f"138{i:08d}",
                f"{group}{i // 4 % 300 + 1}号",
                categories[i % 10],
                "是" if i % 11 == 0 else "否",
                education[i % 5],
                "" if i % 50 else "长期在外务工",
            ]
        )
    wb.save(path)


def seed_existing(cycle_id: int, count: int) -> None:
    """A million registrations in 500 other villages of the cycle, written by SQL in one statement each."""
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM elections_region WHERE code = '330703001000'")
        township_id = cur.fetchone()[0]
        cur.execute(
            """
            INSERT INTO elections_region (code, name, official_name, urban_rural_code, level, parent_id,
                                          is_community, population, households, party_members,
                                          village_groups, weak_party_organization)
            SELECT '330703001' || lpad(g::text, 3, '0'), '对照村' || g, '', '', 'village', %s, false, 2000, 600,
                   80, 8,
                   false
            FROM generate_series(2, 501) g
            """,
            [township_id],
        )
        cur.execute(
            """
            INSERT INTO elections_villageelection (cycle_id, village_id, division_code, stage, party_seats,
                                                   committee_seats, supervision_seats, risk_red_open, updated_at)
            SELECT %s, id, code, 'preparation', 5, 5, 3, false, now() FROM elections_region
            WHERE code LIKE '330703001%%' AND level = 'village' AND code NOT IN ('330703001001', '330703001999')
            """,
            [cycle_id],
        )
        cur.execute(
            """
            INSERT INTO voters_resident (village_id, division_code, name, id_number, sex, birth_date, phone,
                                         address, relation_to_head, has_hukou, party_member, education)
            SELECT r.id, r.code, '村民' || g, '1101' || lpad(g::text, 14, '0'), 'M', date '1970-01-01', '', '',
                   '', true, false, ''
            FROM generate_series(1, %s) g
            JOIN elections_region r ON r.code = '330703001' || lpad((g %% 500 + 2)::text, 3, '0')
            """,
            [count],
        )
        cur.execute(
            """
            INSERT INTO voters_voterregistration (election_id, cycle_id, resident_id, division_code, "group",
                                                  category, status, left_off_reason, note, created_at, updated_at)
            SELECT e.id, e.cycle_id, res.id, res.division_code, '', 'hukou_resident', 'registered', '', '',
                   now(), now()
            FROM voters_resident res JOIN elections_villageelection e ON e.village_id = res.village_id
            WHERE res.id_number LIKE '1101%%'
            """
        )
        # As autovacuum would have long done on a live system: hint bits set, visibility map built.
        cur.execute("VACUUM ANALYZE voters_resident")
        cur.execute("VACUUM ANALYZE voters_voterregistration")


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds else float("inf")


# The phases of `import_roll`, in the order they happen: the checking thread's, the writer thread's
# (which overlap with them) and the end (after the writer is done).
CHECKING_PHASES = ("parse", "normalise", "check", "compare", "encode", "wait")
WRITER_PHASES = ("lookup", "write")
END_PHASES = ("constraints", "trail", "commit", "analyze")


def backend_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend of the default connection has used so far, when it runs on this
    machine (its /proc entry); None elsewhere. Its work is the part of the import no Python can speed up."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phase_lines(runs: list[dict[str, float]]) -> list[str]:
    """The median seconds of each phase over the runs, as three lines."""

    def median(name: str) -> str:
        return f"{name} {statistics.median(r.get(name, 0.0) for r in runs):.2f}"

    return [
        "phases, median seconds of the runs:",
        "  checking thread: " + ", ".join(map(median, CHECKING_PHASES)),
        "  writer thread (overlapping): " + ", ".join(map(median, WRITER_PHASES)),
        "  end: " + ", ".join(map(median, END_PHASES)) + "; " + median("total"),
        "  CPU of the import: " + ", ".join(map(median, ("python cpu", "postgres cpu"))),
    ]


@pytest.mark.django_db(transaction=True)
def test_roll_import_speed(postgres_only, tmp_path):
    print(f"\nroll import benchmark: {summary.load_average()} at the start", flush=True)
    rng = Random(4)
    cycle = CycleFactory()
    target = VillageElectionFactory(
        cycle=cycle, village=region_chain("330702001001", name="上方村"), election_day=date(2027, 1, 20)
    )
    region_chain("330703001001")
    other = VillageElectionFactory(
        cycle=cycle, village=region_chain("330703001999", name="王宅村"), election_day=date(2027, 1, 20)
    )
    started = time.perf_counter()
    seed_existing(cycle.id, EXISTING)
    setup = time.perf_counter() - started
    # 1% of the file's people are already registered in another village: the dedupe must find them.
    reuse = [
        make_id_number("330781", date(1960, 1, 1) + timedelta(days=i), 7, "M") for i in range(ROWS // 100)
    ]
    from voters.models import Resident, VoterRegistration

    residents = Resident.objects.bulk_create(
        [
            Resident(
                village=other.village,
                division_code=other.division_code,
                name="外村人",
                id_number=n,
                sex="M",
                birth_date=date(1960, 1, 1) + timedelta(days=i),
            )
            for i, n in enumerate(reuse)
        ]
    )
    VoterRegistration.objects.bulk_create(
        [
            VoterRegistration(election=other, cycle=cycle, resident=r, division_code=other.division_code)
            for r in residents
        ]
    )
    path = tmp_path / "roll.xlsx"
    make_roll(path, ROWS, rng, reuse)

    def openpyxl_parse():
        wb = load_workbook(path, read_only=True)
        n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        return n

    def calamine_parse():
        return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())

    from voters.services import import_roll

    def full_import():
        with open(path, "rb") as handle:
            report = import_roll(election=target, file=handle, by=None, dry_run=False)
        assert report.created == ROWS - len(reuse) and report.rejected == len(reuse), report.as_dict()[
            "errors"
        ][:3]
        return report

    def undo_import():
        # Plain SQL: the ORM's delete would write a trail entry per object (the audit log is on). Then
        # VACUUM, as autovacuum would between two imports: the next run's unique checks of the same ID
        # numbers must not wade through the dead index entries this run left.
        with connection.cursor() as cur:
            cur.execute("DELETE FROM voters_voterregistration WHERE election_id = %s", [target.pk])
            cur.execute("DELETE FROM voters_resident WHERE division_code = %s", [target.division_code])
            cur.execute("DELETE FROM voters_household WHERE village_id = %s", [target.village_id])
            for table in ("voters_voterregistration", "voters_resident", "voters_household"):
                cur.execute(f"VACUUM ANALYZE {table}")

    print(f"setup {setup:.1f}s", flush=True)
    # In turn, three times: (a), (a'), then (b), which commits (so the deferred work is paid) and is
    # undone outside the timing.
    a_runs, a_prime_runs, b_runs, phases = [], [], [], []
    for run in range(summary.RUNS):
        a_runs.append(summary.timed(openpyxl_parse)[0])
        a_prime_runs.append(summary.timed(calamine_parse)[0])
        python_cpu, database_cpu = time.process_time(), backend_cpu()
        seconds, report = summary.timed(full_import)
        b_runs.append(seconds)
        phases.append(dict(report.phases.seconds))
        # CPU, not wall: what each side had to do, whatever the other sessions of the machine took.
        phases[-1]["python cpu"] = time.process_time() - python_cpu
        if database_cpu is not None:
            phases[-1]["postgres cpu"] = backend_cpu() - database_cpu
        undo_import()
        print(
            f"run {run + 1}: (a) {a_runs[-1]:.2f}s, (a') {a_prime_runs[-1]:.2f}s, (b) {b_runs[-1]:.2f}s — "
            + ", ".join(f"{k} {v:.2f}" for k, v in phases[-1].items()),
            flush=True,
        )
    a, a_prime, b = map(statistics.median, (a_runs, a_prime_runs, b_runs))
    # Peak memory: the real command in its own process (it commits; the figure includes Django itself).
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    out = subprocess.run(
        [sys.executable, "manage.py", "import_voters", str(path), "--election", str(target.pk), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    command_seconds = time.perf_counter() - started
    peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    assert json.loads(out.stdout)["created"] == ROWS - len(reuse)

    c, c_runs = timed_import_export(path, SLICE_C)
    b_vs_c = rate(ROWS, b) / rate(SLICE_C, c)

    def runs(seconds: list[float]) -> str:
        return ", ".join(f"{t:.2f}" for t in seconds)

    def ratios(parse: list[float], imports: list[float]) -> str:
        return ", ".join(f"{p / i:.2f}" for p, i in zip(parse, imports, strict=True))

    lines = [
        f"roll import, {ROWS:,} rows, cycle holding {EXISTING + len(reuse):,} registrations (setup {setup:.1f}s)",
        f"(a)  openpyxl read-only parse      {rate(ROWS, a):>10,.0f} rows/s  (median {a:.2f}s of {runs(a_runs)})",
        f"(a') python-calamine parse         {rate(ROWS, a_prime):>10,.0f} rows/s  "
        f"(median {a_prime:.2f}s of {runs(a_prime_runs)})",
        f"(b)  full import on PostgreSQL     {rate(ROWS, b):>10,.0f} rows/s  (median {b:.2f}s of {runs(b_runs)})",
        f"(c)  import-export ModelResource   {rate(SLICE_C, c):>10,.0f} rows/s  "
        f"(median {c:.2f}s of {runs(c_runs)} for {SLICE_C:,} rows)",
        *phase_lines(phases),
        f"(b)/(a)  = {a / b:.2f}  (target >= 2; runs {ratios(a_runs, b_runs)})",
        f"(b)/(a') = {a_prime / b:.2f}  (target >= 0.25; runs {ratios(a_prime_runs, b_runs)})",
        f"(b)/(c)  = {b_vs_c:.0f}    (target >= 20)",
        f"peak memory of the import command: {peak_mb:.0f} MB (target < 400), wall {command_seconds:.1f}s",
        summary.load_average() + " at the end",
    ]
    print("\n" + "\n".join(lines), flush=True)
    summary.record("roll import vs openpyxl", f"{a / b:.2f}× ({b:.2f} s vs {a:.2f} s)", ">= 2×", a / b >= 2)
    summary.record("roll import vs django-import-export", f"{b_vs_c:.0f}×", ">= 20×", b_vs_c >= 20)
    summary.record("roll import peak memory", f"{peak_mb:.0f} MB", "< 400 MB", peak_mb < 400)
    summary.record(
        "roll import vs calamine bare parse",
        f"{a_prime / b:.2f}× ({b:.2f} s vs {a_prime:.2f} s)",
        ">= 0.25× (or README)",
        a_prime / b >= 0.25,
    )
    # The two parse ratios are recorded, not asserted (see the module docstring): the same code measured
    # 1.7 – 2.9× openpyxl and 0.13 – 0.27× calamine from one run to the next on the shared 2-core machine.
    assert b_vs_c >= 20, "(b) must be 20 times django-import-export"
    assert peak_mb < 400


def timed_import_export(path: Path, rows: int) -> tuple[float, list[float]]:
    """django-import-export's ModelResource with default options on the first `rows` rows: the median
    seconds of three runs (each rolled back) and the runs."""
    import tablib
    from import_export import resources

    from voters.models import Resident

    class ResidentResource(resources.ModelResource):
        class Meta:
            model = Resident
            fields = ("id", "village", "division_code", "name", "id_number", "sex", "birth_date", "phone")

    table = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[2 : rows + 2]
    village_id = Resident.objects.values_list("village_id", flat=True).first()
    dataset = tablib.Dataset(
        headers=["id", "village", "division_code", "name", "id_number", "sex", "birth_date", "phone"]
    )
    for row in table:
        dataset.append(
            ["", village_id, "330702001001", row[0], "9" + str(row[1])[1:], "M", "1980-01-01", str(row[6])]
        )

    def run():
        with transaction.atomic():
            result = ResidentResource().import_data(dataset, dry_run=False)
            transaction.set_rollback(True)
        assert not result.has_errors()

    median, seconds, _ = summary.median_of(run)
    return median, seconds

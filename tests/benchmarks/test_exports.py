"""Speed of the Excel exports (issue 17, part 3). PostgreSQL only.

On one roll of 10,000 registrations, CPU time (time.process_time: this process only, so PostgreSQL's own
work is not in it), medians of 3 runs:
(a) the writers side by side on the same rows: openpyxl write-only (the export before issue 17) against
    XlsxWriter constant_memory (`elections.spreadsheets.write_workbook`);
(b) the rows side by side: through model instances and `get_*_display` (the export before issue 17)
    against one `values_list` query and translation tables (`voters.exports.roll_rows`);
(c) the whole export through the view (`/voters/election/<pk>/export.xlsx`, answered at once), and the
    same export as a background job (the view, the eager task, the file stored).
Asserted: XlsxWriter needs at most 0.7 of openpyxl's CPU (measured ~0.5), the new rows at most half of the
old (measured ~0.25), and the
export's query count is the same at 1,000 rows as at 10,000. The target (< 0.5 s of CPU for the whole
10,000-row export) is printed and recorded, never asserted.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_bench make bench
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta
from io import BytesIO
from random import Random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from accounts.roles import Role
from elections import exports
from elections.models import ExportJob
from elections.spreadsheets import neutralise_formula, workbook_bytes
from tests.benchmarks import summary
from tests.factories import UserFactory, VillageElectionFactory, make_id_number, region_chain
from voters import selectors
from voters.exports import roll_rows
from voters.models import Resident, VoterRegistration

ROWS = 10_000
SMALL = 1_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑欧阳司马"
# About 120 characters of given names: a 10,000-person roll then repeats few full names, as a real one.
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红兰凤玉梅云飞鹏辉斌宇浩凯健俊帆"
    "帅旭宁龙林欣佳怡雪琳晨阳婷倩颖露瑶璐萍雅慧巧美娅晶妍茜秋珊莎锦黛青倩婉娴瑾颖露嘉琼勤珍"
    "贞莉荔菲海波宏春德福生荣发泉金水根土林森松柏文武兴旺财富贵安康永长春秋冬夏"
)
HEADERS = ["村民小组", "姓名", "身份证号码", "性别", "出生日期", "类别", "状态", "联系电话"]

pytestmark = pytest.mark.usefixtures("postgres_only")


def seed_roll(village_code: str, rows: int, region_offset: int):
    """An election whose roll holds `rows` registrations (12 groups, names in three lengths, phones on
    two in three), written with bulk_create."""
    election = VillageElectionFactory(village=region_chain(village_code))
    village = election.village
    rng = Random(rows)
    residents = []
    for i in range(rows):
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))
        sex = "M" if i % 2 else "F"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        residents.append(
            Resident(
                village=village,
                division_code=village.code,
                name=name,
                id_number=make_id_number(f"33{region_offset + i // 999:04d}", birth, i % 999 + 1, sex),
                sex=sex,
                birth_date=birth,
                phone=f"138{i:08d}" if i % 3 else "",
            )
        )
    Resident.objects.bulk_create(residents, batch_size=2000)
    VoterRegistration.objects.bulk_create(
        [
            VoterRegistration(
                election=election,
                cycle=election.cycle,
                resident=r,
                division_code=village.code,
                group=f"{i % 12 + 1}组",
                category="hukou_resident" if i % 9 else "hukou_away",
            )
            for i, r in enumerate(residents)
        ],
        batch_size=2000,
    )
    return election


def openpyxl_bytes(*, title, headers, rows) -> bytes:
    """The export's writer before issue 17: openpyxl's write-only mode, the same header style."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=str(text))
        cell.font, cell.fill = bold, fill
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([neutralise_formula(v) for v in row])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def old_rows(*, user, election):
    """The roll export's rows before issue 17: model instances, one display lookup per cell."""
    return [
        (
            r.group,
            r.resident.name,
            selectors.shown_id(user, r.resident.id_number),
            r.resident.get_sex_display(),
            r.resident.birth_date,
            r.get_category_display(),
            r.get_status_display(),
            r.resident.phone,
        )
        for r in selectors.registrations_in_order(user=user, election=election)
    ]


def cpu_median(label: str, fn):
    """Median CPU seconds of 3 runs of `fn` (wall times printed by summary.median_of), and its result."""
    cpu: list[float] = []

    def run():
        started = time.process_time()
        result = fn()
        cpu.append(time.process_time() - started)
        return result

    _wall, _runs, result = summary.median_of(run, label=f"{label} (wall)")
    median = statistics.median(cpu)
    print(f"{label}: CPU median {median:.3f}s of {', '.join(f'{s:.3f}' for s in cpu)}", flush=True)
    return median, result


@pytest.mark.django_db(transaction=False)
def test_roll_export_cpu(client, settings, tmp_path):
    print(f"\nexports: {summary.load_average()}", flush=True)
    started = time.perf_counter()
    election = seed_roll("330702001001", ROWS, 2)
    small = seed_roll("330702001002", SMALL, 40)
    print(f"seeded {ROWS:,} + {SMALL:,} registrations in {time.perf_counter() - started:.1f}s", flush=True)
    clerk = UserFactory(username="bench-clerk", role=Role.CLERK, region=election.village.parent)

    # (b) rows: before and after
    old_cpu, old = cpu_median(
        f"rows through model instances ({ROWS:,})", lambda: old_rows(user=clerk, election=election)
    )
    new_cpu, new = cpu_median(
        f"rows through values_list ({ROWS:,})", lambda: list(roll_rows(user=clerk, election=election))
    )
    assert new == old, "the new rows are the old rows"

    # (a) the writers on the same rows
    openpyxl_cpu, a = cpu_median(
        "openpyxl write-only", lambda: openpyxl_bytes(title="选民名单", headers=HEADERS, rows=new)
    )
    xlsxwriter_cpu, b = cpu_median(
        "xlsxwriter constant_memory", lambda: workbook_bytes(title="选民名单", headers=HEADERS, rows=new)
    )
    print(f"file sizes: openpyxl {len(a):,} B, xlsxwriter {len(b):,} B", flush=True)
    assert [
        tuple(r)
        for r in load_workbook(BytesIO(b), read_only=True).active.iter_rows(
            min_row=2, max_row=3, values_only=True
        )
    ]

    # (c) the whole export through the view, at once and as a job
    settings.MEDIA_ROOT = tmp_path
    client.force_login(clerk)
    url = f"/voters/election/{election.pk}/export.xlsx"
    settings.EXPORT_BACKGROUND_ROWS = 10 * ROWS
    whole_cpu, response = cpu_median(
        f"whole export through the view, at once ({ROWS:,})", lambda: client.get(url)
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    # Counted at once: the next request's start empties the connection's query log.
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    at_10000 = len(captured)
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/voters/election/{small.pk}/export.xlsx")
    at_1000 = len(captured)
    settings.EXPORT_BACKGROUND_ROWS = SMALL
    job_cpu, response = cpu_median(f"whole export as a job, eager ({ROWS:,})", lambda: client.post(url))
    assert response.status_code == 302
    assert ExportJob.objects.filter(state=ExportJob.State.DONE).count() == 3
    print(
        f"queries of the export: {at_1000} at {SMALL:,} rows, {at_10000} at {ROWS:,} rows; "
        f"writer share of the whole: {xlsxwriter_cpu / whole_cpu:.0%}",
        flush=True,
    )

    writer_ratio = xlsxwriter_cpu / openpyxl_cpu
    rows_ratio = new_cpu / old_cpu
    summary.record(
        "10,000-row roll export CPU",
        f"{whole_cpu:.2f} s (as a job {job_cpu:.2f} s; before: rows {old_cpu:.2f} + openpyxl {openpyxl_cpu:.2f} s)",
        "< 0.5 s",
        whole_cpu < 0.5,
    )
    # Measured 0.47-0.53 on the loaded 2-core machine: asserted with room, so that only a real loss fails.
    assert summary.record(
        "export writer: xlsxwriter / openpyxl CPU",
        f"{writer_ratio:.2f} ({xlsxwriter_cpu:.2f} / {openpyxl_cpu:.2f} s)",
        "<= 0.7",
        writer_ratio <= 0.7,
    )
    assert summary.record(
        "roll export rows: values_list / model instances CPU",
        f"{rows_ratio:.2f} ({new_cpu:.2f} / {old_cpu:.2f} s)",
        "<= 0.5",
        rows_ratio <= 0.5,
    )
    assert summary.record(
        "roll export queries at 10,000 rows vs 1,000",
        f"{at_10000} vs {at_1000}",
        "equal",
        at_10000 == at_1000,
    )
    assert exports.builder("voters.roll") is not None

"""Speed of the region import (issue 17): the whole country's list through `manage.py import_regions`.

The list is generated in the shape of the statistics bureau's 2023 one: 31 provinces, 340 cities, 2,980
counties, 41,000 townships and 620,573 village-level units, written as the bureau publishes it
(`统计用区划代码,城乡分类代码,名称`, codes padded to 12 digits, level after level, village-level names with
their committee suffixes: 村委会, 村民委员会, 社区居委会 …).

(1) the national load into an empty tree, and (2) its re-import unchanged, each the real command in its
    own process (Django's start included; the process prints its own peak memory), median of 3 runs;
(3) the same code on a 2,000-row slice of the list against the import as it was before (one row at a
    time: full_clean and save, so one trail entry per row), for the ratio;
(4) the statements of a re-import counted at the slice and at the whole country: the same number.

Targets (issue 17): load < 60 s, re-import < 30 s; printed and recorded, not asserted (a shared 2-core
machine is noisy). Asserted: the counts (created = rows; re-import unchanged = rows, updated 0), the
statement counts equal, and the new code >= 20x the old on the slice.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_bench make bench
"""

from __future__ import annotations

import csv
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from random import Random

import pytest
from django.db import connection

from elections.importing import read_region_file
from elections.models import Region

from . import summary

ROOT = Path(__file__).resolve().parents[2]
PROVINCES = (
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
    42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
)  # fmt: skip
CITIES, COUNTIES, TOWNSHIPS, VILLAGES = 340, 2_980, 41_000, 620_573
ROWS = len(PROVINCES) + CITIES + COUNTIES + TOWNSHIPS + VILLAGES
SLICE = 2_000
SYLLABLES = (
    "东南西北上下前后新丰和平安康乐福兴华金银山水河湖溪桥塘坑岭岗庄店铺集寨坪湾洲坝沟"
    "林竹松柏梅桃杨柳李王张陈刘黄周吴徐孙朱马胡郭何高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董"
    "潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范石廖贾夏韦付方白邹孟熊秦邱江尹薛"
    "闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# (suffix, share, urban-rural classes): the mix of the bureau's village-level names.
VILLAGE_KINDS = (
    ("村委会", 0.62, ("220", "220", "220", "210", "122")),
    ("村民委员会", 0.22, ("220", "220", "210")),
    ("社区居委会", 0.10, ("111", "112", "121")),
    ("社区居民委员会", 0.03, ("111", "112")),
    ("居委会", 0.025, ("111", "121", "123")),
    ("生活区", 0.005, ("123",)),
)


def spread(total: int, parents: int, rng: Random) -> list[int]:
    """`total` children shared among `parents`, each at least one, unevenly as in the real list."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parents)]
    scale = (total - parents) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parents] += 1
    return counts


def place_name(rng: Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 2, 3))))


def national_rows(rng: Random) -> Iterator[tuple[str, str, str]]:
    """(code, urban-rural class, name) of the whole country, level after level as the bureau lists it."""
    city_counts = spread(CITIES, len(PROVINCES), rng)
    cities = [f"{p:02d}{c + 1:02d}" for p, n in zip(PROVINCES, city_counts, strict=True) for c in range(n)]
    counties = [
        f"{city}{c + 1:02d}"
        for city, n in zip(cities, spread(COUNTIES, len(cities), rng), strict=True)
        for c in range(n)
    ]
    townships = [
        f"{county}{t + (1 if t < 30 else 70):03d}"
        for county, n in zip(counties, spread(TOWNSHIPS, len(counties), rng), strict=True)
        for t in range(n)
    ]
    for p in PROVINCES:
        yield f"{p:02d}".ljust(12, "0"), "", place_name(rng) + "省"
    for city in cities:
        yield city.ljust(12, "0"), "", place_name(rng) + "市"
    for county in counties:
        yield county.ljust(12, "0"), "", place_name(rng) + rng.choice("县县区市")
    for township in townships:
        suffix = "街道" if township[6:9] < "100" else rng.choice(("镇", "镇", "乡"))
        yield township.ljust(12, "0"), "", place_name(rng) + suffix
    kinds = [k for k, share, _ in VILLAGE_KINDS for _ in range(round(share * 1000))]
    classes = {k: c for k, _, c in VILLAGE_KINDS}
    for township, n in zip(townships, spread(VILLAGES, len(townships), rng), strict=True):
        communities = village_number = 0
        for _ in range(n):
            kind = rng.choice(kinds)
            if kind.startswith(("社区", "居")) or kind == "生活区":
                communities += 1
                number = communities  # communities 001…, villages 201… as the bureau numbers them
            else:
                village_number += 1
                number = 200 + village_number
            name = place_name(rng) + ("村" if kind == "村民委员会" and rng.random() < 0.4 else "") + kind
            yield f"{township}{number:03d}", rng.choice(classes[kind]), name


def write_national(path: Path, rng: Random) -> tuple[int, list[tuple[str, str, str]]]:
    """Write the national list; (its rows, a slice of at most SLICE rows: the first city with its
    province, its counties, townships and their first villages, parents before children)."""
    rows = 0
    picked: list[tuple[str, str, str]] = []
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["统计用区划代码", "城乡分类代码", "名称"])
        for row in national_rows(rng):
            writer.writerow(row)
            rows += 1
            if len(picked) < SLICE and (row[0].startswith("1101") or row[0] == "110000000000"):
                picked.append(row)
    return rows, picked


# The child process of one timed run: the real command, its own statements counted and peak memory read.
RUNNER = """
import os, resource, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
started = time.perf_counter()
with CaptureQueriesContext(connection) as queries:
    call_command("import_regions", sys.argv[1])
seconds = time.perf_counter() - started
print("RUN", seconds, len(queries), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def run_command(path: Path) -> dict:
    """One import through `manage.py import_regions` in its own process: its counts, seconds, statements,
    peak RSS in MB, and the wall time of the process (Django's start included)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "0",
    }
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", RUNNER, str(path)], cwd=ROOT, capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - started
    assert out.returncode == 0, out.stderr[-2000:]
    counts = dict(part.split(" ") for part in out.stdout.split("\n")[0].split(", "))
    _, seconds, queries, peak = out.stdout.split("\n")[1].split()
    return {
        **{k: int(v) for k, v in counts.items()},
        "seconds": float(seconds),
        "queries": int(queries),
        "peak_mb": int(peak),
        "wall": wall,
    }


def empty_tree() -> None:
    with connection.cursor() as cursor:  # the trail keeps its entries (append-only); nothing else refers
        cursor.execute(f'TRUNCATE "{Region._meta.db_table}" RESTART IDENTITY CASCADE')


def old_import(rows: list[dict]) -> int:
    """The import as it was before issue 17, kept here as the baseline: one row at a time, each parent
    looked up, full_clean() and save() (so one trail entry per row). Returns the rows written."""
    from django.db import transaction

    from elections.regions import LEVELS, level_of, parent_code

    written = 0
    with transaction.atomic():
        cleaned = sorted(
            ({"code": r["code"], "name": r["name"], "level": level_of(r["code"])} for r in rows),
            key=lambda v: LEVELS.index(v["level"]),
        )
        existing = {r.code: r for r in Region.objects.filter(code__in=[v["code"] for v in cleaned])}
        known = dict(existing)
        for values in cleaned:
            parent = None
            if values["level"] != "province":
                pcode = parent_code(values["code"])
                parent = known.get(pcode) or Region.objects.filter(code=pcode).first()
            region = existing.get(values["code"]) or Region(parent=parent, **values)
            region.full_clean()
            region.save()
            known[region.code] = region
            written += 1
    return written


def write_rows(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["统计用区划代码", "城乡分类代码", "名称"])
        writer.writerows(rows)


@pytest.mark.django_db(transaction=True)
def test_national_region_import(postgres_only, tmp_path):
    from django.core.management import call_command

    print(f"\nregion import benchmark: {summary.load_average()}", flush=True)
    national, slice_path = tmp_path / "national.csv", tmp_path / "slice.csv"
    seconds, (rows, picked) = summary.timed(lambda: write_national(national, Random(17)))
    write_rows(slice_path, picked)
    assert rows == ROWS
    print(
        f"generated {rows:,} rows ({national.stat().st_size / 1e6:.0f} MB CSV) in {seconds:.1f}s", flush=True
    )

    # (3) The slice: the old import once (it is slow), the new one three times, each into an empty tree.
    old_seconds, written = summary.timed(lambda: old_import(list(read_region_file(slice_path))))
    assert written == len(picked) and Region.objects.count() == len(picked)
    empty_tree()

    def new_slice():
        empty_tree()  # outside the timing: TRUNCATE … CASCADE empties every table that refers to a region
        return summary.timed(lambda: call_command("import_regions", str(slice_path), stdout=io.StringIO()))[0]

    runs = [new_slice() for _ in range(summary.RUNS)]
    new_seconds = statistics.median(runs)
    print(
        f"new import, slice: median {new_seconds:.3f}s of {', '.join(f'{s:.3f}' for s in runs)}", flush=True
    )
    ratio = old_seconds / new_seconds
    print(
        f"slice of {len(picked):,} rows: old {old_seconds:.2f}s ({len(picked) / old_seconds:,.0f} rows/s), "
        f"new {new_seconds:.3f}s ({len(picked) / new_seconds:,.0f} rows/s): {ratio:.0f}x",
        flush=True,
    )
    slice_again = run_command(slice_path)
    assert (slice_again["created"], slice_again["updated"]) == (0, 0)

    # (1) and (2): the whole country, each run the real command in its own process.
    loads, reloads = [], []
    for _ in range(summary.RUNS):
        empty_tree()
        loads.append(run_command(national))
        assert (loads[-1]["created"], loads[-1]["updated"], loads[-1]["unchanged"]) == (ROWS, 0, 0)
    for _ in range(summary.RUNS):
        reloads.append(run_command(national))
        assert (reloads[-1]["created"], reloads[-1]["updated"], reloads[-1]["unchanged"]) == (0, 0, ROWS)
    assert Region.objects.count() == ROWS
    assert Region.objects.filter(level="village", is_community=True).exists()
    load = statistics.median(r["wall"] for r in loads)
    reload = statistics.median(r["wall"] for r in reloads)
    for label, runs in (("load", loads), ("re-import", reloads)):
        print(
            f"national {label}: median {statistics.median(r['wall'] for r in runs):.1f}s of "
            + ", ".join(f"{r['wall']:.1f}" for r in runs)
            + f" (in the command {statistics.median(r['seconds'] for r in runs):.1f}s), "
            f"{ROWS / statistics.median(r['wall'] for r in runs):,.0f} rows/s, "
            f"peak {max(r['peak_mb'] for r in runs)} MB, {runs[0]['queries']} statements",
            flush=True,
        )
    old_rate = len(picked) / old_seconds
    print(
        f"the old import at {old_rate:,.0f} rows/s would take {ROWS / old_rate / 60:.0f} min for the country;"
        f" the new one {load:.1f}s ({ROWS / load / old_rate:.0f}x)",
        flush=True,
    )
    peak = max(r["peak_mb"] for r in loads + reloads)
    summary.record(
        "national region import",
        f"{load:.1f} s, {ROWS:,} rows, {ROWS / load:,.0f} rows/s, peak {peak} MB",
        "< 60 s",
        load < 60,
    )
    summary.record("national region re-import", f"{reload:.1f} s, all unchanged", "< 30 s", reload < 30)
    same_statements = reloads[0]["queries"] == slice_again["queries"]
    summary.record(
        "region re-import statements",
        f"{slice_again['queries']} at {len(picked):,} rows, {reloads[0]['queries']} at {ROWS:,}",
        "the same",
        same_statements,
    )
    fast_enough = summary.record(
        "region import vs the old one (slice)", f"{ratio:.0f}x on {len(picked):,} rows", ">= 20x", ratio >= 20
    )
    assert same_statements, "the statements of a re-import must not grow with the rows"
    assert fast_enough, "the bulk import must be at least 20 times the row-at-a-time one"

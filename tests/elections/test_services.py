from datetime import date

import pytest
from django.core.management import call_command

from elections.models import ElectionCycle, Region, VillageElection
from elections.services import import_regions, open_cycle, seats_for_population
from tests.factories import region_chain

pytestmark = pytest.mark.django_db

TREE = [
    {"code": "330702001001", "name": "上方村", "population": "1200", "households": 400},
    {"code": "330000000000", "name": "浙江省"},
    {"code": "330700000000", "name": "金华市"},
    {"code": "330702000000", "name": "婺城区"},
    {"code": "330702001000", "name": "白龙桥镇"},
]


def test_import_builds_the_tree_whatever_the_row_order():
    result = import_regions(rows=TREE)
    assert (result.created, result.errors) == (5, [])
    village = Region.objects.get(code="330702001001")
    assert village.level == "village" and village.parent.name == "白龙桥镇" and village.population == 1200
    assert [r.name for r in village.ancestors()] == ["浙江省", "金华市", "婺城区", "白龙桥镇"]


def test_reimport_updates_and_creates_nothing():
    import_regions(rows=TREE)
    result = import_regions(rows=[{**TREE[0], "population": 1300}])
    assert (result.created, result.updated) == (0, 1)
    assert Region.objects.get(code="330702001001").population == 1300


def test_a_bad_row_rejects_the_whole_file():
    rows = [*TREE, {"code": "33070200100X", "name": "坏村"}]
    result = import_regions(rows=rows)
    assert result.errors[0]["code"] == "region.code_invalid" and result.errors[0]["row"] == 7
    assert not Region.objects.exists()


def test_a_missing_parent_rolls_everything_back():
    result = import_regions(rows=[TREE[1], {"code": "330702001001", "name": "孤村"}])
    assert [e["code"] for e in result.errors] == ["region.parent_missing"]
    assert not Region.objects.exists()


def test_negative_population_is_rejected():
    result = import_regions(rows=[{**TREE[1], "population": "-5"}])
    assert result.errors[0]["code"] == "region.number_invalid"


def test_import_regions_command_reads_a_csv(tmp_path):
    path = tmp_path / "regions.csv"
    lines = ["区划代码,名称,人口"] + [f"{r['code']},{r['name']},{r.get('population', '')}" for r in TREE]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    call_command("import_regions", str(path))
    assert Region.objects.count() == 5


def test_import_regions_command_reads_excel_with_codes_stored_as_numbers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["区划代码", "名称"])
    for r in TREE:
        ws.append([int(r["code"]), r["name"]])
    path = tmp_path / "regions.xlsx"
    wb.save(path)
    call_command("import_regions", str(path))
    assert Region.objects.filter(code="330702001001", level="village").exists()


@pytest.mark.parametrize(("population", "seats"), [(999, 3), (1000, 5), (2000, 5), (2001, 7)])
def test_default_seats_follow_population_bands(population, seats):
    assert seats_for_population(population) == seats


def test_opening_a_cycle_creates_one_election_per_village_under_the_region():
    region_chain("330702001001")
    region_chain("330702001002")
    other = region_chain("330703001001")
    county = Region.objects.get(code="330702000000")
    from datetime import date

    cycle = open_cycle(
        name="2027年",
        region=county,
        year=2027,
        reference_date=date(2027, 1, 1),
        starts_on=date(2026, 11, 1),
        ends_on=date(2027, 4, 30),
    )
    elections = VillageElection.objects.filter(cycle=cycle)
    assert sorted(e.division_code for e in elections) == ["330702001001", "330702001002"]
    assert not elections.filter(village=other).exists()


def test_a_village_has_one_election_per_cycle():
    from django.db import IntegrityError, transaction

    from tests.factories import VillageElectionFactory

    election = VillageElectionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VillageElection.objects.create(cycle=election.cycle, village=election.village)
    assert ElectionCycle.objects.count() == 1


def test_demo_tree_is_a_realistic_county_of_300_villages():
    from random import Random

    from demo.base import DemoContext, build_tree

    build_tree(DemoContext(rng=Random(1), villages=300, today=date(2026, 11, 24)))
    assert Region.objects.filter(level="village").count() == 300
    assert Region.objects.filter(level="township").count() >= 20
    assert Region.objects.filter(level="county").count() >= 2
    names = list(Region.objects.filter(level="village").values_list("name", flat=True))
    assert all(n.endswith(("村", "社区")) for n in names)
    assert 200 < sum(Region.objects.filter(level="village").values_list("population", flat=True)) / 300 < 5000


def test_seed_demo_builds_every_role_a_roll_and_a_problem_upload(capsys):
    from voters.models import ImportJob, VoterRegistration

    call_command("seed_demo", "--scale", "20")
    assert VillageElection.objects.count() == 20
    out = capsys.readouterr().out
    for username in (
        "admin",
        "city_reviewer",
        "county_reviewer",
        "township_office",
        "village_clerk",
        "department_reviewer",
    ):
        assert username in out
    assert VoterRegistration.objects.count() > 20 * 100
    job = ImportJob.objects.get()
    assert {"voter.under_age", "voter.id_checksum", "voter.duplicate_other_village"} <= {
        e["code"] for e in job.result["errors"]
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_deterministic_for_a_seed():
    call_command("seed_demo", "--scale", "20")
    first = list(Region.objects.order_by("code").values_list("code", "name", "population"))
    call_command("flush", "--noinput")
    call_command("seed_demo", "--scale", "20")
    assert list(Region.objects.order_by("code").values_list("code", "name", "population")) == first


def test_seed_demo_if_empty_leaves_existing_data_alone(capsys):
    call_command("seed_demo", "--scale", "20")
    call_command("seed_demo", "--if-empty")
    assert Region.objects.filter(level="village").count() == 20

"""Reads of the ground floor, already scoped to the user (accounts.scoping)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from accounts.models import User
from accounts.permissions import may
from accounts.scoping import get_visible_or_404

from .models import ElectionCycle, Region, Stage, VillageElection
from .regions import PREFIX_LENGTH

CHILD_LEVEL = {"province": "city", "city": "county", "county": "township", "township": "village"}


def current_cycle(*, user: User) -> ElectionCycle | None:
    """The newest current cycle the user works in."""
    return ElectionCycle.objects.visible_to(user).filter(is_current=True).select_related("region").first()


def village_elections(*, user: User, cycle: ElectionCycle | None) -> QuerySet[VillageElection]:
    qs = VillageElection.objects.visible_to(user).select_related("village", "village__parent")
    return qs.filter(cycle=cycle) if cycle else qs.none()


def home_region(*, user: User) -> Region | None:
    """The region a user's overview starts at: their jurisdiction, or the top of the tree for admins."""
    if user.sees_everything:
        return Region.objects.filter(parent__isnull=True).order_by("code").first()
    return user.region


def region_for_overview(*, user: User, code: str | None) -> Region:
    if code is None:
        region = home_region(user=user)
        if region is None:
            raise Http404
        return region
    return get_visible_or_404(Region.objects.select_related("parent"), user, code=code)


def stage_counts_by_child(*, user: User, region: Region, cycle: ElectionCycle | None) -> list[dict]:
    """One row per child region: villages and elections per stage, in a fixed number of queries.

    Grouping by the child's code prefix (a substring of the division code) keeps it one aggregate query
    whatever the number of villages.
    """
    child_level = CHILD_LEVEL.get(region.level)
    if child_level is None:
        return []
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    length = PREFIX_LENGTH[child_level]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        village_elections(user=user, cycle=cycle)
        .filter(division_code__startswith=region.prefix)
        .annotate(child=Substr("division_code", 1, length))
        .values("child", "stage")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["child"]][row["stage"]] += row["n"]
    table = []
    for child in children:
        by_stage = counts.get(child.prefix, {})
        table.append(
            {
                "region": child,
                "total": sum(by_stage.values()),
                "stages": [by_stage.get(stage, 0) for stage in Stage.values],
            }
        )
    return table


def landing_url_name(user: User) -> str:
    """Where each role lands after login (the county reviewer on the overview, the clerk on their village)."""
    if may(user, "nav.overview"):
        return "elections:overview"
    if may(user, "nav.elections"):  # of the roles left, the township office
        return "elections:list"
    return "home"

"""Weeks of the rating: a week is named by its Monday (DOMAIN.md: the rating is recomputed every Monday)."""

from __future__ import annotations

from datetime import date, timedelta

WEEK = timedelta(days=7)


def week_of(day: date) -> date:
    """The Monday on or before `day`."""
    return day - timedelta(days=day.weekday())


def is_monday(day: date) -> bool:
    return day.weekday() == 0


def weeks_back(week: date, count: int) -> list[date]:
    """`count` Mondays ending with `week`, oldest first."""
    return [week - WEEK * n for n in range(count - 1, -1, -1)]

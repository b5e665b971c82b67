"""The department's inbox card for the home page, as template tags so that the home page (accounts, on
the ground floor) shows it without importing the candidates app: its counts (open, overdue, answered),
the current cycle and the requests due soonest, which are a department's to-do list."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import may
from candidates.selectors import (
    ReviewWindows,
    inbox_counts,
    pending_reviews,
    recent_reminders,
    review_windows,
    void_decisions,
)

register = template.Library()

SHOWN = 5


def _windows(request) -> ReviewWindows:
    """The department's answer windows and cycle, read once per request (the card and the facts)."""
    if not hasattr(request, "_review_windows"):
        request._review_windows = review_windows(user=request.user)
    return request._review_windows


@register.simple_tag(takes_context=True)
def department_cycle(context) -> str:
    """The cycle a department works in (the scope shows it no cycle: it sees its unit's requests only)."""
    cycle = _windows(context["request"]).current
    return str(cycle) if cycle else _("none")


@register.inclusion_tag("candidates/_review_inbox_card.html", takes_context=True)
def review_inbox_card(context):
    """The review requests waiting for the signed-in department user's unit (none for other roles)."""
    request = context["request"]
    user = request.user
    if not may(user, "candidates.review"):
        return {"show": False}
    windows = _windows(request)
    soonest = list(windows.by_due(pending_reviews(user=user))[:SHOWN])
    today = timezone.localdate()
    for review in soonest:
        review.due_on = windows.due_on(review)
        review.days = (today - review.due_on).days  # > 0: overdue by that many days
    return {
        "show": True,
        "pending_reviews": soonest,
        "counts": inbox_counts(user=user, windows=windows),
        "cycle": windows.current,
        "reminders": recent_reminders(user=user),
        "review_days": windows.current_days,
    }


@register.inclusion_tag("candidates/_void_decisions_card.html", takes_context=True)
def void_decisions_card(context):
    """The county's open decisions on voiding an election (a substantiated vote-buying report against a
    person already elected), on its home page; nothing for other roles or when none is open."""
    user = context["request"].user
    if not may(user, "candidates.decide_void"):
        return {"show": False}
    open_ = list(void_decisions(user=user).filter(state="open")[: SHOWN + 1])
    return {"show": bool(open_), "decisions": open_[:SHOWN], "more": len(open_) > SHOWN}

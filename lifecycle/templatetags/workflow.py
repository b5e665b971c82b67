"""`{% todo_panel %}`: the user's to-do list (待办) on the home page and every role's landing page."""

from django import template
from django.urls import reverse
from django.utils import timezone

from elections import selectors
from lifecycle import gates, progress

register = template.Library()


def reminder_url(reminder) -> str:
    """Where the step of a reminder is done: its own page, or the page of the record it is derived from."""
    step = reminder.step
    if step.source:
        return reverse(gates.SOURCE_URLS[step.source], args=[reminder.election_id])
    return reverse("lifecycle:step", args=[reminder.election_id, step.code])


@register.inclusion_tag("lifecycle/_todo.html", takes_context=True)
def todo_panel(context, election=None):
    """The to-do list: the user's whole jurisdiction, or one village's (`{% todo_panel election %}`)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    cycle = election.cycle if election is not None else selectors.current_cycle(user=user)
    items = progress.todo(user=user, cycle=cycle, election=election)
    today = timezone.localdate()
    for reminder in items["reminders"]:
        reminder.url = reminder_url(reminder)
        reminder.days = (today - reminder.due_on).days  # > 0: overdue by that many days
    return {"show": True, "election": election, **items}

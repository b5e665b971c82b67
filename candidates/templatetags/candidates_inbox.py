"""The department's inbox card for the home page, as a template tag so that the home page (accounts, on
the ground floor) shows it without importing the candidates app."""

from django import template

from accounts.permissions import may
from candidates.selectors import pending_reviews

register = template.Library()

SHOWN = 5


@register.inclusion_tag("candidates/_review_inbox_card.html", takes_context=True)
def review_inbox_card(context):
    """The review requests waiting for the signed-in department user's unit (none for other roles)."""
    user = context["request"].user
    pending = pending_reviews(user=user) if may(user, "candidates.review") else None
    return {
        "pending_reviews": list(pending[:SHOWN]) if pending is not None else [],
        "pending_count": pending.count() if pending is not None else 0,
    }

"""How a page shows a door that the election's stage keeps closed (`elections.permits`).

The services refuse (every door asks them); the pages only say so well: a refused action's Chinese message
with a link to the election's steps page, on the page the user was on, and the buttons the stage does not
permit replaced by the same explanation (the message and its link: `elections.permits.explain`, which the
voters and audits pages use too). The ballots pages (a floor above) use the same two helpers.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString

from accounts.permissions import may
from elections import permits
from elections.models import VillageElection


def refused(request, error: ValidationError) -> bool:
    """Show a closed door's message with its link (`elections.permits.explain`) as the page's error
    message; False for any other error (the caller shows it as before)."""
    message = permits.explain(error, link=sees_steps(request.user))
    if message is None:
        return False
    messages.error(request, message)
    return True


def sees_steps(user) -> bool:
    """Whether the user can open an election's steps page (the link of a closed door): a joint-review
    department sees its unit's review requests, not the elections (accounts.scoping)."""
    return may(user, "lifecycle.view_steps")


def why(
    election: VillageElection, action: str, *, body: str = "", reason: str = "", link: bool = True
) -> SafeString | None:
    """Why the stage keeps `action` closed now (with the link), or None when it is open."""
    error = permits.refusal(election, action, body=body, reason=reason)
    return permits.explain(error, link=link) if error is not None else None


class Closed(dict):
    """`{name: why}` of the doors a page offers that the stage keeps closed; `reasons` without repeats
    (a postponed village closes every door for the same reason)."""

    @property
    def reasons(self) -> list[SafeString]:
        return list(dict.fromkeys(self.values()))


def closed(election: VillageElection, actions: Mapping[str, tuple[str, ...]]) -> Closed:
    """For a page's buttons: the doors of `actions` (`name: (action, body[, reason])`) that the stage does
    not permit now; a name absent from the result is open. A correction's door (a withdrawal in a
    completed election) is asked as it will be used, with a reason."""
    shut = Closed()
    for name, (action, body, *reason) in actions.items():
        note = why(election, action, body=body, reason=reason[0] if reason else "")
        if note is not None:
            shut[name] = note
    return shut

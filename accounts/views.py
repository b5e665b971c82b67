from django.shortcuts import redirect, render

from elections import selectors

from .roles import Role


def home(request):
    """Where each role lands: reviewers on the overview, township staff on the list, a clerk at home."""
    user = request.user
    target = selectors.landing_url_name(user)
    if target != "home":
        return redirect(target)
    if user.role == Role.CLERK:
        cycle = selectors.current_cycle(user=user)
        election = selectors.village_elections(user=user, cycle=cycle).first()
        if election is not None:
            return redirect("elections:detail", pk=election.pk)
    return render(request, "accounts/home.html", {"cycle": selectors.current_cycle(user=user)})

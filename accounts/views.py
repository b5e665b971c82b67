from django.middleware.csrf import REASON_NO_CSRF_COOKIE
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


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a Chinese 403 that tells the user what to do (reload the form, allow cookies)."""
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)

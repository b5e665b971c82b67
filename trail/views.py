from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.scoping import get_visible_or_404
from elections.models import VillageElection

from . import selectors

PAGE_SIZE = 50


def election_trail(request, pk):
    """The activity trail of one village election's village; ?model=&object= narrows it to one record."""
    election = get_visible_or_404(
        VillageElection.objects.select_related("village", "village__parent", "cycle"), request.user, pk=pk
    )
    model_label = request.GET.get("model", "").strip()
    object_pk = request.GET.get("object", "").strip()
    entries = selectors.village_trail(
        user=request.user, division_code=election.division_code, model_label=model_label, object_pk=object_pk
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trail/election.html",
        {
            "election": election,
            "village": election.village,
            "page": page,
            "rows": [selectors.present(e) for e in page],
            "model_choices": selectors.model_choices(),
            "model_label": model_label,
            "object_pk": object_pk,
            "query": query.urlencode(),
        },
    )

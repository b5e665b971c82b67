"""The one place that scopes querysets to a user's jurisdiction.

Every model a user can see declares `jurisdiction_field`: the lookup path to a 12-digit division code
(统计用区划代码). Because codes nest (2 province, 2 city, 2 county, 3 township, 3 village digits), "everything
under region X" is a single indexed prefix match on that field. Joint-review departments see nothing by
region: a model they may read declares `department_field`, the lookup path to the reviewing unit.

Views, exports and APIs get their rows only through `scope()` (or the `.visible_to(user)` queryset method
that calls it); `get_visible_or_404` is the detail-page form, so an object outside the jurisdiction answers
404 rather than revealing that it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from elections.regions import ancestor_codes

from .roles import Role

if TYPE_CHECKING:
    from .models import User

M = TypeVar("M", bound=models.Model)


def scope(queryset: models.QuerySet[M], user: User) -> models.QuerySet[M]:
    """Rows of `queryset` inside `user`'s jurisdiction (none for an anonymous or inactive user)."""
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.sees_everything:
        return queryset
    model = queryset.model
    if user.role == Role.DEPARTMENT:
        field = getattr(model, "department_field", None)
        if not field or not user.unit:
            return queryset.none()
        queryset = queryset.filter(**{field: user.unit})
        # A department is still bounded by its region (a county bureau reviews its county's candidates).
    prefix = user.scope_prefix
    if not prefix:
        return queryset.none()
    field = getattr(model, "jurisdiction_field", None)
    if field is None:
        raise TypeError(f"{model.__name__} declares no jurisdiction_field and cannot be scoped")
    inside = Q(**{f"{field}__startswith": prefix})
    if getattr(model, "jurisdiction_includes_ancestors", False):
        # Records that frame the user's work from above (a city-wide election cycle) are visible too.
        inside |= Q(**{f"{field}__in": ancestor_codes(user.region.code)})
    return queryset.filter(inside)


def get_visible_or_404(queryset: models.QuerySet[M], user: User, **lookup) -> M:
    """One object inside the user's jurisdiction, or 404 (never a hint that it exists elsewhere)."""
    try:
        return scope(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


class ScopedQuerySet(models.QuerySet):
    """A queryset with `.visible_to(user)`; models using it declare `jurisdiction_field`."""

    def visible_to(self, user: User):
        return scope(self, user)

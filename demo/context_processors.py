"""The banner of a demo still loading (demo.rolls): on every page while the rolls' load is not finished."""

from django.conf import settings
from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject


def demo_loading(request):
    """`demo_loading`: the unfinished load record (demo.models.DemoLoad), or None; read only when a page
    shows the banner's place (templates/base.html), one small query. Signed-in pages always; pages for
    anyone (the login page) only in DEBUG, the embedded `make run`: a public page of a deployment never
    reads the database for it."""
    user = getattr(request, "user", None)
    if not settings.DEBUG and not (user is not None and user.is_authenticated):
        return {"demo_loading": None}

    def read():
        from demo.rolls import pending

        try:
            return pending()
        except DatabaseError:  # a database not migrated yet
            return None

    return {"demo_loading": SimpleLazyObject(read)}

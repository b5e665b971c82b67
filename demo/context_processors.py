"""The banner of a demo still loading (demo.rolls): on every page while the rolls' load is not finished."""

from django.utils.functional import SimpleLazyObject


def demo_loading(request):
    """`demo_loading`: the unfinished load record (demo.models.DemoLoad), or None; read only when a page
    shows the banner's place (templates/base.html), one small query."""

    def read():
        from demo.rolls import pending

        return pending()

    return {"demo_loading": SimpleLazyObject(read)}

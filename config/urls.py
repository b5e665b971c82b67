from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language

admin.site.site_header = _("Huanjie administration")
admin.site.site_title = _("Huanjie")

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("elections.urls")),
    path("", include("voters.urls")),
    path("", include("candidates.urls")),
    path("", include("ballots.urls")),
    path("", include("audits.urls")),
    path("", include("trail.urls")),
    path("", include("risk.urls")),
    path("", include("lifecycle.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page links: send them to the static file (its hashed
    # name is looked up on the first request, not at import).
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=True)),
    ),
]

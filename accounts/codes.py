"""The catalogue of rule codes of accounts and login (STYLE.md, "Errors and messages")."""

from django.utils.translation import gettext_lazy as _

from elections.codes import Catalogue, Severity

CATALOGUE = Catalogue("accounts")
_code = CATALOGUE.code
E = Severity.ERROR

# A failed login (Django's AuthenticationForm calls it "invalid_login"; django-axes locks after the limit).
INVALID_LOGIN = _code(
    "account.invalid_login",
    E,
    _(
        "The username or password is wrong. After %(limit)s failed attempts the account is locked for a while."
    ),
)

MESSAGES = CATALOGUE.messages

del E

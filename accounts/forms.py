from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from . import codes


class LoginForm(AuthenticationForm):
    """The login form, telling the user that repeated failures lock the account (django-axes)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": codes.MESSAGES[codes.INVALID_LOGIN],
    }

    def get_invalid_login_error(self):
        return ValidationError(
            self.error_messages["invalid_login"],
            code=codes.INVALID_LOGIN,
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )

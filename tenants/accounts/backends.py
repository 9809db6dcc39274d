"""Authentication backend: Django's ModelBackend, plus telling the login page when the password was right
but the account has been deactivated — so a staff member the owner switched off learns why instead of
retrying a "wrong password" until the lockout. It uses the one password check ModelBackend makes anyway
(no second hash, no timing difference), and a wrong password on a deactivated account still reads as a
wrong password."""

from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _

DEACTIVATED_FLAG = "login_account_deactivated"
WRONG_CREDENTIALS = _("Wrong email or password.")
DEACTIVATED = _("This account has been deactivated. Ask the store owner to reactivate it.")


def refusal_message(request) -> str:
    """What to tell someone authenticate() turned away: that the account is deactivated when the
    password was right, else only that the email or password is wrong."""
    return DEACTIVATED if getattr(request, DEACTIVATED_FLAG, False) else WRONG_CREDENTIALS


class AccountBackend(ModelBackend):
    # Django instantiates a backend per authenticate() call, so keeping the request here is safe.
    _request = None

    def authenticate(self, request, username=None, password=None, **kwargs):
        self._request = request
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user):
        allowed = super().user_can_authenticate(user)
        # ModelBackend.authenticate asks this only after the password matched.
        if not allowed and self._request is not None:
            setattr(self._request, DEACTIVATED_FLAG, True)
        return allowed

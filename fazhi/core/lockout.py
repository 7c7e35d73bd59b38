"""Login lockout (SECURITY.md row 2): django-axes, keyed on login name + address, with a
per-account ceiling across addresses.

- ``FAZHI_LOCKOUT_FAILURES`` (5) failures for one name from one address lock that name *from
  that address*: someone who types a colleague's name wrong five times, or an attacker who
  knows a login name, no longer locks the real user out everywhere;
- ``FAZHI_LOCKOUT_ACCOUNT_CEILING`` (20) failures for one name from any addresses together
  lock the account everywhere, so a guesser spread over many addresses is still stopped
  (等保 身份鉴别 b: the account locks).

axes 8 counts one limit over its parameter groups; the ceiling is a second limit, so it is
added here, in the handler's failure count. Both lapse after ``FAZHI_LOCKOUT_MINUTES``; a
successful login clears its own address's count; ``unlock`` clears the account's.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def account_failures(request, username: str) -> int:
    """Failures for ``username`` from every address within the cool-off window."""
    total = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)  # this name from this address
        limit = get_failure_limit(request, credentials)
        ceiling = settings.FAZHI_LOCKOUT_ACCOUNT_CEILING
        if ceiling and failures < limit:
            username = get_client_username(request, credentials)
            if username and account_failures(request, username) >= ceiling:
                return limit  # the account is locked from every address
        return failures

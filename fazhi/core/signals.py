from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import audit, scoping, workdays
from .models import ApiToken, CalendarDay, CalendarYear, Membership, Unit
from .models.tokens import TokenEndReason


@receiver(user_logged_in)
def _login_ok(sender, request, user, **kwargs):
    from . import security

    if request is not None and hasattr(request, "session"):
        security.start_session(request)
    audit.record(audit.E.LOGIN_OK, user=user)


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record(audit.E.LOCKOUT, outcome="refused", username=str(username or "")[:150])


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record(
        audit.E.LOGIN_FAILED, outcome="failed", username=str(credentials.get("username", ""))[:150]
    )


@receiver(user_logged_out)
def _logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(audit.E.LOGOUT, user=user)


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_changed(sender, **kwargs):
    workdays.clear_cache()


@receiver([post_save, post_delete], sender=Unit)
def _unit_tree_changed(sender, **kwargs):
    scoping.unit_tree_changed()


@receiver(post_delete, sender=Membership)
def _role_removed(sender, instance, **kwargs):
    """A role removed ends the user's API tokens (SECURITY.md row 18): a token made under the
    old role must not outlive it; the user logs in again under what is left."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is not None:  # None: the user itself is being deleted, tokens with it
        ApiToken.end_all(user, TokenEndReason.ROLE_REVOKED)


@receiver(pre_save)
def _keep_masked_numbers(sender, instance, update_fields=None, raw=False, **kwargs):
    """A free text saved back with masked identifiers keeps the stored numbers (pii)."""
    if not raw and sender.__module__.startswith("fazhi."):
        from . import pii

        pii.keep_masked_numbers(instance, update_fields)


@receiver(post_save)
def _warn_identifier_in_free_text(sender, instance, raw=False, **kwargs):
    if not raw and sender.__module__.startswith("fazhi.") and "Historical" not in sender.__name__:
        from . import pii

        pii.note_identifier_in_free_text(instance)

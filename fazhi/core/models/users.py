"""The user: Django's, with case-insensitive unique login names and password age."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower


class FazhiUserManager(UserManager):
    def get_by_natural_key(self, username: str):
        return self.get(username__iexact=username)


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=50, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    is_demo = models.BooleanField("演示账号", default=False)

    objects = FazhiUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password) -> None:
        from django.utils import timezone

        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self._fz_password_set = True  # save() ends the API tokens (SECURITY.md row 18)

    def save(self, *args, **kwargs) -> None:
        """Saving a new password or a disabled account ends every API token of the user, in
        the same transaction, whichever path did it (account page, admin reset, CLI, the
        daily job, ``changepassword``)."""
        from django.db import transaction

        from .tokens import ApiToken, TokenEndReason

        with transaction.atomic():
            super().save(*args, **kwargs)
            if getattr(self, "_fz_password_set", False):
                self._fz_password_set = False
                ApiToken.end_all(self, TokenEndReason.PASSWORD_CHANGED)
            if not self.is_active:
                ApiToken.end_all(self, TokenEndReason.DISABLED)

    @property
    def label(self) -> str:
        return self.display_name or self.username

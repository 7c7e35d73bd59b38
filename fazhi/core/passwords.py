from __future__ import annotations

import re

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least 3 of 4 classes: lower case, upper case, digits, symbols (等保 身份鉴别)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = sum(
            bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")
        )
        if classes < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。",
                code="password_classes",
                params={"n": self.min_classes},
            )
        if user is not None and user.username and user.username.lower() in password.lower():
            raise ValidationError("密码不能包含登录名。", code="password_username")

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类，且不能包含登录名。"

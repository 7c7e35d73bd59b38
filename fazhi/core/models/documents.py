from __future__ import annotations

from django.conf import settings
from django.db import models


class DocumentTemplate(models.Model):
    """An admin's replacement for a built-in document layout (a .docx with {{字段}} placeholders)."""

    key = models.CharField("文书", max_length=60, unique=True)
    file = models.FileField(upload_to="document_templates/", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "文书模板"

    def __str__(self) -> str:
        return self.key

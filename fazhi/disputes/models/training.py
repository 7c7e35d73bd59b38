"""人民调解员培训: one training session a county or township organised for the people's
mediators of its area (the organiser, hours, how many attended, 人次), optionally the
mediation committees whose members attended."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.history import history
from fazhi.core.models import LedgerModel

MAX_HOURS = 200


class MediatorTraining(LedgerModel):
    """``unit`` is the organising county or township; ``held_on`` the day it began."""

    held_on = models.DateField("培训日期", db_index=True)
    title = models.CharField("培训主题", max_length=200, help_text="如 人民调解员业务培训班")
    organiser = models.CharField(
        "主办单位", max_length=100, blank=True, help_text="如 县司法局、东风镇司法所"
    )
    hours = models.DecimalField(
        "培训学时",
        max_digits=5,
        decimal_places=1,
        validators=[MaxValueValidator(MAX_HOURS)],
    )
    trainees = models.PositiveIntegerField(
        "培训人次", validators=[MinValueValidator(1)], help_text="参训调解员人次"
    )
    committees = models.ManyToManyField(
        "disputes.MediationCommittee",
        blank=True,
        related_name="trainings",
        verbose_name="参训调委会",
    )
    notes = models.TextField("备注", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "人民调解员培训"
        ordering = ["-held_on", "unit__path", "id"]
        indexes = [models.Index(fields=["unit", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

"""The State Council holiday schedule as entered by an admin, for years the package lacks."""

from __future__ import annotations

from django.db import models

from .base import user_field


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField(
        "依据", max_length=200, blank=True, help_text="如：国办发明电〔2026〕X号"
    )
    entered_by = user_field()
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class CalendarDay(models.Model):
    calendar = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("节日", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"

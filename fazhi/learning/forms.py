"""The study settings form (the ledgers' forms come from ``ledgers.py``). ``UnitField`` is
borrowed by publicity's forms."""

from __future__ import annotations

from django import forms

from .common import bootstrap
from .models import LearningSettings


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("　" * max(0, obj.depth)) + obj.name


class SettingsForm(forms.ModelForm):
    class Meta:
        model = LearningSettings
        fields = ["required_hours", "exam_questions", "exam_pass", "exam_excellent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

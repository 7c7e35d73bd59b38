"""Forms of the study pages (parse and show only; the rules are in ``services``)."""

from __future__ import annotations

from django import forms

from fazhi.core.models.units import VILLAGE_KINDS
from fazhi.core.roles import Perm

from .common import bootstrap, unit_choices
from .models import Cadre, LearningSettings, StudySession


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("　" * max(0, obj.depth)) + obj.name


def _unit_field(user, *, label="单位", exclude_villages=True):
    qs = unit_choices(user, Perm.CHANGE)
    if exclude_villages:
        qs = qs.exclude(kind__in=VILLAGE_KINDS)
    return UnitField(queryset=qs, label=label, empty_label=None)


class SessionForm(forms.ModelForm):
    class Meta:
        model = StudySession
        fields = [
            "kind",
            "date",
            "topic",
            "laws",
            "lecturer",
            "hours",
            "leadership_group",
            "place",
            "notes",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, with_unit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields = {"unit": _unit_field(user), **self.fields}
        bootstrap(self)


class CadreForm(forms.ModelForm):
    class Meta:
        model = Cadre
        fields = ["name", "post", "is_leader", "in_leadership_group", "active"]

    def __init__(self, *args, user=None, with_unit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields = {"unit": _unit_field(user), **self.fields}
        bootstrap(self)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = LearningSettings
        fields = ["required_hours", "exam_questions", "exam_pass", "exam_excellent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx 或 .csv）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

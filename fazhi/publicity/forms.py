"""Forms of the publicity pages (parse and show only; the rules are in ``services``)."""

from __future__ import annotations

from django import forms

from fazhi.core import pii, scoping
from fazhi.core.models.units import VILLAGE_KINDS
from fazhi.core.roles import Perm
from fazhi.learning.common import bootstrap, unit_choices
from fazhi.learning.forms import UnitField

from .models import LegalLiaison, LiaisonTraining, ModelVillage, PublicityDuty, PublicityEvent

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units(user, *, villages: bool | None):
    qs = unit_choices(user, Perm.CHANGE)
    if villages is True:
        qs = qs.filter(kind__in=VILLAGE_KINDS)
    return UnitField(queryset=qs, label="村(社区)" if villages else "单位", empty_label=None)


class _UnitForm(forms.ModelForm):
    villages: bool | None = None

    def __init__(self, *args, user=None, with_unit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields = {"unit": _units(user, villages=self.villages), **self.fields}
        if "duty" in self.fields and user is not None:
            self.fields["duty"].queryset = PublicityDuty.objects.visible_to(user).order_by(
                "-year", "body"
            )
        bootstrap(self)


class EventForm(_UnitForm):
    class Meta:
        model = PublicityEvent
        fields = [
            "date",
            "title",
            "theme",
            "free_theme",
            "place_kind",
            "place",
            "partners",
            "duty",
            "laws",
            "audience",
            "materials",
            "consultations",
            "notes",
        ]
        widgets = {"date": DATE}


class DutyForm(_UnitForm):
    class Meta:
        model = PublicityDuty
        fields = ["year", "body", "laws", "tasks", "target_events", "contact"]


class LiaisonForm(pii.MaskedIdentifiersMixin, _UnitForm):
    villages = True
    identifier_fields = {"phone": "mobile"}

    class Meta:
        model = LegalLiaison
        fields = ["name", "phone", "occupation", "appointed_on", "active"]
        widgets = {"appointed_on": DATE}


class TrainingForm(_UnitForm):
    liaisons = forms.ModelMultipleChoiceField(
        queryset=LegalLiaison.objects.none(),
        required=False,
        label="参训人员",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LiaisonTraining
        fields = ["date", "topic", "trainer", "hours"]
        widgets = {"date": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["liaisons"].queryset = (
            LegalLiaison.objects.visible_to(user).filter(active=True).select_related("unit")
            if user is not None
            else LegalLiaison.objects.none()
        )
        self.fields["liaisons"].label_from_instance = lambda o: f"{o.unit.name} {o.name}"
        self.fields["liaisons"].widget.attrs = {}


class ModelVillageForm(_UnitForm):
    villages = True

    class Meta:
        model = ModelVillage
        fields = ["kind", "level", "year", "awarded_by", "document_no"]


def can_change_any(user) -> bool:
    return scoping.has_perm_anywhere(user, Perm.CHANGE)

from __future__ import annotations

from django import forms

from fazhi.core import pii
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, VILLAGE_KINDS

from .models import AidOutcome, Channel, LegalAdviser, ShiftStatus

D = {"type": "date", "class": "form-control"}
# ISO dates: an <input type="date"> shows nothing for a localized value (2026/12/07)
DATE_INPUT = forms.DateInput(D, format="%Y-%m-%d")


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select | forms.SelectMultiple):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


def villages_under(unit: Unit):
    return Unit.objects.subtree(unit).filter(kind__in=VILLAGE_KINDS, active=True).order_by("path")


def places_under(unit: Unit):
    return (
        Unit.objects.subtree(unit)
        .filter(kind__in=VILLAGE_KINDS | TOWNSHIP_KINDS, active=True)
        .order_by("path")
    )


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UnitMultiChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name + ("（偏远）" if obj.remote else "")


class AdviserForm(pii.MaskedIdentifiersMixin, BootstrapMixin, forms.Form):
    identifier_fields = {"phone": "mobile"}
    name = forms.CharField(label="姓名", max_length=50)
    firm = forms.CharField(label="律师事务所", max_length=100)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    contract_start = forms.DateField(label="聘用起始日期", widget=DATE_INPUT)
    contract_end = forms.DateField(label="聘用截止日期", widget=DATE_INPUT)
    served = UnitMultiChoice(
        label="服务村(社区)",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label="备注", max_length=200, required=False)
    active = forms.BooleanField(label="有效（未解聘）", required=False, initial=True)

    def __init__(self, township: Unit, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served"].queryset = villages_under(township)
        self.fields["served"].widget.attrs = {}


class ShiftForm(BootstrapMixin, forms.Form):
    unit = UnitChoice(label="坐班地点（村/社区）", queryset=Unit.objects.none())
    adviser = forms.ModelChoiceField(label="法律顾问", queryset=LegalAdviser.objects.none())
    date = forms.DateField(label="日期", widget=DATE_INPUT)
    hours = forms.DecimalField(
        label="时长(小时)", min_value=0.5, max_value=24, initial=4, decimal_places=1
    )
    status = forms.ChoiceField(
        label="状态", choices=ShiftStatus.choices, initial=ShiftStatus.PLANNED
    )
    note = forms.CharField(label="情况记录", max_length=200, required=False)

    def __init__(self, township: Unit, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = places_under(township)
        self.fields["adviser"].queryset = LegalAdviser.objects.filter(unit=township, active=True)


class ConsultationForm(BootstrapMixin, forms.Form):
    unit = UnitChoice(label="所属村(社区)/乡镇", queryset=Unit.objects.none())
    date = forms.DateField(label="日期", widget=DATE_INPUT)
    place = forms.CharField(label="地点", max_length=100)
    topic = forms.CharField(label="咨询事项", max_length=200)
    channel = forms.ChoiceField(label="方式", choices=Channel.choices)
    adviser = forms.ModelChoiceField(
        label="法律顾问", queryset=LegalAdviser.objects.none(), required=False
    )
    persons = forms.IntegerField(label="服务人次", min_value=1, max_value=10000, initial=1)
    answer = forms.CharField(label="解答意见", widget=forms.Textarea({"rows": 3}), required=False)

    def __init__(self, township: Unit, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = places_under(township)
        self.fields["adviser"].queryset = LegalAdviser.objects.filter(unit=township)


class CenterDayForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label="日期", widget=DATE_INPUT)
    visits = forms.IntegerField(label="接待办事群众(人次)", min_value=0, max_value=100000)
    self_service = forms.IntegerField(label="自助服务机使用(件)", min_value=0, max_value=100000)
    note = forms.CharField(label="备注", max_length=200, required=False)


class ReferralForm(pii.MaskedIdentifiersMixin, BootstrapMixin, forms.Form):
    identifier_fields = {"phone": "mobile"}
    unit = UnitChoice(label="登记单位", queryset=Unit.objects.none())
    date = forms.DateField(label="转介日期", widget=DATE_INPUT)
    person_name = forms.CharField(label="当事人", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    matter = forms.CharField(label="事项", max_length=200)
    referred_to = forms.CharField(label="转介至", max_length=100, initial="县法律援助中心")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, township: Unit, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = places_under(township)


class OutcomeForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label="结果", choices=AidOutcome.choices)
    note = forms.CharField(label="备注", max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel（.xlsx）或 CSV 文件")


class SettingsForm(BootstrapMixin, forms.Form):
    duty_min_days = forms.IntegerField(label="每村每月最少坐班值班天数", min_value=0, max_value=31)
    duty_min_days_remote = forms.IntegerField(label="偏远村每月最少天数", min_value=0, max_value=31)


class FilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False)
    date_from = forms.DateField(label="起", required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label="止", required=False, widget=DATE_INPUT)

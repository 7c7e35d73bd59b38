"""The county's settings form (the ledgers' forms come from ledgers.py)."""

from __future__ import annotations

from django import forms


class SettingsForm(forms.Form):
    duty_min_days = forms.IntegerField(
        label="每村每月最少坐班值班天数",
        min_value=0,
        max_value=31,
        widget=forms.NumberInput({"class": "form-control"}),
    )
    duty_min_days_remote = forms.IntegerField(
        label="偏远村每月最少天数",
        min_value=0,
        max_value=31,
        widget=forms.NumberInput({"class": "form-control"}),
    )

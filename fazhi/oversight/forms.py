from __future__ import annotations

from django import forms

from .models import FundingKind, InspectionKind, MemberRole

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
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


class GroupForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100, initial="法治建设工作领导小组")
    doc_number = forms.CharField(label="成立文号", max_length=50, required=False)
    established_on = forms.DateField(label="成立(调整)日期", required=False, widget=DATE_INPUT)
    office = forms.CharField(label="办公室设在", max_length=100, required=False)
    office_director = forms.CharField(label="办公室主任", max_length=50, required=False)
    duties = forms.CharField(label="工作职责", required=False, widget=forms.Textarea({"rows": 3}))


class MemberForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(label="组内职务", choices=MemberRole.choices)
    name = forms.CharField(label="姓名", max_length=50)
    post = forms.CharField(label="本职职务", max_length=100)


class DutyReportForm(BootstrapMixin, forms.Form):
    person_name = forms.CharField(label="姓名", max_length=50)
    post = forms.CharField(label="职务", max_length=100)
    study = forms.CharField(
        label="本人学法情况（每行一次）", required=False, widget=forms.Textarea({"rows": 4})
    )
    topics = forms.CharField(
        label="听取法治工作汇报/专题研究议题（每行一个）",
        required=False,
        widget=forms.Textarea({"rows": 4}),
    )
    report_text = forms.CharField(
        label="述法报告", required=False, widget=forms.Textarea({"rows": 8})
    )
    report_date = forms.DateField(label="述法日期", required=False, widget=DATE_INPUT)


class FundingForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=FundingKind.choices)
    item = forms.CharField(label="项目", max_length=100)
    amount = forms.DecimalField(label="预算金额(元)", min_value=0, max_digits=12, decimal_places=2)
    spent = forms.DecimalField(
        label="已支出(元)", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    note = forms.CharField(label="备注", max_length=200, required=False)


class InspectionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=InspectionKind.choices)
    target = forms.ModelChoiceField(label="被检查单位", queryset=None)
    date = forms.DateField(label="检查日期", widget=DATE_INPUT)
    title = forms.CharField(label="名称", max_length=200)
    team = forms.CharField(label="检查组", max_length=200, required=False)
    summary = forms.CharField(label="检查情况", required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, targets, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
        self.fields["target"].label_from_instance = lambda u: u.name


class FindingForm(BootstrapMixin, forms.Form):
    problem = forms.CharField(label="发现的问题", widget=forms.Textarea({"rows": 2}))
    requirement = forms.CharField(
        label="整改要求", required=False, widget=forms.Textarea({"rows": 2})
    )
    owner_name = forms.CharField(label="责任人", max_length=50)
    owner_username = forms.CharField(
        label="责任人账号（可选，用于待办提醒）", max_length=150, required=False
    )
    deadline = forms.DateField(
        label="整改期限（不填则按 30 个工作日计算）", required=False, widget=DATE_INPUT
    )


class MeasuresForm(BootstrapMixin, forms.Form):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea({"rows": 3}))
    evidence_note = forms.CharField(
        label="整改成效说明", required=False, widget=forms.Textarea({"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel（.xlsx）或 CSV 文件")
